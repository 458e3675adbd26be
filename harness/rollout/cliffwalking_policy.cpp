// CliffWalking's goal-seeking policy: the pure model's shortest safe path,
// replanned from the agent's position every step, so it recovers from slips.
#include <optional>

#include "games/cliffwalking/board.hpp"
#include "harness/rollout/policy.hpp"

namespace mcpgym::harness {

namespace {

// The agent's position as the environment shows it (the last observation,
// else game://initial_state). A policy reads untrusted payloads, so anything
// malformed or off the board yields nullopt.
std::optional<int> position_of(const PolicyView& view) {
  const json* where = view.last_observation != nullptr ? view.last_observation : view.initial_state;
  if (where == nullptr || !where->is_object()) return std::nullopt;
  const auto position = where->find("position");
  if (position == where->end() || !position->is_number_integer()) return std::nullopt;
  const auto value = position->get<long long>();
  if (value < 0 || value >= cliffwalking::kCellCount) return std::nullopt;
  return static_cast<int>(value);
}

class SafePathPolicy final : public Policy {
 public:
  std::string next_action(const PolicyView& view) override {
    const auto position = position_of(view);
    const auto path = position && !cliffwalking::is_cliff(*position)
                          ? cliffwalking::safe_path(*position)
                          : std::vector<cliffwalking::Action>{};
    // Nothing readable, or already at the goal: UP is a harmless move.
    return std::string(
        cliffwalking::action_name(path.empty() ? cliffwalking::Action::kUp : path.front()));
  }
};

}  // namespace

PolicyFactory cliffwalking_safe_path_policy() {
  return [](int, std::uint64_t) -> std::unique_ptr<Policy> {
    return std::make_unique<SafePathPolicy>();
  };
}

}  // namespace mcpgym::harness
