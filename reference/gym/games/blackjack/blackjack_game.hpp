#pragma once
// gymnasium 1.0's Blackjack as an MCP-Gym game (docs/spec.md BJACK-*): the
// tool blackjack_move with actions STICK, HIT; config keys natural and sab;
// observation {"player_sum", "dealer_card", "usable_ace"}; initial state the
// first observation; step info {}.
#include "reference/gym/game.hpp"

namespace mcpgym::gym {

const Game& blackjack_game();

}  // namespace mcpgym::gym
