#include "games/frozenlake/path.hpp"

#include <algorithm>
#include <deque>

#include "games/frozenlake/map.hpp"

namespace mcpgym::frozenlake {

namespace {

bool is_square(const std::vector<std::string>& rows) {
  if (rows.empty() || rows.size() > static_cast<std::size_t>(kMaxMapSize)) return false;
  return std::ranges::all_of(rows,
                             [&](const std::string& row) { return row.size() == rows.size(); });
}

// Walks the breadth-first tree back from `reached` to the start.
std::vector<Action> path_back(const std::vector<int>& from, const std::vector<Action>& how,
                              int start, int reached) {
  std::vector<Action> path;
  for (int cell = reached; cell != start; cell = from[static_cast<std::size_t>(cell)])
    path.push_back(how[static_cast<std::size_t>(cell)]);
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

int next_position(int position, int size, Action action) {
  int row = position / size;
  int col = position % size;
  switch (action) {
    case Action::kLeft:
      col = std::max(col - 1, 0);
      break;
    case Action::kDown:
      row = std::min(row + 1, size - 1);
      break;
    case Action::kRight:
      col = std::min(col + 1, size - 1);
      break;
    case Action::kUp:
      row = std::max(row - 1, 0);
      break;
  }
  return row * size + col;
}

std::optional<std::vector<Action>> shortest_path(const std::vector<std::string>& rows, int start,
                                                 char target) {
  if (!is_square(rows)) return std::nullopt;
  const int size = static_cast<int>(rows.size());
  const int cells = size * size;
  if (start < 0 || start >= cells) return std::nullopt;
  auto cell = [&](int p) { return rows[static_cast<std::size_t>(p / size)][p % size]; };
  std::vector<int> from(static_cast<std::size_t>(cells), -1);
  std::vector<Action> how(static_cast<std::size_t>(cells), Action::kLeft);
  std::vector<bool> seen(static_cast<std::size_t>(cells), false);
  std::deque<int> frontier = {start};
  seen[static_cast<std::size_t>(start)] = true;
  while (!frontier.empty()) {
    const int p = frontier.front();
    frontier.pop_front();
    if (p != start && cell(p) == target) return path_back(from, how, start, p);
    if (p != start && cell(p) == 'H') continue;
    for (int a = 0; a < kActionCount; ++a) {
      const auto action = static_cast<Action>(a);
      const int q = next_position(p, size, action);
      if (seen[static_cast<std::size_t>(q)]) continue;
      seen[static_cast<std::size_t>(q)] = true;
      from[static_cast<std::size_t>(q)] = p;
      how[static_cast<std::size_t>(q)] = action;
      frontier.push_back(q);
    }
  }
  return std::nullopt;
}

}  // namespace mcpgym::frozenlake
