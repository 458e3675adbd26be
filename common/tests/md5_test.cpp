// md5_hex against RFC 1321's test suite and values Python's hashlib gives.
#include "common/md5.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mcpgym {
namespace {

TEST(Md5, MatchesTheRfc1321TestSuite) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5_hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(
      md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
      "57edf4a22be3c955ac49da2e2107b67a");
}

// The padding's edge cases: a message that fills the last block to 56 bytes
// (the length then needs a block of its own) and one of exactly one block.
TEST(Md5, PadsAtTheBlockBoundaries) {
  EXPECT_EQ(md5_hex(std::string(56, 'a')), "3b0c8ac703f828b04c6c197006d17218");
  EXPECT_EQ(md5_hex(std::string(64, 'a')), "014842d480b571495a4a0363793f7367");
}

}  // namespace
}  // namespace mcpgym
