#pragma once

#include <array>
#include <cstdint>

#include "games/numpy/pcg64.hpp"
#include "games/taxi/board.hpp"

namespace mcpgym::taxi {

struct StepResult {
  int state;
  double reward;  // -1.0, -10.0 or 20.0
  bool terminated;
  double prob;  // always 1.0: Taxi-v3's one transition per action
};

// gymnasium TaxiEnv after reset(seed=seed), without the TimeLimit wrapper (the
// application counts steps). Transitions are computed on demand rather than
// tabulated like gymnasium's P; each P[s][a] holds one, so categorical_sample
// always picks it, but the draw is made to keep the generator in step.
class Taxi {
 public:
  // reset() draws one random() over the 300 initial states.
  explicit Taxi(std::uint64_t seed);

  // Draws exactly one double from the env generator. Stepping after a
  // delivery does what gymnasium does: that state's row of P is an ordinary one.
  StepResult step(Action action);

  int state() const { return state_; }
  int initial_state() const { return initial_state_; }

 private:
  numpy::Pcg64 rng_;
  int initial_state_;
  int state_;
};

// gymnasium's initial_state_distrib: 1/300 on the states whose passenger is
// at a depot other than the destination, 0 elsewhere.
const std::array<double, kStateCount>& initial_state_distribution();

}  // namespace mcpgym::taxi
