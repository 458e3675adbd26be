// The text helpers every layer shares (common/text.hpp).
#include "common/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mcpgym {
namespace {

TEST(Excerpt, EscapesEveryByteOutsidePrintableAsciiAsHex) {
  EXPECT_EQ(excerpt("a\tb\nc\rd\x1b[0m\x7f"), "a\\x09b\\x0ac\\x0dd\\x1b[0m\\x7f");
  // UTF-8 and C1 controls (0x9b is a terminal's CSI) never reach a message raw.
  EXPECT_EQ(excerpt("caf\xc3\xa9 \x9b"), "caf\\xc3\\xa9 \\x9b");
}

TEST(Excerpt, CutsAfterMaxBytesOfTheInputAndSaysSo) {
  EXPECT_EQ(excerpt("abcdef", 3), "abc...");
  EXPECT_EQ(excerpt("abc", 3), "abc");
  EXPECT_EQ(excerpt("\n\n\n\n", 2), "\\x0a\\x0a...");
  EXPECT_EQ(excerpt(std::string(200, 'x')), std::string(120, 'x') + "...");
}

TEST(Lower, LowersAsciiLettersOnly) {
  EXPECT_EQ(lower("Content-Type: TEXT/Event-Stream"), "content-type: text/event-stream");
  EXPECT_EQ(lower("\xc3\x89T\xc3\x89"), "\xc3\x89t\xc3\x89");
  EXPECT_EQ(lower(""), "");
}

TEST(MediaType, DropsParametersTrimsWhitespaceAndLowers) {
  EXPECT_EQ(media_type("application/json"), "application/json");
  EXPECT_EQ(media_type("Application/JSON; charset=utf-8"), "application/json");
  EXPECT_EQ(media_type(" \ttext/event-stream \t;q=0.9"), "text/event-stream");
  EXPECT_EQ(media_type(""), "");
  EXPECT_EQ(media_type(";charset=utf-8"), "");
}

}  // namespace
}  // namespace mcpgym
