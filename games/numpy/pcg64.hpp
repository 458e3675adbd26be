#pragma once

#include <cstdint>

#include "games/numpy/seed_sequence.hpp"

namespace mcpgym::numpy {

// numpy.random.PCG64(SeedSequence(seed)): PCG XSL-RR 128/64, bit-exact with numpy.
class Pcg64 {
 public:
  explicit Pcg64(std::uint64_t seed);
  explicit Pcg64(const SeedSequence& seq);

  // numpy's bit_generator.state: the 128-bit LCG state and increment, and the
  // pending high half of a 64-bit output that next_uint32 has not handed out
  // yet. Tests set it to reach states (a pending word, a crafted next output)
  // that no seed reaches in practice.
  struct State {
    std::uint64_t state_high = 0;
    std::uint64_t state_low = 0;
    std::uint64_t inc_high = 0;
    std::uint64_t inc_low = 0;
    bool has_uint32 = false;
    std::uint32_t uinteger = 0;
    bool operator==(const State&) const = default;
  };
  static Pcg64 from_state(const State& state);  // bit_generator.state = {...}
  State state() const;

  std::uint64_t next_uint64();  // bit_generator.random_raw()
  double next_double();         // numpy.random.Generator.random(): (next_uint64() >> 11) * 2^-53
  // numpy's pcg64_next32, the word its bounded integers draw: the low half of
  // a fresh 64-bit output, keeping the high half for the next call. The
  // 64-bit draws above neither use nor clear the pending half.
  std::uint32_t next_uint32();

  bool operator==(const Pcg64&) const = default;

 private:
  __extension__ using Uint128 = unsigned __int128;

  void step() { state_ = state_ * kMultiplier + increment_; }

  static constexpr Uint128 kMultiplier =
      (Uint128{0x2360ed051fc65da4ULL} << 64) | Uint128{0x4385df649fccf645ULL};

  Pcg64() = default;

  Uint128 state_ = 0;
  Uint128 increment_ = 0;
  bool has_uint32_ = false;
  std::uint32_t uinteger_ = 0;
};

}  // namespace mcpgym::numpy
