#pragma once

#include <cstdint>

#include "games/cliffwalking/board.hpp"
#include "games/numpy/pcg64.hpp"

namespace mcpgym::cliffwalking {

struct StepResult {
  int position;
  double reward;  // -1.0, or -100.0 for a step into the cliff
  bool terminated;
  double prob;  // the chosen transition's probability: 1.0, or 1.0/3.0 when slippery
};

// gymnasium CliffWalkingEnv after reset(seed=seed), without the TimeLimit
// wrapper (the application counts steps). Transitions are computed on demand
// rather than tabulated like gymnasium's P; they are the same, in the same
// order, so categorical_sample picks the same one.
class CliffWalking {
 public:
  // reset() draws one random() even though the start is always 36.
  CliffWalking(bool is_slippery, std::uint64_t seed);

  // Draws exactly one double from the env generator. Stepping after the goal
  // does what gymnasium does: the goal's row of P is an ordinary one.
  StepResult step(Action action);

  int position() const { return position_; }
  int initial_position() const { return initial_position_; }
  bool is_slippery() const { return is_slippery_; }

 private:
  numpy::Pcg64 rng_;
  int initial_position_;
  int position_;
  bool is_slippery_;
};

}  // namespace mcpgym::cliffwalking
