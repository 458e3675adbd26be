#include "reference/gym/games/taxi/taxi_game.hpp"

#include "games/taxi/taxi.hpp"
#include "reference/gym/module_game.hpp"

namespace mcpgym::gym {
namespace {

namespace tx = taxi;

std::vector<std::string> action_names() {
  std::vector<std::string> names;
  for (int a = 0; a < tx::kActionCount; ++a)
    names.emplace_back(tx::action_name(static_cast<tx::Action>(a)));
  return names;
}

json integer_property() {
  return {{"type", "integer"}};
}

GameInfo make_info() {
  GameInfo info;
  info.name = "taxi";
  info.server_name = "mcpgym-taxi";
  info.instructions =
      "Taxi as an MCP-Gym environment: move and act with the taxi_move tool; read reward and "
      "termination from control://reward and control://status.";
  info.tool = "taxi_move";
  info.tool_description =
      "Drive the taxi on the 5x5 Taxi grid or act: SOUTH, NORTH, EAST, WEST, PICKUP or DROPOFF. "
      "Pick the passenger up at their depot and drop them off at the destination. Returns the new "
      "state, its parts and the grid. Reward and termination are not in this result: read "
      "control://reward and control://status.";
  info.actions = action_names();
  info.output_schema = {
      {"type", "object"},
      {"properties",
       {{"state", integer_property()},
        {"taxi_row", integer_property()},
        {"taxi_col", integer_property()},
        {"passenger_location", integer_property()},
        {"destination", integer_property()},
        {"grid", {{"type", "string"}}},
        {"action", {{"type", "string"}}}}},
      {"required",
       {"state", "taxi_row", "taxi_col", "passenger_location", "destination", "grid", "action"}}};
  info.initial_state_description =
      "The episode's start: state, taxi_row, taxi_col, passenger_location, destination, grid, seed";
  info.info_description =
      "Control plane: the last step's info ({\"prob\": 1.0, \"action_mask\": [6 ints]}), {} "
      "before it";
  return info;  // no config keys of its own (TAXI-009), no faults
}

json observation_of(int state) {
  const tx::State s = tx::decode(state);
  return {{"state", state},
          {"taxi_row", s.taxi_row},
          {"taxi_col", s.taxi_col},
          {"passenger_location", s.passenger},
          {"destination", s.destination},
          {"grid", tx::render(state)}};
}

// Taxi has no config keys of its own (TAXI-009): every key but
// max_episode_steps was refused by the application already.
struct TaxiSettings {};

Expected<TaxiSettings, ConfigError> read_settings(const json& /*config*/, std::uint64_t /*seed*/) {
  return TaxiSettings{};
}

class TaxiEnv final : public GameEnv {
 public:
  TaxiEnv(TaxiSettings /*settings*/, std::uint64_t seed,
          const std::set<std::string>& /*faults: Taxi has none*/)
      : env_(seed) {}

  GameStep step(int action) override {
    const tx::StepResult r = env_.step(static_cast<tx::Action>(action));
    return {r.reward, r.terminated,
            json{{"prob", r.prob}, {"action_mask", tx::action_mask(r.state)}}};
  }

  json observation() const override { return observation_of(env_.state()); }

  json initial_state() const override { return observation_of(env_.initial_state()); }

 private:
  tx::Taxi env_;
};

}  // namespace

const Game& taxi_game() {
  static const ModuleGame<TaxiEnv, TaxiSettings> game(make_info(), read_settings);
  return game;
}

}  // namespace mcpgym::gym
