#include "games/numpy/bounded.hpp"

namespace mcpgym::numpy {

namespace {

constexpr std::uint64_t kLow32 = 0xFFFFFFFFULL;

std::uint64_t scaled(Pcg64& rng, std::uint32_t n) {
  return std::uint64_t{rng.next_uint32()} * n;
}

}  // namespace

std::uint32_t bounded_uint32(Pcg64& rng, std::uint32_t n) {
  if (n == 0) throw std::invalid_argument("bounded_uint32: n must be at least 1");
  // numpy returns the offset without drawing when the range is empty.
  if (n == 1) return 0;
  std::uint64_t m = scaled(rng, n);
  // The leftover is compared with n first (a cheap upper bound of the
  // threshold), as numpy does; only then is the modulo computed.
  if ((m & kLow32) < n) {
    const std::uint32_t threshold = static_cast<std::uint32_t>((std::uint64_t{1} << 32) % n);
    while ((m & kLow32) < threshold)
      m = scaled(rng, n);
  }
  return static_cast<std::uint32_t>(m >> 32);
}

}  // namespace mcpgym::numpy
