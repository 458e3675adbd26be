#pragma once
// gymnasium 1.0's Taxi as an MCP-Gym game (docs/spec.md TAXI-*): the tool
// taxi_move with actions SOUTH, NORTH, EAST, WEST, PICKUP, DROPOFF; no config
// key of its own; observation {"state", "taxi_row", "taxi_col",
// "passenger_location", "destination", "grid"}; the initial state is the
// first observation; step info {"prob": 1.0, "action_mask": [6 ints]}.
#include "reference/gym/game.hpp"

namespace mcpgym::gym {

const Game& taxi_game();

}  // namespace mcpgym::gym
