#include "games/taxi/board.hpp"

#include <gtest/gtest.h>

namespace mcpgym::taxi {
namespace {

constexpr std::string_view kBareMap =
    "+---------+\n"
    "|R: | : :G|\n"
    "| : | : : |\n"
    "| : : : : |\n"
    "| | : | : |\n"
    "|Y| : |B: |\n"
    "+---------+";

TEST(TaxiBoard, ActionNamesFollowGymnasiumsNumbering) {
  const char* expected[] = {"SOUTH", "NORTH", "EAST", "WEST", "PICKUP", "DROPOFF"};
  for (int a = 0; a < kActionCount; ++a)
    EXPECT_EQ(action_name(static_cast<Action>(a)), expected[a]);
  EXPECT_EQ(action_name(static_cast<Action>(6)), "UNKNOWN");
}

TEST(TaxiBoard, EncodesAsGymnasiumDoes) {
  EXPECT_EQ(encode({3, 1, 2, 0}), 328);  // gymnasium's docstring example
  EXPECT_EQ(decode(328), (State{3, 1, 2, 0}));
  for (int s = 0; s < kStateCount; ++s)
    EXPECT_EQ(encode(decode(s)), s);
}

TEST(TaxiBoard, WallsBlockEastAndWestOnly) {
  // (0, 1) has a wall to the east; (0, 0) moves east freely.
  EXPECT_EQ(decode(transition(encode({0, 1, 0, 1}), Action::kEast).state).taxi_col, 1);
  EXPECT_EQ(decode(transition(encode({0, 0, 0, 1}), Action::kEast).state).taxi_col, 1);
  EXPECT_EQ(decode(transition(encode({0, 0, 0, 1}), Action::kNorth).state).taxi_row, 0);
  EXPECT_EQ(decode(transition(encode({4, 4, 0, 1}), Action::kSouth).state).taxi_row, 4);
  EXPECT_EQ(transition(encode({4, 4, 0, 1}), Action::kSouth).reward, -1.0);
}

TEST(TaxiBoard, PickupAndDropoffRewards) {
  const int at_r = encode({0, 0, 0, 1});
  const Transition pickup = transition(at_r, Action::kPickup);
  EXPECT_EQ(decode(pickup.state).passenger, kInTaxi);
  EXPECT_EQ(pickup.reward, -1.0);
  EXPECT_EQ(transition(pickup.state, Action::kPickup).reward, -10.0);  // already aboard
  const Transition wrong_depot = transition(pickup.state, Action::kDropoff);
  EXPECT_EQ(decode(wrong_depot.state).passenger, 0);
  EXPECT_EQ(wrong_depot.reward, -1.0);
  EXPECT_FALSE(wrong_depot.terminated);
  const Transition delivered = transition(encode({0, 4, kInTaxi, 1}), Action::kDropoff);
  EXPECT_EQ(delivered.state, encode({0, 4, 1, 1}));
  EXPECT_EQ(delivered.reward, 20.0);
  EXPECT_TRUE(delivered.terminated);
  EXPECT_EQ(transition(encode({1, 1, kInTaxi, 1}), Action::kDropoff).reward, -10.0);
}

TEST(TaxiBoard, MaskMarksActionsThatChangeTheState) {
  EXPECT_EQ(action_mask(encode({0, 0, 0, 1})), (std::array<int, 6>{1, 0, 1, 0, 1, 0}));
  EXPECT_EQ(action_mask(encode({0, 4, kInTaxi, 0})), (std::array<int, 6>{1, 0, 0, 1, 0, 1}));
}

TEST(TaxiBoard, RendersTheMapAndTheTaxiOnlyWhenCarrying) {
  EXPECT_EQ(render(encode({2, 2, 0, 1})), kBareMap);
  EXPECT_EQ(render(encode({2, 2, kInTaxi, 1})),
            "+---------+\n"
            "|R: | : :G|\n"
            "| : | : : |\n"
            "| : :_: : |\n"
            "| | : | : |\n"
            "|Y| : |B: |\n"
            "+---------+");
  EXPECT_EQ(render(encode({0, 0, kInTaxi, 1})), kBareMap);  // a depot letter stays
}

TEST(TaxiBoard, ThePlannerDeliversFromEveryStartInFewSteps) {
  for (int start = 0; start < kStateCount; ++start) {
    const State s = decode(start);
    if (s.passenger == kInTaxi || s.passenger == s.destination) continue;
    SCOPED_TRACE(start);
    int state = start;
    int steps = 0;
    Transition t{};
    do {
      t = transition(state, planned_action(state));
      state = t.state;
      ++steps;
    } while (!t.terminated && steps < 30);
    EXPECT_TRUE(t.terminated);
    EXPECT_LE(steps, 20);  // at most 8 moves to a depot, 8 to another, pickup and dropoff
  }
}

}  // namespace
}  // namespace mcpgym::taxi
