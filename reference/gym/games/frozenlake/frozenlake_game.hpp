#pragma once
// gymnasium's FrozenLake-v1 as an MCP-Gym game (docs/spec.md LAKE-*): the
// `lake_move` tool with actions LEFT, DOWN, RIGHT, UP; config keys desc,
// is_slippery, map_name, p and size; observation {"position", "grid"};
// initial state {"position", "grid", "map", "size", "is_slippery"}; and its
// own negative control, "no-hole-termination".
#include "reference/gym/game.hpp"

namespace mcpgym::gym {

const Game& frozenlake_game();

}  // namespace mcpgym::gym
