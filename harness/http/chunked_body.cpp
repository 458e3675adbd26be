#include "harness/http/chunked_body.hpp"

#include <algorithm>

#include "common/text.hpp"

namespace mcpgym::harness {

namespace {
// A size line is a few hex digits and perhaps extensions; a trailer section a
// few fields. Anything longer is not a real server's framing.
constexpr std::size_t kMaxSizeLine = 4096;
constexpr std::size_t kMaxTrailerBytes = 64 * 1024;

std::string_view without_line_end(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}
}  // namespace

ChunkedDecoder::Status ChunkedDecoder::fail(std::string why) {
  state_ = State::kFailed;
  fault_ = std::move(why);
  return Status::kFailed;
}

bool ChunkedDecoder::take_line(std::string_view& in) {
  const std::size_t newline = in.find('\n');
  const std::size_t take = newline == std::string_view::npos ? in.size() : newline + 1;
  line_.append(in.substr(0, take));
  in.remove_prefix(take);
  return newline != std::string_view::npos;
}

ChunkedDecoder::Status ChunkedDecoder::feed(std::string_view& in, std::string& out) {
  while (!in.empty() || state_ == State::kDone || state_ == State::kFailed) {
    switch (state_) {
      case State::kDone:
        return Status::kDone;
      case State::kFailed:
        return Status::kFailed;
      case State::kSize: {
        const bool complete = take_line(in);
        if (line_.size() > kMaxSizeLine) {
          return fail("a chunk-size line is longer than " + std::to_string(kMaxSizeLine) +
                      " bytes: \"" + excerpt(line_, 100) + "\"");
        }
        if (!complete) return Status::kNeedMore;
        const std::string_view line = without_line_end(line_);
        std::uint64_t size = 0;
        std::size_t digits = 0;
        while (digits < line.size() && hex_digit_value(line[digits]) >= 0) {
          if (digits == 15) return fail("a chunk size has more than 15 hex digits");
          size = size * 16 + static_cast<std::uint64_t>(hex_digit_value(line[digits]));
          ++digits;
        }
        const std::string_view after = line.substr(digits);
        if (digits == 0 || (!after.empty() && after.front() != ';' && after.front() != ' ' &&
                            after.front() != '\t')) {
          return fail("a chunk-size line is not a hex number: \"" + excerpt(line, 100) + "\"");
        }
        line_.clear();
        remaining_ = size;
        state_ = size == 0 ? State::kTrailer : State::kData;
        break;
      }
      case State::kData: {
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
        out.append(in.substr(0, take));
        in.remove_prefix(take);
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd: {
        const bool complete = take_line(in);
        if (!without_line_end(line_).empty()) {
          return fail("a chunk's data is longer than its size line said: \"" + excerpt(line_, 100) +
                      "\"");
        }
        if (!complete) return Status::kNeedMore;
        line_.clear();
        state_ = State::kSize;
        break;
      }
      case State::kTrailer: {
        const bool complete = take_line(in);
        if (trailer_bytes_ + line_.size() > kMaxTrailerBytes) {
          return fail("the trailer section passed " + std::to_string(kMaxTrailerBytes) + " bytes");
        }
        if (!complete) return Status::kNeedMore;
        trailer_bytes_ += line_.size();
        const bool blank = without_line_end(line_).empty();
        line_.clear();
        if (blank) state_ = State::kDone;
        break;
      }
    }
  }
  return Status::kNeedMore;
}

}  // namespace mcpgym::harness
