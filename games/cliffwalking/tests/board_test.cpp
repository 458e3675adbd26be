#include "games/cliffwalking/board.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace mcpgym::cliffwalking {
namespace {

// Written independently of safe_path: from rows 0..2 the only way onto the
// goal is down from (2, 11); from the start, up first.
int expected_distance(int position) {
  if (position == kGoal) return 0;
  if (position == kStart) return 1 + expected_distance(kStart - kCols);
  const int row = position / kCols;
  const int col = position % kCols;
  return (2 - row) + (kCols - 1 - col) + 1;
}

TEST(CliffWalkingBoard, ActionNamesFollowGymnasiumsNumbering) {
  EXPECT_EQ(action_name(Action::kUp), "UP");
  EXPECT_EQ(action_name(Action::kRight), "RIGHT");
  EXPECT_EQ(action_name(Action::kDown), "DOWN");
  EXPECT_EQ(action_name(Action::kLeft), "LEFT");
  EXPECT_EQ(action_name(static_cast<Action>(4)), "UNKNOWN");
}

TEST(CliffWalkingBoard, TheCliffIsTheBottomRowBetweenStartAndGoal) {
  for (int position = 0; position < kCellCount; ++position) {
    SCOPED_TRACE(position);
    EXPECT_EQ(is_cliff(position), position >= 37 && position <= 46);
  }
}

TEST(CliffWalkingBoard, RendersGymnasiumsLettersOneCharacterPerCell) {
  EXPECT_EQ(render(kStart),
            "oooooooooooo\n"
            "oooooooooooo\n"
            "oooooooooooo\n"
            "xCCCCCCCCCCT");
  EXPECT_EQ(render(13),
            "oooooooooooo\n"
            "oxoooooooooo\n"
            "oooooooooooo\n"
            "oCCCCCCCCCCT");
}

TEST(CliffWalkingBoard, TheAgentOnTheGoalShowsAsTheAgent) {
  EXPECT_EQ(render(kGoal),
            "oooooooooooo\n"
            "oooooooooooo\n"
            "oooooooooooo\n"
            "oCCCCCCCCCCx");
}

TEST(CliffWalkingBoard, MovesOffTheBoardStayPut) {
  EXPECT_EQ(clamped_move(0, Action::kUp), 0);
  EXPECT_EQ(clamped_move(0, Action::kLeft), 0);
  EXPECT_EQ(clamped_move(11, Action::kUp), 11);
  EXPECT_EQ(clamped_move(11, Action::kRight), 11);
  EXPECT_EQ(clamped_move(kStart, Action::kDown), kStart);
  EXPECT_EQ(clamped_move(kStart, Action::kLeft), kStart);
  EXPECT_EQ(clamped_move(kGoal, Action::kRight), kGoal);
  EXPECT_EQ(clamped_move(kGoal, Action::kDown), kGoal);
}

TEST(CliffWalkingBoard, MovesOnTheBoardGoOneCell) {
  EXPECT_EQ(clamped_move(13, Action::kUp), 1);
  EXPECT_EQ(clamped_move(13, Action::kRight), 14);
  EXPECT_EQ(clamped_move(13, Action::kDown), 25);
  EXPECT_EQ(clamped_move(13, Action::kLeft), 12);
  EXPECT_EQ(clamped_move(kStart, Action::kRight), 37);  // the cliff: the model sends it back
}

TEST(CliffWalkingBoard, SafePathIsEmptyAtTheGoal) {
  EXPECT_TRUE(safe_path(kGoal).empty());
}

TEST(CliffWalkingBoard, SafePathFromTheStartGoesUpAlongAndDown) {
  std::vector<Action> expected = {Action::kUp};
  expected.insert(expected.end(), 11, Action::kRight);
  expected.push_back(Action::kDown);
  EXPECT_EQ(safe_path(kStart), expected);
}

TEST(CliffWalkingBoard, SafePathPrefersRightBeforeDown) {
  // From (0, 0) RIGHT and DOWN both get closer; RIGHT comes first in action order.
  std::vector<Action> expected(11, Action::kRight);
  expected.insert(expected.end(), 3, Action::kDown);
  EXPECT_EQ(safe_path(0), expected);
}

TEST(CliffWalkingBoard, SafePathFromEveryCellIsShortestAndAvoidsTheCliff) {
  for (int from = 0; from < kCellCount; ++from) {
    if (is_cliff(from)) continue;
    SCOPED_TRACE("from " + std::to_string(from));
    const std::vector<Action> path = safe_path(from);
    EXPECT_EQ(static_cast<int>(path.size()), expected_distance(from));
    int cell = from;
    for (const Action a : path) {
      cell = clamped_move(cell, a);
      ASSERT_FALSE(is_cliff(cell));
    }
    EXPECT_EQ(cell, kGoal);
  }
}

TEST(CliffWalkingBoard, SafePathFromOffTheBoardIsEmpty) {
  EXPECT_TRUE(safe_path(-1).empty());
  EXPECT_TRUE(safe_path(kCellCount).empty());
}

}  // namespace
}  // namespace mcpgym::cliffwalking
