#include "games/numpy/pcg64.hpp"

#include <bit>
#include <vector>

namespace mcpgym::numpy {

Pcg64::Pcg64(std::uint64_t seed) : Pcg64(SeedSequence(seed)) {}

// numpy's pcg64_set_seed: words 0-1 are the state, words 2-3 the stream, high word first;
// then PCG's srandom_r.
Pcg64::Pcg64(const SeedSequence& seq) {
  const std::vector<std::uint64_t> words = seq.generate_state64(4);
  const Uint128 initstate = (Uint128{words[0]} << 64) | words[1];
  const Uint128 initseq = (Uint128{words[2]} << 64) | words[3];
  state_ = 0;
  increment_ = (initseq << 1) | 1;
  step();
  state_ += initstate;
  step();
}

Pcg64 Pcg64::from_state(const State& state) {
  Pcg64 rng;
  rng.state_ = (Uint128{state.state_high} << 64) | state.state_low;
  rng.increment_ = (Uint128{state.inc_high} << 64) | state.inc_low;
  rng.has_uint32_ = state.has_uint32;
  rng.uinteger_ = state.uinteger;
  return rng;
}

Pcg64::State Pcg64::state() const {
  return State{.state_high = static_cast<std::uint64_t>(state_ >> 64),
               .state_low = static_cast<std::uint64_t>(state_),
               .inc_high = static_cast<std::uint64_t>(increment_ >> 64),
               .inc_low = static_cast<std::uint64_t>(increment_),
               .has_uint32 = has_uint32_,
               .uinteger = uinteger_};
}

std::uint64_t Pcg64::next_uint64() {
  step();
  const auto high = static_cast<std::uint64_t>(state_ >> 64);
  const auto low = static_cast<std::uint64_t>(state_);
  return std::rotr(high ^ low, static_cast<int>(high >> 58));
}

double Pcg64::next_double() {
  constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;
  return static_cast<double>(next_uint64() >> 11) * kTwoToMinus53;
}

std::uint32_t Pcg64::next_uint32() {
  if (has_uint32_) {
    has_uint32_ = false;
    return uinteger_;
  }
  const std::uint64_t word = next_uint64();
  has_uint32_ = true;
  uinteger_ = static_cast<std::uint32_t>(word >> 32);
  return static_cast<std::uint32_t>(word);
}

}  // namespace mcpgym::numpy
