#pragma once
// The games the harness knows, and how it recognises a game from an
// implementation's own tools/list. A rollout needs only a game's data-plane
// tool and action names (docs/spec.md DATA-009); a goal-seeking policy is
// extra, where one is cheap. A game the harness does not know still rolls
// out with scripted, random and replay policies, from what tools/list shows.
//
// Adding a game: its goal-seeking policy in harness/rollout/<game>_policy.cpp
// and one entry in known_games() (games.cpp). Nothing else in the harness.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "harness/rollout/policy.hpp"

namespace mcpgym::harness {

struct GameSpec {
  // The --game name ("frozenlake"); empty for a game the harness does not know.
  std::string name = {};
  // The data-plane tool ("lake_move").
  std::string tool = {};
  // Action names in gymnasium's index order: the tool's `action` enum.
  std::vector<std::string> actions = {};
  // A goal-seeking policy; empty when the harness has none for this game.
  PolicyFactory goal_policy = {};
  // A short episode for mcpgym-play to show when given no --actions (a
  // script for parse_script); empty for a game the harness does not know.
  std::string example_script = {};

  bool known() const { return !name.empty(); }
  // "frozenlake (tool lake_move, actions LEFT, DOWN, RIGHT, UP)", or for an
  // unknown game "the game of tool x_move (actions A, B)".
  std::string describe() const;
};

// Every game the harness knows: frozenlake, cliffwalking, taxi, blackjack.
const std::vector<GameSpec>& known_games();
// "frozenlake, cliffwalking, taxi, blackjack": for --help and error messages.
std::string known_game_names();
// The known game with this --game name, or nullptr.
const GameSpec* find_game(std::string_view name);
// FrozenLake's entry: the default of callers that predate the game seam.
const GameSpec& frozenlake_game();

// The game behind a tools/list result (`{"tools": [...]}`): the one tool
// whose inputSchema has a property `action` with an `enum` of strings (and
// `type` "string" if it says). A tool the catalogue knows gives the known
// game; any other gives an unknown GameSpec with the tool's name and enum.
// Errors: [mcpgym.rollout.bad_tools_list], [mcpgym.rollout.no_data_plane_tool],
// [mcpgym.rollout.several_data_plane_tools] (docs/errors.md).
Expected<GameSpec, std::string> recognise_game(const nlohmann::json& tools_list);

}  // namespace mcpgym::harness
