#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "games/numpy/pcg64.hpp"

namespace mcpgym::numpy {

// numpy 1.24's Generator.integers(0, n) for 1 <= n < 2^32, which is also
// Generator.choice(a) for a sequence of n elements: Lemire's multiply-shift on
// the buffered 32-bit words of next_uint32 (numpy's
// buffered_bounded_lemire_uint32). m = word * n in 64 bits gives m >> 32,
// redrawn while (m mod 2^32) < (2^32 mod n). n == 1 draws nothing.
// Throws std::invalid_argument for n == 0, as numpy raises ValueError.
std::uint32_t bounded_uint32(Pcg64& rng, std::uint32_t n);

// Generator.choice(sequence) with replace=True and no p: the element at
// bounded_uint32(rng, size).
template <class Sequence>
auto choice(Pcg64& rng, const Sequence& sequence) -> decltype(sequence[0]) {
  if (std::size(sequence) > UINT32_MAX)
    throw std::invalid_argument("choice: more than 2^32-1 elements");
  return sequence[bounded_uint32(rng, static_cast<std::uint32_t>(std::size(sequence)))];
}

}  // namespace mcpgym::numpy
