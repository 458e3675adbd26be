#pragma once
// The chunked transfer coding (RFC 9112 section 7.1), decoded as bytes arrive.
// Pure: a unit test or fuzz target can feed it any bytes in any pieces.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mcpgym::harness {

class ChunkedDecoder {
 public:
  enum class Status { kNeedMore, kDone, kFailed };

  // Consumes the front of `in`, appending chunk data to `out`. kDone once the
  // last chunk and its trailer section are consumed (`in` then holds what came
  // after); kFailed with fault() when the framing is broken. Output never
  // exceeds the input consumed.
  Status feed(std::string_view& in, std::string& out);

  // "[mcpgym.http_client.bad_framing]" detail, without the identifier.
  const std::string& fault() const { return fault_; }
  // True between a chunk's size line and the end of its data.
  bool mid_chunk() const { return state_ == State::kData; }

 private:
  enum class State { kSize, kData, kDataEnd, kTrailer, kDone, kFailed };
  Status fail(std::string why);
  // Moves bytes up to and including the next LF from `in` into line_; true when it came.
  bool take_line(std::string_view& in);

  State state_ = State::kSize;
  std::string line_;
  std::uint64_t remaining_ = 0;
  std::size_t trailer_bytes_ = 0;
  std::string fault_;
};

}  // namespace mcpgym::harness
