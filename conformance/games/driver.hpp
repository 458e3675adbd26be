#pragma once
// The seam between the suite's generic checks and one game. A check that
// plays episodes asks the driver of the profile's game for what differs from
// game to game: the data-plane tool and its actions (DATA-009), which optional
// features exist, the `_extra` configs that make an episode short, long or
// slippery, the actions that end an episode from the server's own initial
// state, and a model that predicts each step. The suite knows frozenlake,
// cliffwalking, taxi and blackjack; any other data-plane tool is the game "unknown", which has no
// model, so the checks that need one are skipped and the model-free ones run.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "conformance/core/check.hpp"
#include "harness/rollout/policy.hpp"

namespace mcpgym::conformance {

using json = nlohmann::json;

// What one step gives, as a model predicts it.
struct PredictedStep {
  json observation;  // the observation's members the model knows (e.g. position, grid)
  double reward = 0.0;
  bool terminated = false;
  bool truncated = false;
  double prob = 1.0;  // the step info's probability (FrozenLake LAKE-009, CliffWalking CLIFF-011)
};

// When the game's dynamics, random draws included, are gymnasium's bit for
// bit, so the suite's model predicts slippery episodes and the golden
// recordings replay: the features a profile must claim for that (FrozenLake's
// `gymnasium-maps`; none where the game's rules demand it of every server)
// and the rules that say so, for messages.
struct ExactDynamics {
  std::set<Feature> needs;
  std::string rules;  // "LAKE-003, LAKE-005", "CLIFF-006, CLIFF-007"
};

// A golden recording of the game in fixtures/golden/, and how
// tools/regen-golden.sh made it: the config and step limit of its rollout and
// the features it needs besides ExactDynamics::needs.
struct GoldenRecording {
  std::string file;  // "cliffwalking-cliff.jsonl"
  json config;
  int max_steps = 100;
  std::set<Feature> features;
};

// One episode of the game, from its initial state.
class GameModel {
 public:
  virtual ~GameModel() = default;
  // `action` indexes the driver's actions(). Precondition: the episode has not ended.
  virtual PredictedStep step(int action) = 0;
};

class GameDriver {
 public:
  virtual ~GameDriver() = default;
  virtual std::string name() const = 0;  // "frozenlake", "cliffwalking", "unknown"
  virtual std::string tool() const = 0;  // the data-plane tool, e.g. "lake_move"
  // The action names in the game's index order (the tool's enum).
  virtual std::vector<std::string> actions() const = 0;
  // The optional features the game has (truncation for every game).
  virtual std::set<Feature> features() const = 0;
  // Whether the suite can predict the game (false for "unknown").
  virtual bool has_model() const = 0;

  // `config` objects for `_extra`, deterministic unless said otherwise:
  // an episode that a few actions end (actions_to_end gives them),
  virtual json short_episode_config() const = 0;
  // one long enough for several steps and reads before it ends,
  virtual json long_episode_config() const = 0;
  // and a slippery one (feature `slippery`; null when the game has none).
  virtual json slippery_config() const = 0;

  // The actions (indexes into actions()) that end a deterministic episode
  // started in `initial_state` (the server's game://initial_state), taken
  // from the server's own state; nullopt when there is no way or no model.
  virtual std::optional<std::vector<int>> actions_to_end(const json& initial_state) const = 0;
  // A model of the episode the server plays for `seed` and `config` from
  // `initial_state`; an error says why it cannot be built (no model, an
  // initial state the model cannot read).
  virtual Expected<std::unique_ptr<GameModel>, std::string> model(
      std::uint64_t seed, const json& config, const json& initial_state) const = 0;

  // Nothing for a game without a model.
  virtual ExactDynamics exact_dynamics() const = 0;
  // The game's golden recordings (none for a game without a model).
  virtual std::vector<GoldenRecording> golden_recordings() const = 0;

  // The index of `action` in actions(), if it is one of them.
  std::optional<int> action_index(std::string_view action) const;
  // "slippery, truncation": for messages.
  std::string features_text() const;
};

// The game's config with slipperiness as asked: slippery_config(), or for
// `slippery` false the same keys with every boolean false; {} for a game
// without the feature.
json slipperiness_config(const GameDriver& game, bool slippery);

// A rollout policy that plays game.actions_to_end() of each environment's own
// game://initial_state, then the game's first action should the episode go
// on (or when there is no way to the end). `game` must outlive the rollout.
harness::PolicyFactory plan_policy(const GameDriver& game);

// The games the suite has a driver for, in order: "frozenlake", "cliffwalking", "taxi",
// "blackjack".
const std::vector<std::string>& known_games();
// "frozenlake, cliffwalking, taxi, blackjack".
std::string known_games_text();
// The driver of a known game; null for any other name.
std::shared_ptr<const GameDriver> driver_named(std::string_view name);
// The game "unknown": a data-plane tool the suite has no model of.
std::shared_ptr<const GameDriver> unknown_game(std::string tool, std::vector<std::string> actions);

// Which game a profile is judged as, and how the suite came to it.
struct GameChoice {
  std::shared_ptr<const GameDriver> driver;
  std::string how;  // "named by the profile", "recognised from the tool lake_move in tools/list"
  std::string describe() const;  // "frozenlake (recognised from ...)"
  json to_json() const;          // {"name","tool","actions","how"}
};

// The game of the tools a server lists (tools/list's `tools`): a known tool
// name (lake_move -> frozenlake, cliff_move -> cliffwalking, taxi_move -> taxi, blackjack_move ->
// blackjack) whatever its schema, else the one tool taking a string `action` from an enum (the game
// "unknown", with that tool and those actions). Errors start with
// [mcpgym.conform.game_not_recognised] and list the tools seen.
Expected<GameChoice, std::string> recognise_game(const json& tools);

// The reason a check that needs a model is skipped for a game without one.
std::string needs_model_reason();

// The driver each known game registers (conformance/games/<game>.cpp).
std::shared_ptr<const GameDriver> frozenlake_driver();
std::shared_ptr<const GameDriver> cliffwalking_driver();
std::shared_ptr<const GameDriver> taxi_driver();
std::shared_ptr<const GameDriver> blackjack_driver();

}  // namespace mcpgym::conformance
