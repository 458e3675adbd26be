// Blackjack's policy: stick on 17 or more (the pure model's stick_on_17),
// read from the player's sum the environment shows.
#include <optional>

#include "games/blackjack/blackjack.hpp"
#include "harness/rollout/policy.hpp"

namespace mcpgym::harness {

namespace {

// The player's sum as the environment shows it (the last observation, else
// game://initial_state). A policy reads untrusted payloads, so anything
// malformed yields nullopt.
std::optional<int> player_sum_of(const PolicyView& view) {
  const json* where = view.last_observation != nullptr ? view.last_observation : view.initial_state;
  if (where == nullptr || !where->is_object()) return std::nullopt;
  const auto sum = where->find("player_sum");
  if (sum == where->end() || !sum->is_number_integer()) return std::nullopt;
  const auto value = sum->get<long long>();
  if (value < 0 || value > 64) return std::nullopt;
  return static_cast<int>(value);
}

class StickOn17Policy final : public Policy {
 public:
  std::string next_action(const PolicyView& view) override {
    const auto sum = player_sum_of(view);
    const blackjack::Action action =
        sum ? blackjack::stick_on_17({.player_sum = *sum}) : blackjack::Action::kStick;
    return action == blackjack::Action::kStick ? "STICK" : "HIT";
  }
};

}  // namespace

PolicyFactory blackjack_stick_on_17_policy() {
  return [](int, std::uint64_t) -> std::unique_ptr<Policy> {
    return std::make_unique<StickOn17Policy>();
  };
}

}  // namespace mcpgym::harness
