#pragma once
// Growing a buffer that holds untrusted bytes up to a cap (an HTTP body, a
// stdio line) without ever costing more than the cap.
#include <algorithm>
#include <cstddef>
#include <string>

namespace mcpgym {

// Buffers grow geometrically up to this size; past it the whole cap is
// reserved at once.
inline constexpr std::size_t kGeometricGrowthUpTo = 1024 * 1024;

// Makes room in `buffer` for `extra` more bytes, `buffer` never to hold more
// than `cap` plus one read of `slack` bytes. Past kGeometricGrowthUpTo the cap
// is reserved in one step: pages never written cost no memory, and a large
// buffer is never copied into a larger one, so a buffer at the cap costs the
// cap, not twice it (doubling would reserve up to 2x and copy on the way).
inline void reserve_within(std::string& buffer, std::size_t extra, std::size_t cap,
                           std::size_t slack) {
  const std::size_t needed = buffer.size() + extra;
  if (needed <= buffer.capacity()) return;
  const std::size_t doubled = std::max(needed, buffer.capacity() * 2);
  buffer.reserve(doubled <= kGeometricGrowthUpTo ? doubled : std::max(needed, cap + slack));
}

}  // namespace mcpgym
