// Taxi's goal-seeking policy: the pure model's breadth-first planner, applied
// to the state the environment shows: to the passenger, PICKUP, to the
// destination, DROPOFF.
#include <optional>

#include "games/taxi/board.hpp"
#include "harness/rollout/policy.hpp"

namespace mcpgym::harness {

namespace {

// The state as the environment shows it (the last observation, else
// game://initial_state). A policy reads untrusted payloads, so anything
// malformed or out of range yields nullopt.
std::optional<int> state_of(const PolicyView& view) {
  const json* where = view.last_observation != nullptr ? view.last_observation : view.initial_state;
  if (where == nullptr || !where->is_object()) return std::nullopt;
  const auto state = where->find("state");
  if (state == where->end() || !state->is_number_integer()) return std::nullopt;
  const auto value = state->get<long long>();
  if (value < 0 || value >= taxi::kStateCount) return std::nullopt;
  return static_cast<int>(value);
}

class PlannerPolicy final : public Policy {
 public:
  std::string next_action(const PolicyView& view) override {
    const auto state = state_of(view);
    // Nothing readable: SOUTH is an ordinary -1 move.
    return std::string(
        taxi::action_name(state ? taxi::planned_action(*state) : taxi::Action::kSouth));
  }
};

}  // namespace

PolicyFactory taxi_planner_policy() {
  return [](int, std::uint64_t) -> std::unique_ptr<Policy> {
    return std::make_unique<PlannerPolicy>();
  };
}

}  // namespace mcpgym::harness
