#include "games/taxi/taxi.hpp"

#include "games/numpy/categorical.hpp"

namespace mcpgym::taxi {
namespace {

// As gymnasium builds it: counts of 1, then divided by their float64 sum (300).
std::array<double, kStateCount> build_initial_distribution() {
  std::array<double, kStateCount> counts{};
  double total = 0.0;
  for (int state = 0; state < kStateCount; ++state) {
    const State s = decode(state);
    if (s.passenger < kInTaxi && s.passenger != s.destination) {
      counts[static_cast<std::size_t>(state)] += 1.0;
      total += 1.0;
    }
  }
  for (double& p : counts)
    p /= total;
  return counts;
}

int sample_start(double u) {
  return static_cast<int>(numpy::categorical_sample(initial_state_distribution(), u));
}

}  // namespace

const std::array<double, kStateCount>& initial_state_distribution() {
  static const std::array<double, kStateCount> distribution = build_initial_distribution();
  return distribution;
}

Taxi::Taxi(std::uint64_t seed)
    : rng_(seed), initial_state_(sample_start(rng_.next_double())), state_(initial_state_) {}

StepResult Taxi::step(Action action) {
  // categorical_sample([1.0], u) is 0 for every u in [0, 1): the draw only
  // advances the generator, which the next reset-free step depends on.
  rng_.next_double();
  const Transition t = transition(state_, action);
  state_ = t.state;
  return {t.state, t.reward, t.terminated, 1.0};
}

}  // namespace mcpgym::taxi
