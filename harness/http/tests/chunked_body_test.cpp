// The incremental chunked decoder, fed whole and byte by byte.
#include "harness/http/chunked_body.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace mcpgym::harness {
namespace {

using Status = ChunkedDecoder::Status;

// Feeds `bytes` in pieces of `piece` bytes; the last status and the output.
std::pair<Status, std::string> decode(std::string_view bytes, std::size_t piece,
                                      std::string* rest = nullptr, std::string* fault = nullptr) {
  ChunkedDecoder decoder;
  std::string out;
  Status status = Status::kNeedMore;
  while (!bytes.empty() && status == Status::kNeedMore) {
    std::string_view in = bytes.substr(0, piece);
    const std::size_t given = in.size();
    status = decoder.feed(in, out);
    bytes.remove_prefix(given - in.size());
    if (status == Status::kNeedMore && !in.empty()) ADD_FAILURE() << "input left unconsumed";
  }
  if (rest) *rest = std::string(bytes);
  if (fault) *fault = decoder.fault();
  return {status, out};
}

TEST(ChunkedDecoder, DecodesInAnyPieces) {
  const std::string body = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  for (std::size_t piece : {1u, 2u, 3u, 7u, 1000u}) {
    std::string rest;
    const auto [status, out] = decode(body, piece, &rest);
    EXPECT_EQ(status, Status::kDone) << piece;
    EXPECT_EQ(out, "hello world") << piece;
    EXPECT_EQ(rest, "NEXT") << piece;
  }
}

TEST(ChunkedDecoder, BareLfLineEndsAreAccepted) {
  EXPECT_EQ(decode("3\nabc\n0\n\n", 1000), std::make_pair(Status::kDone, std::string("abc")));
}

TEST(ChunkedDecoder, BrokenFramingIsAFault) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"zz\r\n", "a chunk-size line is not a hex number: \"zz\""},
      {"3\r\nabcdef\r\n", "a chunk's data is longer than its size line said: \"def\\x0d\\x0a\""},
      {"1000000000000000\r\n", "a chunk size has more than 15 hex digits"},
      {std::string(5000, '1'),
       "a chunk-size line is longer than 4096 bytes: \"" + std::string(100, '1') + "...\""},
  };
  for (const auto& [bytes, why] : cases) {
    std::string fault;
    EXPECT_EQ(decode(bytes, 1000, nullptr, &fault).first, Status::kFailed) << bytes;
    EXPECT_EQ(fault, why);
  }
}

// Any bytes, in any pieces: the decoder gives the same status and output as
// when fed the whole, and never outputs more than it consumed.
RC_GTEST_PROP(ChunkedDecoderProperty, PiecesDoNotMatter, (const std::string& bytes)) {
  const std::size_t piece = *rc::gen::inRange<std::size_t>(1, 8);
  const auto whole = decode(bytes, bytes.size() + 1);
  const auto split = decode(bytes, piece);
  RC_ASSERT(whole == split);
  RC_ASSERT(whole.second.size() <= bytes.size());
}

}  // namespace
}  // namespace mcpgym::harness
