#include "games/cliffwalking/board.hpp"

#include <algorithm>
#include <array>
#include <deque>

namespace mcpgym::cliffwalking {
namespace {

constexpr std::array<std::string_view, kActionCount> kNames = {"UP", "RIGHT", "DOWN", "LEFT"};
// gymnasium's POSITION_MAPPING, indexed by action: (row delta, column delta).
constexpr std::array<std::array<int, 2>, kActionCount> kDeltas = {
    {{-1, 0}, {0, 1}, {1, 0}, {0, -1}}};
constexpr int kUnreachable = -1;

bool on_board(int position) {
  return position >= 0 && position < kCellCount;
}

Action action_at(int index) {
  return static_cast<Action>(index);
}

// Moves to the goal from every cell, over non-cliff cells: a breadth-first
// search from the goal (every move that is not a wall bump can be undone).
std::array<int, kCellCount> distances_to_goal() {
  std::array<int, kCellCount> distance{};
  distance.fill(kUnreachable);
  distance[kGoal] = 0;
  std::deque<int> frontier = {kGoal};
  while (!frontier.empty()) {
    const int cell = frontier.front();
    frontier.pop_front();
    for (int a = 0; a < kActionCount; ++a) {
      const int next = clamped_move(cell, action_at(a));
      if (is_cliff(next) || distance[static_cast<std::size_t>(next)] != kUnreachable) continue;
      distance[static_cast<std::size_t>(next)] = distance[static_cast<std::size_t>(cell)] + 1;
      frontier.push_back(next);
    }
  }
  return distance;
}

// The first action, in index order, onto the non-cliff neighbour nearest the goal.
Action step_towards_goal(int cell, const std::array<int, kCellCount>& distance) {
  int best_action = 0;
  int best_distance = kUnreachable;
  for (int a = 0; a < kActionCount; ++a) {
    const int next = clamped_move(cell, action_at(a));
    const int d = distance[static_cast<std::size_t>(next)];
    if (is_cliff(next) || d == kUnreachable) continue;
    if (best_distance == kUnreachable || d < best_distance) {
      best_action = a;
      best_distance = d;
    }
  }
  return action_at(best_action);
}

}  // namespace

std::string_view action_name(Action a) {
  const auto index = static_cast<std::size_t>(a);
  return index < kNames.size() ? kNames[index] : std::string_view("UNKNOWN");
}

bool is_cliff(int position) {
  return position > kStart && position < kGoal;
}

int clamped_move(int position, Action a) {
  const auto& delta = kDeltas[static_cast<std::size_t>(a) % kDeltas.size()];
  const int row = std::clamp(position / kCols + delta[0], 0, kRows - 1);
  const int col = std::clamp(position % kCols + delta[1], 0, kCols - 1);
  return row * kCols + col;
}

std::string render(int agent_position) {
  std::string grid;
  grid.reserve(kRows * (kCols + 1));
  for (int cell = 0; cell < kCellCount; ++cell) {
    if (cell > 0 && cell % kCols == 0) grid += '\n';
    // gymnasium tests the agent first, so the agent on the goal shows `x`.
    if (cell == agent_position)
      grid += 'x';
    else if (cell == kGoal)
      grid += 'T';
    else if (is_cliff(cell))
      grid += 'C';
    else
      grid += 'o';
  }
  return grid;
}

std::vector<Action> safe_path(int from) {
  std::vector<Action> path;
  if (!on_board(from)) return path;
  static const std::array<int, kCellCount> distance = distances_to_goal();
  for (int cell = from; cell != kGoal; cell = clamped_move(cell, path.back()))
    path.push_back(step_towards_goal(cell, distance));
  return path;
}

}  // namespace mcpgym::cliffwalking
