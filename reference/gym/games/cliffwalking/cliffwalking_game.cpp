#include "reference/gym/games/cliffwalking/cliffwalking_game.hpp"

#include <utility>

#include "common/bounded_json.hpp"
#include "common/error_ids.hpp"
#include "common/text.hpp"
#include "games/cliffwalking/cliff_walking.hpp"
#include "reference/gym/module_game.hpp"

namespace mcpgym::gym {
namespace {

namespace cw = cliffwalking;

constexpr std::string_view kSlipperyKey = "is_slippery";
// A port that ends the episode at the cliff, like FrozenLake's holes
// (CLIFF-004 says it goes on): the game's negative control.
constexpr std::string_view kCliffTerminates = "cliff-terminates";
constexpr double kCliffReward = -100.0;

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
  info.output_schema = observation_schema({{"position", "integer"}, {"grid", "string"}});
  info.initial_state_description =
      "The episode's start: position, grid, seed, slipperiness, board shape";
  info.info_description = "Control plane: the last step's info ({\"prob\": p}), {} before it";
  info.config_keys = {std::string(kSlipperyKey)};
  info.faults = {std::string(kCliffTerminates)};
  return info;
}

// What an environment is made from.
struct CliffSettings {
  bool is_slippery = false;  // absent and null both mean gymnasium's default, false
};

Expected<CliffSettings, ConfigError> read_settings(const json& config, std::uint64_t /*seed*/) {
  auto is_slippery = read_config_bool(config, kSlipperyKey, false);
  if (!is_slippery) return unexpected(is_slippery.error());
  return CliffSettings{*is_slippery};
}

json observation_of(int position) {
  return {{"position", position}, {"grid", cw::render(position)}};
}

class CliffWalkingEnv final : public GameEnv {
 public:
  CliffWalkingEnv(CliffSettings settings, std::uint64_t seed, const std::set<std::string>& faults)
      : env_(settings.is_slippery, seed),
        cliff_terminates_(faults.contains(std::string(kCliffTerminates))) {}

  GameStep step(int action) override {
    const cw::StepResult r = env_.step(static_cast<cw::Action>(action));
    const bool fell = r.reward == kCliffReward;
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

}  // namespace

const Game& cliffwalking_game() {
  static const ModuleGame<CliffWalkingEnv, CliffSettings> game(make_info(), read_settings);
  return game;
}

}  // namespace mcpgym::gym
