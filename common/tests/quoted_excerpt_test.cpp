#include <gtest/gtest.h>

#include <string>

#include "common/text.hpp"

namespace mcpgym {
namespace {

TEST(QuotedExcerpt, DoubleQuotesByDefault) {
  EXPECT_EQ(quoted_excerpt("evil.example"), "\"evil.example\"");
}

TEST(QuotedExcerpt, TakesTheQuoteAndTheBudget) {
  EXPECT_EQ(quoted_excerpt("abcdef", '\'', 3), "'abc...'");
}

TEST(QuotedExcerpt, ShowsUnprintableBytesAsHex) {
  EXPECT_EQ(quoted_excerpt(std::string("a\nb\0", 4)), "\"a\\x0ab\\x00\"");
}

TEST(QuotedExcerpt, QuotesTheEmptyText) {
  EXPECT_EQ(quoted_excerpt(""), "\"\"");
}

}  // namespace
}  // namespace mcpgym
