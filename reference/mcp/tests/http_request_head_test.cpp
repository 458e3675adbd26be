// parse_request_head() and ChunkedBodyDecoder: pure functions over bytes.
#include "reference/mcp/http_request_head.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error_ids.hpp"
#include "reference/mcp/http_wire.hpp"

namespace mcpgym::mcp {
namespace {

using State = HeadParse::State;

struct RejectCase {
  std::string name;
  std::string bytes;
  int status;
  std::string message;  // "[id] text"
};

std::string message_of(const HeadParse& parse) {
  return err::message(parse.rejection.error_id, parse.rejection.text);
}

RequestHeadLimits small_limits() {
  RequestHeadLimits limits;
  limits.max_body_bytes = 1024;
  return limits;
}

TEST(RequestHead, RefusesWhatRfc9112Refuses) {
  const std::vector<RejectCase> cases = {
      {"conflicting lengths",
       "POST /mcp HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: conflicting Content-Length values (5 and 6)"},
      {"conflicting list", "POST /mcp HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: conflicting Content-Length values (5 and 6)"},
      {"negative length", "POST /mcp HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: malformed Content-Length \"-1\""},
      {"empty length", "POST /mcp HTTP/1.1\r\nContent-Length:\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: malformed Content-Length \"\""},
      {"hex length", "POST /mcp HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: malformed Content-Length \"0x10\""},
      {"huge length", "POST /mcp HTTP/1.1\r\nContent-Length: 9223372036854775807\r\n\r\n", 413,
       "[mcpgym.http.payload_too_large] Payload Too Large: the request body exceeds 1024 bytes "
       "(the server's --max-body)"},
      {"beyond 64 bits", "POST /mcp HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
       413,
       "[mcpgym.http.payload_too_large] Payload Too Large: the request body exceeds 1024 bytes "
       "(the server's --max-body)"},
      {"one over", "POST /mcp HTTP/1.1\r\nContent-Length: 1025\r\n\r\n", 413,
       "[mcpgym.http.payload_too_large] Payload Too Large: the request body exceeds 1024 bytes "
       "(the server's --max-body)"},
      {"length and chunked",
       "POST /mcp HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: both Transfer-Encoding and Content-Length; send one "
       "of them"},
      {"gzip coding", "POST /mcp HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501,
       "[mcpgym.http.not_implemented] Not Implemented: Transfer-Encoding \"gzip, chunked\"; this "
       "server accepts only chunked"},
      {"no version", "GET /mcp\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: the request line \"GET /mcp\" is not METHOD SP "
       "TARGET SP HTTP-VERSION"},
      {"garbage line", "\x16\x03\x01 hello\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: the request line \"\\x16\\x03\\x01 hello\" is "
       "not "
       "METHOD SP TARGET SP HTTP-VERSION"},
      {"bad method", "G(T /mcp HTTP/1.1\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: the request line \"G(T /mcp HTTP/1.1\" has no valid "
       "method"},
      {"two spaces", "GET  /mcp HTTP/1.1\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: the request line \"GET  /mcp HTTP/1.1\" has no "
       "valid request-target"},
      {"http/2", "GET /mcp HTTP/2.0\r\n\r\n", 505,
       "[mcpgym.http.not_implemented] HTTP Version Not Supported: \"HTTP/2.0\"; this server speaks "
       "HTTP/1.1 (and HTTP/1.0)"},
      {"space before colon", "GET /mcp HTTP/1.1\r\nHost : x\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: the header line \"Host : x\" is not NAME: VALUE"},
      {"no colon", "GET /mcp HTTP/1.1\r\nHost\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: the header line \"Host\" is not NAME: VALUE"},
      {"folded", "GET /mcp HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 400,
       "[mcpgym.http.bad_request] Bad Request: obsolete line folding in the header field \" c\""},
      {"bare CR in value", std::string("GET /mcp HTTP/1.1\r\nA: b\rc\r\n\r\n"), 400,
       "[mcpgym.http.bad_request] Bad Request: the header field \"A\" holds a control character"},
  };
  for (const auto& c : cases) {
    const HeadParse parse = parse_request_head(c.bytes, small_limits());
    ASSERT_EQ(parse.state, State::kRejected) << c.name;
    EXPECT_EQ(parse.rejection.status, c.status) << c.name;
    EXPECT_EQ(message_of(parse), c.message) << c.name;
  }
}

std::string head_with_fields(std::size_t count) {
  std::string bytes = "GET /mcp HTTP/1.1\r\n";
  for (std::size_t i = 0; i < count; ++i)
    bytes += "X-" + std::to_string(i) + ": v\r\n";
  return bytes + "\r\n";
}

const char* const k431 =
    "[mcpgym.http.request_header_fields_too_large] Request Header Fields Too Large: the request "
    "head exceeds 65536 bytes or 100 header fields";

TEST(RequestHead, HundredFieldsPassAndOneMoreIs431) {
  EXPECT_EQ(parse_request_head(head_with_fields(100)).state, State::kComplete);
  const HeadParse parse = parse_request_head(head_with_fields(101));
  ASSERT_EQ(parse.state, State::kRejected);
  EXPECT_EQ(parse.rejection.status, 431);
  EXPECT_EQ(message_of(parse), k431);
}

TEST(RequestHead, HeadOverTheSizeLimitIs431EvenUnfinished) {
  const std::string long_line = "GET /mcp HTTP/1.1\r\nX-Big: " + std::string(70 * 1024, 'a');
  const HeadParse parse = parse_request_head(long_line);
  ASSERT_EQ(parse.state, State::kRejected);
  EXPECT_EQ(parse.rejection.status, 431);
  EXPECT_EQ(message_of(parse), k431);
  // Within the limit and unfinished: more bytes are needed.
  EXPECT_EQ(parse_request_head(long_line.substr(0, 60 * 1024)).state, State::kIncomplete);
}

TEST(RequestHead, IncompleteUntilTheBlankLine) {
  const std::string full = "POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n";
  for (std::size_t n = 0; n < full.size(); ++n)
    EXPECT_EQ(parse_request_head(full.substr(0, n)).state, State::kIncomplete) << n;
  EXPECT_EQ(parse_request_head(full).state, State::kComplete);
}

TEST(RequestHead, CompleteHeadIsParsed) {
  const std::string bytes =
      "\r\nPOST /mcp?x=1 HTTP/1.1\r\nHost: localhost\r\ncontent-length:  7 \r\n"
      "Mcp-Session-Id: abc\r\nExpect: 100-continue\r\n\r\n{\"a\":1}";
  const HeadParse parse = parse_request_head(bytes);
  ASSERT_EQ(parse.state, State::kComplete) << message_of(parse);
  const RequestHead& head = parse.head;
  EXPECT_EQ(head.method, "POST");
  EXPECT_EQ(head.target, "/mcp?x=1");
  EXPECT_EQ(head.path, "/mcp");
  EXPECT_EQ(head.minor_version, 1);
  EXPECT_EQ(head.framing, BodyFraming::kLength);
  EXPECT_EQ(head.content_length, 7U);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_TRUE(head.expects_continue);
  EXPECT_EQ(head.head_bytes, bytes.size() - 7);
  ASSERT_NE(head.find("MCP-SESSION-ID"), nullptr);
  EXPECT_EQ(*head.find("mcp-session-id"), "abc");
  EXPECT_EQ(head.find("Origin"), nullptr);
}

TEST(RequestHead, RepeatedEqualLengthsAndBareLineFeedsAreAccepted) {
  const HeadParse parse =
      parse_request_head("POST /mcp HTTP/1.1\nContent-Length: 3\nContent-Length: 3, 3\n\n");
  ASSERT_EQ(parse.state, State::kComplete) << message_of(parse);
  EXPECT_EQ(parse.head.content_length, 3U);
}

TEST(RequestHead, ConnectionPersistenceFollowsTheVersion) {
  EXPECT_FALSE(parse_request_head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").head.keep_alive);
  EXPECT_FALSE(parse_request_head("GET / HTTP/1.0\r\n\r\n").head.keep_alive);
  EXPECT_TRUE(
      parse_request_head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").head.keep_alive);
  EXPECT_EQ(
      parse_request_head("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n").head.framing,
      BodyFraming::kChunked);
  EXPECT_EQ(parse_request_head("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").head.framing,
            BodyFraming::kNone);
}

// ---- chunked bodies --------------------------------------------------------------------------

TEST(ChunkedBody, DecodesByteByByteAndLeavesTheNextRequest) {
  const std::string bytes = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  ChunkedBodyDecoder decoder(1024);
  std::string pending;
  ChunkedBodyDecoder::State state = ChunkedBodyDecoder::State::kIncomplete;
  std::size_t i = 0;
  for (; i < bytes.size() && state == ChunkedBodyDecoder::State::kIncomplete; ++i) {
    pending += bytes[i];
    state = decoder.feed(pending);
    pending.erase(0, decoder.consumed());
  }
  ASSERT_EQ(state, ChunkedBodyDecoder::State::kComplete);
  EXPECT_EQ(decoder.body(), "hello world");
  EXPECT_EQ(bytes.substr(i), "NEXT");
}

TEST(ChunkedBody, RefusesOversizedAndMalformedChunks) {
  struct Case {
    std::string bytes;
    int status;
    std::string message;
  };
  const std::string too_large =
      "[mcpgym.http.payload_too_large] Payload Too Large: the request body exceeds 8 bytes (the "
      "server's --max-body)";
  const std::vector<Case> cases = {
      {"9\r\n", 413, too_large},
      {"5\r\nhello\r\n4\r\n", 413, too_large},
      {"ffffffffffffffffff\r\n", 413, too_large},
      {"zz\r\n", 400, "[mcpgym.http.bad_request] Bad Request: a malformed chunk size"},
      {"-1\r\n", 400, "[mcpgym.http.bad_request] Bad Request: a malformed chunk size"},
      {"2\r\nabX", 400, "[mcpgym.http.bad_request] Bad Request: chunk data not followed by CRLF"},
      {std::string(2000, '1'), 400,
       "[mcpgym.http.bad_request] Bad Request: a chunk-size line is too long"},
  };
  for (const auto& c : cases) {
    ChunkedBodyDecoder decoder(8);
    ASSERT_EQ(decoder.feed(c.bytes), ChunkedBodyDecoder::State::kRejected) << c.bytes;
    EXPECT_EQ(decoder.rejection().status, c.status) << c.bytes;
    EXPECT_EQ(err::message(decoder.rejection().error_id, decoder.rejection().text), c.message)
        << c.bytes;
  }
}

TEST(HttpResponse, SerializedWithLengthAndCloseWhenAsked) {
  HttpResponseMessage response;
  response.status = 405;
  response.set_header("Allow", "GET");
  response.set_content("{}", "application/json");
  EXPECT_EQ(serialize_response(response, true),
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nAllow: "
            "GET\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(serialize_response(response, false, /*head_request=*/true),
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nAllow: "
            "GET\r\nContent-Length: 2\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace mcpgym::mcp
