// The pure response-head parser and body framing, on bytes.
#include "harness/http/response_head.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace mcpgym::harness {
namespace {

using State = HeadParse::State;

TEST(ResponseHead, ParsesStatusAndFieldsWithCrlfOrLf) {
  for (const std::string bytes : {"HTTP/1.1 200 OK\r\nA: 1\r\nB:  two words \r\n\r\nbody",
                                  "HTTP/1.1 200 OK\nA: 1\nB:  two words \n\nbody"}) {
    const HeadParse parse = parse_response_head(bytes);
    ASSERT_EQ(parse.state, State::kComplete) << parse.fault.detail;
    EXPECT_EQ(parse.head.status, 200);
    EXPECT_EQ(parse.head.reason, "OK");
    EXPECT_EQ(parse.head.headers, (HeaderList{{"A", "1"}, {"B", "two words"}}));
    EXPECT_EQ(bytes.substr(parse.head.size), "body");
  }
}

TEST(ResponseHead, EveryPrefixOfAGoodHeadIsIncomplete) {
  const std::string head = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  for (std::size_t n = 0; n < head.size(); ++n) {
    EXPECT_EQ(parse_response_head(head.substr(0, n)).state, State::kIncomplete) << n;
  }
  EXPECT_EQ(parse_response_head(head).state, State::kComplete);
}

TEST(ResponseHead, StatusWithoutReasonIsFine) {
  const HeadParse parse = parse_response_head("HTTP/1.1 204\r\n\r\n");
  ASSERT_EQ(parse.state, State::kComplete);
  EXPECT_EQ(parse.head.status, 204);
  EXPECT_EQ(parse.head.reason, "");
}

TEST(ResponseHead, BadStatusLinesAreQuoted) {
  for (const std::string bytes : {"HTTP/1.1 2OO OK\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n",
                                  "HTTP/11 200 OK\r\n\r\n", "HTTP/1.1 099 Low\r\n\r\n"}) {
    const HeadParse parse = parse_response_head(bytes);
    ASSERT_EQ(parse.state, State::kFailed) << bytes;
    EXPECT_EQ(parse.fault.id, "mcpgym.http_client.bad_status_line");
    const std::string line = bytes.substr(0, bytes.find('\r'));
    EXPECT_EQ(parse.fault.detail,
              "the answer does not start with an HTTP/1.x status line: \"" + line + "\\x0d\"");
  }
  EXPECT_EQ(parse_response_head("SSH-2.0").fault.detail,
            "the answer does not start with an HTTP/1.x status line: \"SSH-2.0\"");
}

TEST(ResponseHead, CapsAreReportedAsSoonAsPassed) {
  const HeadLimits limits{100, 3};
  const HeadParse large =
      parse_response_head("HTTP/1.1 200 OK\r\nX: " + std::string(200, 'a'), limits);
  EXPECT_EQ(large.state, State::kFailed);
  EXPECT_EQ(large.fault.id, "mcpgym.http_client.head_too_large");
  EXPECT_EQ(large.fault.detail,
            "the response head passed the cap of 100 bytes (max_head_bytes) without ending; the "
            "rest was not read");
  const HeadParse many =
      parse_response_head("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n", limits);
  EXPECT_EQ(many.fault.id, "mcpgym.http_client.too_many_headers");
  EXPECT_EQ(many.fault.detail,
            "the response head has more than 3 header fields (max_header_fields); the rest was not "
            "read");
  EXPECT_EQ(parse_response_head("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits).state,
            State::kComplete);
}

TEST(ResponseHead, MalformedFieldLinesAreRefused) {
  for (const std::string line : {"no colon", " folded: x", ": empty name", "bad name: x"}) {
    const HeadParse parse = parse_response_head("HTTP/1.1 200 OK\r\n" + line + "\r\n\r\n");
    ASSERT_EQ(parse.state, State::kFailed) << line;
    EXPECT_EQ(parse.fault.id, "mcpgym.http_client.bad_header");
    EXPECT_EQ(parse.fault.detail,
              "line 2 of the response head is not a header field: \"" + line + "\"");
  }
}

ResponseHead head_with(HeaderList headers, int status = 200) {
  ResponseHead head;
  head.status = status;
  head.headers = std::move(headers);
  return head;
}

TEST(BodyFraming, FollowsRfc9112) {
  using Kind = BodyFraming::Kind;
  EXPECT_EQ(body_framing(head_with({{"Content-Length", "5"}}), "HEAD").framing.kind, Kind::kNone);
  EXPECT_EQ(body_framing(head_with({}, 204), "POST").framing.kind, Kind::kNone);
  EXPECT_EQ(body_framing(head_with({}, 304), "GET").framing.kind, Kind::kNone);
  EXPECT_EQ(body_framing(head_with({}), "GET").framing.kind, Kind::kUntilClose);
  const auto length = body_framing(head_with({{"content-length", "12, 12"}}), "GET");
  EXPECT_EQ(length.framing.kind, Kind::kLength);
  EXPECT_EQ(length.framing.length, 12u);
  EXPECT_EQ(body_framing(
                head_with({{"Transfer-Encoding", "gzip, Chunked"}, {"Content-Length", "3"}}), "GET")
                .framing.kind,
            Kind::kChunked);
  EXPECT_EQ(body_framing(head_with({{"Transfer-Encoding", "gzip"}}), "GET").framing.kind,
            Kind::kUntilClose);
}

TEST(BodyFraming, BadLengthsAreFaults) {
  const auto bad = body_framing(head_with({{"Content-Length", "-1"}}), "GET");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.fault.id, "mcpgym.http_client.bad_framing");
  EXPECT_EQ(bad.fault.detail, "the Content-Length \"-1\" is not a number of bytes");
  EXPECT_EQ(
      body_framing(head_with({{"Content-Length", "99999999999999999999"}}), "GET").fault.detail,
      "the Content-Length \"99999999999999999999\" is not a number of bytes");
  EXPECT_EQ(body_framing(head_with({{"Content-Length", "1"}, {"Content-Length", "2"}}), "GET")
                .fault.detail,
            "the answer announces two different Content-Length values, 1 and 2");
}

// Any bytes after a status line: a complete head lies within the bytes and
// the cap, and has no more fields than the cap.
RC_GTEST_PROP(ResponseHeadProperty, StaysWithinItsLimits, (const std::string& tail)) {
  const HeadLimits limits{200, 5};
  const std::string bytes = "HTTP/1.1 200 OK\r\n" + tail;
  const HeadParse parse = parse_response_head(bytes, limits);
  if (parse.state == HeadParse::State::kComplete) {
    RC_ASSERT(parse.head.size <= bytes.size());
    RC_ASSERT(parse.head.size <= limits.max_bytes);
    RC_ASSERT(parse.head.headers.size() <= limits.max_fields);
  }
  if (parse.state == HeadParse::State::kIncomplete) RC_ASSERT(bytes.size() <= limits.max_bytes);
}

}  // namespace
}  // namespace mcpgym::harness
