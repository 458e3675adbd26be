// The Base64 sentinel of MCP 2026-07-28's header values (MODERN-003,
// HANDLE-007), with the revision's own examples: common/header_base64.hpp,
// shared by the server core and the harness.
#include "common/header_base64.hpp"

#include <gtest/gtest.h>

namespace mcpgym {
namespace {

TEST(Base64Sentinel, EncodesTheRevisionsExamples) {
  // basic/transports/streamable-http.mdx, "Encoding examples".
  EXPECT_EQ(encode_header_value("us-west1"), "us-west1");
  EXPECT_EQ(encode_header_value("Hello, \xe4\xb8\x96\xe7\x95\x8c"),
            "=?base64?SGVsbG8sIOS4lueVjA==?=");
  EXPECT_EQ(encode_header_value(" padded "), "=?base64?IHBhZGRlZCA=?=");
  EXPECT_EQ(encode_header_value("line1\nline2"), "=?base64?bGluZTEKbGluZTI=?=");
  EXPECT_EQ(encode_header_value("=?base64?literal?="), "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=");
}

TEST(Base64Sentinel, PlainTextWithInnerSpacesStaysPlainAndTabsAreEncoded) {
  EXPECT_FALSE(needs_base64_sentinel("a b"));
  EXPECT_FALSE(needs_base64_sentinel(""));
  EXPECT_TRUE(needs_base64_sentinel("a\tb"));
  EXPECT_TRUE(needs_base64_sentinel("\x7f"));
  EXPECT_FALSE(needs_base64_sentinel("=?base64?"));  // not the whole pattern
}

TEST(Base64Sentinel, DecodesWhatItEncodesAndRefusesBrokenBase64) {
  for (const std::string value : {"us-west1", "Hello, \xe4\xb8\x96\xe7\x95\x8c", " padded ",
                                  "line1\nline2", "=?base64?literal?=", "", "a", "ab", "abc"}) {
    EXPECT_EQ(decode_header_value(encode_header_value(value)), value) << value;
  }
  EXPECT_EQ(decode_header_value("plain"), "plain");
  EXPECT_EQ(decode_header_value("=?base64?not base64?="), std::nullopt);
  EXPECT_EQ(decode_header_value("=?base64?QQ?="), std::nullopt);    // unpadded
  EXPECT_EQ(decode_header_value("=?base64?QR==?="), std::nullopt);  // non-canonical bits
  EXPECT_EQ(decode_header_value("=?base64?QQ==?="), "A");
}

}  // namespace
}  // namespace mcpgym
