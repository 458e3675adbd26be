// parse_sse against the HTML Living Standard's event-stream rules, as the
// header states them.
#include "harness/mcp/sse.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace mcpgym::harness {

bool operator==(const SseEvent& a, const SseEvent& b) {
  return a.event == b.event && a.data == b.data && a.id == b.id;
}

void PrintTo(const SseEvent& e, std::ostream* os) {
  *os << "{event=\"" << e.event << "\", data=\"" << e.data
      << "\", id=" << (e.id ? "\"" + *e.id + "\"" : std::string("none")) << "}";
}

namespace {

using Events = std::vector<SseEvent>;

SseEvent message(std::string data, std::optional<std::string> id = std::nullopt) {
  return {"message", std::move(data), std::move(id)};
}

TEST(ParseSse, TypeScriptSdkFraming) {
  EXPECT_EQ(parse_sse("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n"),
            Events{message(R"({"jsonrpc":"2.0","id":1,"result":{}})")});
}

TEST(ParseSse, ReferenceServerFramingWithCommentAndPrimingEvent) {
  EXPECT_EQ(parse_sse(": mcpgym-frozenlake\n\nid: 0\ndata:\n\nevent: message\nid: 1\ndata: {}\n\n"),
            (Events{message("", "0"), message("{}", "1")}));
}

TEST(ParseSse, MultiLineDataIsJoinedWithNewlines) {
  EXPECT_EQ(parse_sse("data: first\ndata: second\ndata:\ndata: fourth\n\n"),
            Events{message("first\nsecond\n\nfourth")});
}

TEST(ParseSse, EventAndIdFields) {
  EXPECT_EQ(parse_sse("event: ping\nid: 42\ndata: x\n\ndata: y\n\n"),
            (Events{{"ping", "x", "42"}, message("y")}));
}

TEST(ParseSse, EmptyEventNameMeansMessage) {
  EXPECT_EQ(parse_sse("event:\ndata: x\n\n"), Events{message("x")});
}

TEST(ParseSse, CommentsAreIgnoredAnywhere) {
  EXPECT_EQ(parse_sse(": hello\ndata: a\n: between\ndata: b\n:\n\n: only a comment\n\n"),
            Events{message("a\nb")});
}

TEST(ParseSse, PrimingEventWithEmptyDataIsReturned) {
  EXPECT_EQ(parse_sse("id: 7\ndata:\n\n"), Events{message("", "7")});
  EXPECT_EQ(parse_sse("data\n\n"), Events{message("")});
}

TEST(ParseSse, BlankLinesWithoutFieldsDispatchNothing) {
  EXPECT_EQ(parse_sse("\n\n\r\n\r\r"), Events{});
  EXPECT_EQ(parse_sse("retry: 100\n\n"), Events{});
}

TEST(ParseSse, CrLfCrAndLfLineEnds) {
  const Events expected = {message("a\nb", "1"), message("c")};
  EXPECT_EQ(parse_sse("id: 1\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n"), expected);
  EXPECT_EQ(parse_sse("id: 1\rdata: a\rdata: b\r\rdata: c\r\r"), expected);
  EXPECT_EQ(parse_sse("id: 1\ndata: a\ndata: b\n\ndata: c\n\n"), expected);
  EXPECT_EQ(parse_sse("id: 1\r\ndata: a\rdata: b\n\rdata: c\r\n\n"), expected);
}

TEST(ParseSse, OnlyOneSpaceAfterTheColonIsRemoved) {
  EXPECT_EQ(parse_sse("data:no-space\n\n"), Events{message("no-space")});
  EXPECT_EQ(parse_sse("data:  two spaces\n\n"), Events{message(" two spaces")});
  EXPECT_EQ(parse_sse("data: a: b\n\n"), Events{message("a: b")});
}

TEST(ParseSse, FieldWithoutColonHasAnEmptyValue) {
  EXPECT_EQ(parse_sse("data\ndata\n\n"), Events{message("\n")});
  EXPECT_EQ(parse_sse("event\ndata: x\n\n"), Events{message("x")});
  EXPECT_EQ(parse_sse("id\ndata: x\n\n"), Events{message("x", "")});
}

TEST(ParseSse, UnknownFieldsAreIgnored) {
  EXPECT_EQ(parse_sse("foo: bar\ndata: x\nDATA: y\n\n"), Events{message("x")});
}

TEST(ParseSse, TrailingEventWithoutBlankLineIsDropped) {
  EXPECT_EQ(parse_sse("data: kept\n\ndata: dropped\n"), Events{message("kept")});
  EXPECT_EQ(parse_sse("data: kept\n\ndata: dropped"), Events{message("kept")});
  EXPECT_EQ(parse_sse(""), Events{});
}

TEST(ParseSse, LeadingByteOrderMarkIsSkipped) {
  EXPECT_EQ(parse_sse("\xEF\xBB\xBF"
                      "data: x\n\n"),
            Events{message("x")});
}

TEST(ParseSse, IdWithNulIsIgnored) {
  using namespace std::string_literals;
  EXPECT_EQ(parse_sse("id: a\0b\ndata: x\n\n"s), Events{message("x")});
}

// Fed in pieces of every size, the incremental parser gives what parse_sse
// gives on the whole: CRLF and the byte order mark may be split anywhere.
TEST(SseParser, AnySplitGivesTheSameEvents) {
  const std::string stream =
      "\xEF\xBB\xBF: comment\r\nevent: a\r\ndata: one\r\ndata: two\r\n\r\n"
      "id: 7\rdata: {\"x\":1}\r\rdata: last\n\ndata: dropped";
  const Events whole = parse_sse(stream);
  ASSERT_EQ(whole.size(), 3u);
  for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
    SseParser parser;
    Events events;
    for (std::size_t at = 0; at < stream.size(); at += piece)
      parser.feed(std::string_view(stream).substr(at, piece), events);
    EXPECT_EQ(events, whole) << "pieces of " << piece;
  }
}

TEST(SseParser, EventsComeAsSoonAsTheirBlankLine) {
  SseParser parser;
  Events events;
  parser.feed("data: x\n", events);
  EXPECT_TRUE(events.empty());
  parser.feed("\n", events);
  EXPECT_EQ(events, Events{message("x")});
}

}  // namespace
}  // namespace mcpgym::harness
