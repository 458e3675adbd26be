#pragma once
// Moves and shortest paths on a FrozenLake map, without randomness: the one
// search behind the harness's goal-seeking policy and the conformance checks
// that plan a walk on a map the implementation shows.
#include <optional>
#include <string>
#include <vector>

#include "games/frozenlake/action.hpp"

namespace mcpgym::frozenlake {

// gymnasium's inc(): where `action` leads from `position` on a size x size
// map when nothing slips. A move into the wall leaves the agent where it was.
int next_position(int position, int size, Action action);

// A shortest path over `rows` from `start` to the nearest cell holding
// `target`. It passes only through cells other than 'H' (the target itself
// may be an 'H', to plan a fall) and never counts `start` as reached, so a
// path found is never empty. Breadth-first with moves tried in action order
// (LEFT, DOWN, RIGHT, UP): the same path every time. `rows` may come from an
// untrusted payload: nullopt when they are not a square of 1..kMaxMapSize
// rows, when `start` is outside the map, or when no path exists.
// Example: shortest_path({"SFF", "HHF", "GFF"}, 0) is RIGHT RIGHT DOWN DOWN
// LEFT LEFT; next_position replays it cell by cell.
std::optional<std::vector<Action>> shortest_path(const std::vector<std::string>& rows, int start,
                                                 char target = 'G');

}  // namespace mcpgym::frozenlake
