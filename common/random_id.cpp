#include "common/random_id.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <system_error>

namespace mcpgym {

namespace {
void fill_random(std::uint8_t* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = ::getrandom(out + done, n - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom");
    }
    done += static_cast<std::size_t>(got);
  }
}
}  // namespace

std::string random_uuid_v4() {
  std::array<std::uint8_t, 16> b{};
  fill_random(b.data(), b.size());
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return std::string(text, 36);
}

std::uint64_t random_below_or_equal(std::uint64_t bound) {
  // Rejection sampling over the smallest covering power of two keeps it uniform.
  std::uint64_t mask = bound;
  for (int shift = 1; shift < 64; shift *= 2)
    mask |= mask >> shift;
  for (;;) {
    std::uint64_t value = 0;
    fill_random(reinterpret_cast<std::uint8_t*>(&value), sizeof value);
    value &= mask;
    if (value <= bound) return value;
  }
}

}  // namespace mcpgym
