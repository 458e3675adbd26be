#pragma once
// The seam between the generic MCP-Gym application (reference/gym/gym_app.*)
// and one game. A game module (reference/gym/games/<game>.*) binds a pure
// game model (games/<game>/) to this interface: its names, its configuration
// keys, reset and step with gymnasium's exact random draws, and the JSON its
// observations and initial state show. It knows nothing of MCP, sessions,
// the control plane, truncation or fault switches: those are the
// application's, the same for every game (docs/spec.md, "MCP-Gym").
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace mcpgym::gym {

using json = nlohmann::json;

// What a game says about itself, for tools/list, resources/list, initialize
// and the program's --game and --fault flags.
struct GameInfo {
  std::string name;          // --game: "frozenlake", "cliffwalking"
  std::string server_name;   // serverInfo.name: "mcpgym-frozenlake"
  std::string instructions;  // the initialize result's instructions
  std::string tool;          // the data-plane tool: "lake_move"
  std::string tool_description;
  // Action names in gymnasium's index order: the tool's `action` enum, and
  // the index passed to GameEnv::step.
  std::vector<std::string> actions;
  // The tool's outputSchema: the observation, including "action".
  json output_schema;
  // resources/list descriptions of game://initial_state and control://info.
  std::string initial_state_description;
  std::string info_description;
  // The game's own config keys. `max_episode_steps` is the application's and
  // is not listed here; every other key is refused as unknown (CONF-002).
  std::vector<std::string> config_keys;
  // The game's own negative controls (--fault NAME), testing only.
  std::vector<std::string> faults;
};

// A refusal of a configuration (CONF-002): the error identifier
// (common/error_ids.hpp, for example err::kInvalidConfigValue), the key it
// names ("config.p") and the words after "Invalid params: ".
struct ConfigError {
  std::string_view id;
  std::string key;
  std::string text;
};

// What one step did: gymnasium's step(action) without the TimeLimit wrapper
// (the application counts steps and truncates).
struct GameStep {
  double reward = 0.0;
  bool terminated = false;
  json info = json::object();  // gymnasium's info, {"prob": p} for the toy-text games
};

// One environment, after gymnasium's reset(seed=seed).
class GameEnv {
 public:
  virtual ~GameEnv() = default;
  // gymnasium's step with its exact random draws; `action` indexes
  // GameInfo::actions. The application never steps an ended episode unless a
  // fault tells it to, in which case this does what gymnasium does.
  virtual GameStep step(int action) = 0;
  // The data-plane observation now, without "action" (the application adds
  // the canonical action name).
  virtual json observation() const = 0;
  // game://initial_state, without "seed" (the application adds the seed in use).
  virtual json initial_state() const = 0;
};

class Game {
 public:
  virtual ~Game() = default;
  virtual const GameInfo& info() const = 0;
  // A new environment for a session. `config` holds only the game's own keys
  // (unknown keys were refused and `max_episode_steps` taken out by the
  // application); a null value means absent. `faults` holds the names of the
  // game's own faults that are switched on.
  virtual Expected<std::unique_ptr<GameEnv>, ConfigError> make(
      const json& config, std::uint64_t seed, const std::set<std::string>& faults) const = 0;
};

}  // namespace mcpgym::gym
