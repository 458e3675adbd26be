#pragma once
// Every game the reference backend serves, by the name --game takes.
#include <string>
#include <string_view>
#include <vector>

#include "reference/gym/game.hpp"

namespace mcpgym::gym {

// nullptr for a name no game has.
const Game* find_game(std::string_view name);
// In the order --help lists them; the first is the default.
std::vector<const Game*> all_games();
// Their names, in the same order: "frozenlake", ...
std::vector<std::string> game_names();

}  // namespace mcpgym::gym
