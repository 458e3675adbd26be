#include "reference/gym/games/blackjack/blackjack_game.hpp"

#include <utility>

#include "common/bounded_json.hpp"
#include "common/error_ids.hpp"
#include "games/blackjack/blackjack.hpp"

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

// The same words as the other games' refusal of a non-boolean flag.
ConfigError not_a_boolean(std::string_view name, const json& got) {
  const std::string key = "config." + std::string(name);
  return {err::kInvalidConfigValue, key, key + " must be true or false; got " + describe(got)};
}

// Absent and null both mean gymnasium's constructor default, false.
Expected<bool, ConfigError> read_flag(const json& config, std::string_view name) {
  if (!config.is_object()) return false;
  const auto it = config.find(name);
  if (it == config.end() || it->is_null()) return false;
  if (!it->is_boolean()) return unexpected(not_a_boolean(name, *it));
  return it->get<bool>();
}

json observation_of(const bj::Observation& o) {
  return {
      {"player_sum", o.player_sum}, {"dealer_card", o.dealer_card}, {"usable_ace", o.usable_ace}};
}

class BlackjackEnv final : public GameEnv {
 public:
  BlackjackEnv(bj::Rules rules, std::uint64_t seed)
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

class BlackjackGame final : public Game {
 public:
  const GameInfo& info() const override { return info_; }

  Expected<std::unique_ptr<GameEnv>, ConfigError> make(
      const json& config, std::uint64_t seed,
      const std::set<std::string>& /*faults: Blackjack has none*/) const override {
    auto natural = read_flag(config, kNaturalKey);
    if (!natural) return unexpected(natural.error());
    auto sab = read_flag(config, kSabKey);
    if (!sab) return unexpected(sab.error());
    const bj::Rules rules{.natural = *natural, .sab = *sab};
    return std::unique_ptr<GameEnv>(std::make_unique<BlackjackEnv>(rules, seed));
  }

 private:
  GameInfo info_ = make_info();
};

}  // namespace

const Game& blackjack_game() {
  static const BlackjackGame game;
  return game;
}

}  // namespace mcpgym::gym
