#pragma once

#include <cstdint>

#include "games/numpy/seed_sequence.hpp"

namespace mcpgym::numpy {

// numpy.random.PCG64(SeedSequence(seed)): PCG XSL-RR 128/64, bit-exact with numpy.
class Pcg64 {
 public:
  explicit Pcg64(std::uint64_t seed);
  explicit Pcg64(const SeedSequence& seq);

  std::uint64_t next_uint64();  // bit_generator.random_raw()
  double next_double();         // numpy.random.Generator.random(): (next_uint64() >> 11) * 2^-53

  bool operator==(const Pcg64&) const = default;

 private:
  __extension__ using Uint128 = unsigned __int128;

  void step() { state_ = state_ * kMultiplier + increment_; }

  static constexpr Uint128 kMultiplier =
      (Uint128{0x2360ed051fc65da4ULL} << 64) | Uint128{0x4385df649fccf645ULL};

  Uint128 state_ = 0;
  Uint128 increment_ = 0;
};

}  // namespace mcpgym::numpy
