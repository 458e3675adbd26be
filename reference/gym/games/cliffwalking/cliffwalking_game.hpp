#pragma once
// gymnasium 1.0's CliffWalking as an MCP-Gym game (docs/spec.md CLIFF-*): the
// tool cliff_move with actions UP, RIGHT, DOWN, LEFT; config key is_slippery;
// observation {"position", "grid"}; initial state {"position", "grid",
// "is_slippery", "shape": [4, 12]}; step info {"prob": p}.
#include "reference/gym/game.hpp"

namespace mcpgym::gym {

const Game& cliffwalking_game();

}  // namespace mcpgym::gym
