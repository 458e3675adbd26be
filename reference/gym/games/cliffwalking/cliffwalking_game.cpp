#include "reference/gym/games/cliffwalking/cliffwalking_game.hpp"

#include <utility>

#include "common/bounded_json.hpp"
#include "common/error_ids.hpp"
#include "common/text.hpp"
#include "games/cliffwalking/cliff_walking.hpp"

namespace mcpgym::gym {
namespace {

namespace cw = cliffwalking;

constexpr std::string_view kSlipperyKey = "is_slippery";
// The game's own negative control: a step into the cliff ends the episode,
// as if the cliff were FrozenLake's hole (CLIFF-004 says it does not).
constexpr std::string_view kCliffTerminates = "cliff-terminates";

std::vector<std::string> action_names() {
  std::vector<std::string> names;
  for (int a = 0; a < cw::kActionCount; ++a)
    names.emplace_back(cw::action_name(static_cast<cw::Action>(a)));
  return names;
}

GameInfo make_info() {
  GameInfo info;
  info.name = "cliffwalking";
  info.server_name = "mcpgym-cliffwalking";
  info.instructions =
      "CliffWalking as an MCP-Gym environment: move with the cliff_move tool; read reward and "
      "termination from control://reward and control://status.";
  info.tool = "cliff_move";
  info.tool_description =
      "Move the agent one cell on the 4x12 CliffWalking grid: UP, RIGHT, DOWN or LEFT. A step "
      "into the cliff sends the agent back to the start. Returns the new position and grid. "
      "Reward and termination are not in this result: read control://reward and "
      "control://status.";
  info.actions = action_names();
  info.output_schema = {{"type", "object"},
                        {"properties",
                         {{"position", {{"type", "integer"}}},
                          {"grid", {{"type", "string"}}},
                          {"action", {{"type", "string"}}}}},
                        {"required", {"position", "grid", "action"}}};
  info.initial_state_description =
      "The episode's start: position, grid, seed, slipperiness, board shape";
  info.info_description = "Control plane: the last step's info ({\"prob\": p}), {} before it";
  info.config_keys = {std::string(kSlipperyKey)};
  info.faults = {std::string(kCliffTerminates)};
  return info;
}

// The same words as FrozenLake's refusal of a bad is_slippery (env_config.cpp).
ConfigError not_a_boolean(const json& got) {
  const std::string key = "config." + std::string(kSlipperyKey);
  return {err::kInvalidConfigValue, key, key + " must be true or false; got " + describe(got)};
}

// Absent and null both mean gymnasium's default, false.
Expected<bool, ConfigError> read_is_slippery(const json& config) {
  if (!config.is_object()) return false;
  const auto it = config.find(kSlipperyKey);
  if (it == config.end() || it->is_null()) return false;
  if (!it->is_boolean()) return unexpected(not_a_boolean(*it));
  return it->get<bool>();
}

json observation_of(int position) {
  return {{"position", position}, {"grid", cw::render(position)}};
}

class CliffWalkingEnv final : public GameEnv {
 public:
  CliffWalkingEnv(bool is_slippery, std::uint64_t seed, bool cliff_terminates)
      : env_(is_slippery, seed), cliff_terminates_(cliff_terminates) {}

  GameStep step(int action) override {
    const cw::StepResult r = env_.step(static_cast<cw::Action>(action));
    const bool fell = r.reward == -100.0;  // CLIFF-004: only a step into the cliff pays it
    return {r.reward, r.terminated || (cliff_terminates_ && fell), json{{"prob", r.prob}}};
  }

  json observation() const override { return observation_of(env_.position()); }

  json initial_state() const override {
    json state = observation_of(env_.initial_position());
    state["is_slippery"] = env_.is_slippery();
    state["shape"] = {cw::kRows, cw::kCols};
    return state;
  }

 private:
  cw::CliffWalking env_;
  bool cliff_terminates_;
};

class CliffWalkingGame final : public Game {
 public:
  const GameInfo& info() const override { return info_; }

  Expected<std::unique_ptr<GameEnv>, ConfigError> make(
      const json& config, std::uint64_t seed, const std::set<std::string>& faults) const override {
    auto is_slippery = read_is_slippery(config);
    if (!is_slippery) return unexpected(is_slippery.error());
    return std::unique_ptr<GameEnv>(std::make_unique<CliffWalkingEnv>(
        *is_slippery, seed, faults.contains(std::string(kCliffTerminates))));
  }

 private:
  GameInfo info_ = make_info();
};

}  // namespace

const Game& cliffwalking_game() {
  static const CliffWalkingGame game;
  return game;
}

}  // namespace mcpgym::gym
