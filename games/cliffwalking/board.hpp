#pragma once
// gymnasium 1.0's CliffWalking board (gymnasium/envs/toy_text/cliffwalking.py):
// 4 rows of 12 cells, position row*12 + col, start 36 (3, 0), goal 47 (3, 11),
// cliff 37..46 (3, 1..10). Everything here is a pure function of a position.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgym::cliffwalking {

inline constexpr int kRows = 4, kCols = 12, kStart = 36, kGoal = 47;
inline constexpr int kCellCount = kRows * kCols;

// gymnasium CliffWalking's action numbering.
enum class Action : std::uint8_t { kUp = 0, kRight = 1, kDown = 2, kLeft = 3 };
inline constexpr int kActionCount = 4;

std::string_view action_name(Action a);  // "UP", "RIGHT", "DOWN", "LEFT"

bool is_cliff(int position);  // 37..46

// gymnasium's _limit_coordinates after adding POSITION_MAPPING[a]: a move off
// the board stays put. The cell moved to, before a cliff sends the agent back.
int clamped_move(int position, Action a);

// gymnasium's ansi render letters, one character per cell instead of " o ":
// 4 lines of 12 characters, `x` the agent (also on the goal), `T` the goal,
// `C` the cliff, `o` free; joined by "\n", no trailing newline.
std::string render(int agent_position);

// A shortest path from `from` (0..47) to the goal over cells that are not
// cliff, as the actions of deterministic moves; empty at the goal. Of the
// shortest paths it is the one that, at each cell, takes the first action in
// the order UP, RIGHT, DOWN, LEFT that brings the agent one move closer.
std::vector<Action> safe_path(int from);

}  // namespace mcpgym::cliffwalking
