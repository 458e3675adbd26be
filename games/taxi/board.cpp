#include "games/taxi/board.hpp"

#include <algorithm>
#include <deque>

namespace mcpgym::taxi {
namespace {

constexpr std::array<std::string_view, kActionCount> kNames = {"SOUTH", "NORTH",  "EAST",
                                                               "WEST",  "PICKUP", "DROPOFF"};
// gymnasium's MAP: row r of the board is line 1+r, column c is character 2c+1.
constexpr std::array<std::string_view, 7> kMap = {
    "+---------+", "|R: | : :G|", "| : | : : |", "| : : : : |",
    "| | : | : |", "|Y| : |B: |", "+---------+",
};
// gymnasium's locs: R, G, Y, B as (row, column).
constexpr std::array<std::array<int, 2>, kDepotCount> kDepots = {{{0, 0}, {0, 4}, {4, 0}, {4, 3}}};
constexpr int kCellCount = kRows * kCols;
constexpr int kUnreachable = -1;

// The depot at (row, col), or -1: gymnasium's `locs.index(taxi_loc)`.
int depot_at(int row, int col) {
  for (int d = 0; d < kDepotCount; ++d)
    if (kDepots[d][0] == row && kDepots[d][1] == col) return d;
  return -1;
}

bool east_open(int row, int col) {
  return kMap[1 + row][2 * col + 2] == ':';
}

bool west_open(int row, int col) {
  return kMap[1 + row][2 * col] == ':';
}

// gymnasium's moves: north and south clamp at the edges, east and west go
// only through a `:`. Other actions leave the taxi where it is.
std::array<int, 2> moved(int row, int col, Action a) {
  switch (a) {
    case Action::kSouth:
      return {std::min(row + 1, kRows - 1), col};
    case Action::kNorth:
      return {std::max(row - 1, 0), col};
    case Action::kEast:
      return {row, east_open(row, col) ? std::min(col + 1, kCols - 1) : col};
    case Action::kWest:
      return {row, west_open(row, col) ? std::max(col - 1, 0) : col};
    default:
      return {row, col};
  }
}

// Moves from every cell to `target` (row*5+col), breadth first from the
// target over reversed moves.
std::array<int, kCellCount> distances_to(int target) {
  std::array<int, kCellCount> distance{};
  distance.fill(kUnreachable);
  distance[static_cast<std::size_t>(target)] = 0;
  std::deque<int> frontier = {target};
  while (!frontier.empty()) {
    const int cell = frontier.front();
    frontier.pop_front();
    // Every wall blocks both ways and north/south are open, so moves reverse.
    for (int a = 0; a < 4; ++a) {
      const auto [r, c] = moved(cell / kCols, cell % kCols, static_cast<Action>(a));
      const auto next = static_cast<std::size_t>(r * kCols + c);
      if (distance[next] != kUnreachable) continue;
      distance[next] = distance[static_cast<std::size_t>(cell)] + 1;
      frontier.push_back(r * kCols + c);
    }
  }
  return distance;
}

const std::array<int, kCellCount>& distances_to_depot(int depot) {
  static const std::array<std::array<int, kCellCount>, kDepotCount> table = {
      distances_to(0 * kCols + 0), distances_to(0 * kCols + 4), distances_to(4 * kCols + 0),
      distances_to(4 * kCols + 3)};
  return table[static_cast<std::size_t>(depot)];
}

Action move_towards(int row, int col, int depot) {
  const auto& distance = distances_to_depot(depot);
  const int here = distance[static_cast<std::size_t>(row * kCols + col)];
  for (int a = 0; a < 4; ++a) {
    const auto [r, c] = moved(row, col, static_cast<Action>(a));
    if (distance[static_cast<std::size_t>(r * kCols + c)] < here) return static_cast<Action>(a);
  }
  return Action::kSouth;  // unreachable on this map: every cell reaches every depot
}

}  // namespace

std::string_view action_name(Action a) {
  const auto index = static_cast<std::size_t>(a);
  return index < kNames.size() ? kNames[index] : std::string_view("UNKNOWN");
}

int encode(const State& s) {
  return ((s.taxi_row * kCols + s.taxi_col) * 5 + s.passenger) * kDepotCount + s.destination;
}

State decode(int state) {
  const int destination = state % kDepotCount;
  state /= kDepotCount;
  const int passenger = state % 5;
  state /= 5;
  return {state / kCols, state % kCols, passenger, destination};
}

Transition transition(int state, Action a) {
  const State s = decode(state);
  State next = s;
  Transition t{0, -1.0, false};
  const int depot_here = depot_at(s.taxi_row, s.taxi_col);
  if (a == Action::kPickup) {
    if (s.passenger < kInTaxi && depot_here == s.passenger)
      next.passenger = kInTaxi;
    else
      t.reward = -10.0;  // also with the passenger already aboard
  } else if (a == Action::kDropoff) {
    if (s.passenger == kInTaxi && depot_here == s.destination) {
      next.passenger = s.destination;
      t.terminated = true;
      t.reward = 20.0;
    } else if (s.passenger == kInTaxi && depot_here >= 0) {
      next.passenger = depot_here;  // left at another depot
    } else {
      t.reward = -10.0;
    }
  } else {
    const auto [r, c] = moved(s.taxi_row, s.taxi_col, a);
    next.taxi_row = r;
    next.taxi_col = c;
  }
  t.state = encode(next);
  return t;
}

std::array<int, kActionCount> action_mask(int state) {
  const State s = decode(state);
  const int depot_here = depot_at(s.taxi_row, s.taxi_col);
  return {
      s.taxi_row < kRows - 1 ? 1 : 0,
      s.taxi_row > 0 ? 1 : 0,
      s.taxi_col < kCols - 1 && east_open(s.taxi_row, s.taxi_col) ? 1 : 0,
      s.taxi_col > 0 && west_open(s.taxi_row, s.taxi_col) ? 1 : 0,
      s.passenger < kInTaxi && depot_here == s.passenger ? 1 : 0,
      // gymnasium: at the destination or at any depot, which includes it.
      s.passenger == kInTaxi && depot_here >= 0 ? 1 : 0,
  };
}

std::string render(int state) {
  const State s = decode(state);
  std::string grid;
  for (std::size_t line = 0; line < kMap.size(); ++line) {
    if (line > 0) grid += '\n';
    grid += kMap[line];
  }
  if (s.passenger == kInTaxi) {
    // gymnasium's ul(): the taxi's cell, blank shown as `_`.
    const std::size_t at = static_cast<std::size_t>(1 + s.taxi_row) * (kMap[0].size() + 1) +
                           static_cast<std::size_t>(2 * s.taxi_col + 1);
    if (grid[at] == ' ') grid[at] = '_';
  }
  return grid;
}

Action planned_action(int state) {
  const State s = decode(state);
  const int depot_here = depot_at(s.taxi_row, s.taxi_col);
  if (s.passenger == kInTaxi)
    return depot_here == s.destination ? Action::kDropoff
                                       : move_towards(s.taxi_row, s.taxi_col, s.destination);
  return depot_here == s.passenger ? Action::kPickup
                                   : move_towards(s.taxi_row, s.taxi_col, s.passenger);
}

}  // namespace mcpgym::taxi
