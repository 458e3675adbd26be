#pragma once
// gymnasium 1.0's Taxi map and dynamics (gymnasium/envs/toy_text/taxi.py):
// 5x5 cells, depots R (0,0), G (0,4), Y (4,0), B (4,3), walls where the MAP
// has `|`. A state is ((taxi_row*5 + taxi_col)*5 + passenger)*4 + destination,
// passenger 4 meaning in the taxi. Everything here is a pure function of a
// state: no randomness (the one random draw of a step picks among a single
// transition).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mcpgym::taxi {

inline constexpr int kRows = 5, kCols = 5, kDepotCount = 4;
inline constexpr int kInTaxi = 4;  // passenger location: aboard
inline constexpr int kStateCount = 500;

// gymnasium Taxi's action numbering.
enum class Action : std::uint8_t {
  kSouth = 0,
  kNorth = 1,
  kEast = 2,
  kWest = 3,
  kPickup = 4,
  kDropoff = 5
};
inline constexpr int kActionCount = 6;

// "SOUTH", "NORTH", "EAST", "WEST", "PICKUP", "DROPOFF"; "UNKNOWN" otherwise.
std::string_view action_name(Action a);

struct State {
  int taxi_row;
  int taxi_col;
  int passenger;    // 0..3 a depot (R, G, Y, B), 4 in the taxi
  int destination;  // 0..3 a depot

  bool operator==(const State&) const = default;
};

int encode(const State& s);
State decode(int state);  // state in 0..499

struct Transition {
  int state;
  double reward;  // -1.0, -10.0 or 20.0
  bool terminated;
};

// gymnasium's single entry of P[state][action] (built in __init__).
Transition transition(int state, Action a);

// gymnasium's action_mask(state): 1 where the action changes the state.
std::array<int, kActionCount> action_mask(int state);

// gymnasium's ansi render (_render_text) with its colour codes removed and
// without the trailing last-action line: the 7 lines of the MAP joined by
// "\n", no trailing newline. Without colours the taxi shows only when the
// passenger is aboard, as `_` on a blank cell (a depot letter stays).
std::string render(int state);

// The harness's planner: breadth-first over the cells, the first action in
// index order (SOUTH, NORTH, EAST, WEST) onto a cell one move nearer the
// target. The target is the passenger's depot until the passenger is aboard
// (then PICKUP), then the destination (then DROPOFF).
Action planned_action(int state);

}  // namespace mcpgym::taxi
