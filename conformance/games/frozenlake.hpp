#pragma once
// FrozenLake maps the suite plans on: the one shortest-path search of the
// suite (its driver's way to G, the termination checks' ways to G and H) and
// the winding map the multi-environment checks use.
#include <optional>
#include <string>
#include <vector>

namespace mcpgym::conformance::lake {

// A 4x4 map whose holes force one winding path from S (position 0):
// 0 1 2 3 7 11 10 9 8 12. The goal is put k cells along it, so the shortest
// path to it takes exactly k moves.
std::vector<std::string> snake_map(int k);

// A shortest path from `start` to the nearest cell holding `target`, over
// cells other than H (the target itself may be an H). Moves are tried in
// action order, so the path is the same every time.
struct Plan {
  std::vector<std::string> actions;
  std::vector<int> cells;  // the cell after each action
};
std::optional<Plan> plan_path(const std::vector<std::string>& rows, int start, char target);

}  // namespace mcpgym::conformance::lake
