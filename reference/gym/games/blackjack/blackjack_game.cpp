#include "reference/gym/games/blackjack/blackjack_game.hpp"

#include <utility>

#include "common/bounded_json.hpp"
#include "common/error_ids.hpp"
#include "games/blackjack/blackjack.hpp"
#include "reference/gym/module_game.hpp"

namespace mcpgym::gym {
namespace {

namespace bj = blackjack;

constexpr std::string_view kNaturalKey = "natural";
constexpr std::string_view kSabKey = "sab";

GameInfo make_info() {
  GameInfo info;
  info.name = "blackjack";
  info.server_name = "mcpgym-blackjack";
  info.instructions =
      "Blackjack as an MCP-Gym environment: play with the blackjack_move tool; read reward and "
      "termination from control://reward and control://status.";
  info.tool = "blackjack_move";
  info.tool_description =
      "Play one Blackjack move: STICK (the dealer plays out and the hand is scored) or HIT (take "
      "a card). Returns your sum, the dealer's shown card and whether you hold a usable ace. "
      "Reward and termination are not in this result: read control://reward and "
      "control://status.";
  info.actions = {"STICK", "HIT"};
  info.output_schema = {{"type", "object"},
                        {"properties",
                         {{"player_sum", {{"type", "integer"}}},
                          {"dealer_card", {{"type", "integer"}}},
                          {"usable_ace", {{"type", "integer"}}},
                          {"action", {{"type", "string"}}}}},
                        {"required", {"player_sum", "dealer_card", "usable_ace", "action"}}};
  info.initial_state_description =
      "The episode's start: the player's sum, the dealer's shown card, usable ace, seed";
  info.info_description = "Control plane: the last step's info ({} for Blackjack), {} before it";
  info.config_keys = {std::string(kNaturalKey), std::string(kSabKey)};
  return info;
}

// natural and sab: absent and null both mean gymnasium's constructor default, false.
Expected<bj::Rules, ConfigError> read_settings(const json& config, std::uint64_t /*seed*/) {
  auto natural = read_config_bool(config, kNaturalKey, false);
  if (!natural) return unexpected(natural.error());
  auto sab = read_config_bool(config, kSabKey, false);
  if (!sab) return unexpected(sab.error());
  return bj::Rules{.natural = *natural, .sab = *sab};
}

json observation_of(const bj::Observation& o) {
  return {
      {"player_sum", o.player_sum}, {"dealer_card", o.dealer_card}, {"usable_ace", o.usable_ace}};
}

class BlackjackEnv final : public GameEnv {
 public:
  BlackjackEnv(bj::Rules rules, std::uint64_t seed,
               const std::set<std::string>& /*faults: Blackjack has none*/)
      : env_(rules, seed), initial_(observation_of(env_.observation())) {}

  GameStep step(int action) override {
    const bj::StepResult r = env_.step(static_cast<bj::Action>(action));
    return {r.reward, r.terminated, json::object()};
  }

  json observation() const override { return observation_of(env_.observation()); }

  json initial_state() const override { return initial_; }

 private:
  bj::Blackjack env_;
  json initial_;
};

}  // namespace

const Game& blackjack_game() {
  static const ModuleGame<BlackjackEnv, bj::Rules> game(make_info(), read_settings);
  return game;
}

}  // namespace mcpgym::gym
