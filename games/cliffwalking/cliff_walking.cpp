#include "games/cliffwalking/cliff_walking.hpp"

#include <array>

#include "games/numpy/categorical.hpp"

namespace mcpgym::cliffwalking {
namespace {

// reset(): initial_state_distrib is 1.0 at 36 and 0 elsewhere, so any draw
// below 1 picks 36; the draw is made anyway to keep the generator in step.
int sample_start(double u) {
  std::array<double, kCellCount> probabilities{};
  probabilities[kStart] = 1.0;
  return static_cast<int>(numpy::categorical_sample(probabilities, u));
}

// One entry of gymnasium's P[s][a] (_calculate_transition_prob) for a move in
// direction `moved`: the cliff sends the agent back to the start.
StepResult outcome(int position, Action moved, double prob) {
  const int next = clamped_move(position, moved);
  if (is_cliff(next)) return {kStart, -100.0, false, prob};
  return {next, -1.0, next == kGoal, prob};
}

}  // namespace

CliffWalking::CliffWalking(bool is_slippery, std::uint64_t seed)
    : rng_(seed),
      initial_position_(sample_start(rng_.next_double())),
      position_(initial_position_),
      is_slippery_(is_slippery) {}

StepResult CliffWalking::step(Action action) {
  const double u = rng_.next_double();
  StepResult result{};
  if (is_slippery_) {
    // gymnasium lists the slips in this order: (a - 1) % 4, a, (a + 1) % 4.
    constexpr double kThird = 1.0 / 3.0;
    const int a = static_cast<int>(action);
    const std::array<int, 3> candidates = {(a + kActionCount - 1) % kActionCount, a,
                                           (a + 1) % kActionCount};
    const auto chosen = numpy::categorical_sample(std::array{kThird, kThird, kThird}, u);
    result = outcome(position_, static_cast<Action>(candidates[chosen]), kThird);
  } else {
    result = outcome(position_, action, 1.0);
  }
  position_ = result.position;
  return result;
}

}  // namespace mcpgym::cliffwalking
