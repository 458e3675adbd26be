#include "reference/gym/games/registry.hpp"

#include "reference/gym/games/blackjack/blackjack_game.hpp"
#include "reference/gym/games/cliffwalking/cliffwalking_game.hpp"
#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/games/taxi/taxi_game.hpp"

namespace mcpgym::gym {

std::vector<const Game*> all_games() {
  // One line per game; the first is --game's default.
  return {
      &frozenlake_game(),
      &cliffwalking_game(),
      &taxi_game(),
      &blackjack_game(),
  };
}

const Game* find_game(std::string_view name) {
  for (const Game* game : all_games()) {
    if (game->info().name == name) return game;
  }
  return nullptr;
}

std::vector<std::string> game_names() {
  std::vector<std::string> names;
  for (const Game* game : all_games())
    names.push_back(game->info().name);
  return names;
}

}  // namespace mcpgym::gym
