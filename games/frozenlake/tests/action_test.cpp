#include "games/frozenlake/action.hpp"

#include <gtest/gtest.h>

namespace mcpgym::frozenlake {
namespace {

TEST(ParseAction, AcceptsEachNameInAnyCase) {
  EXPECT_EQ(parse_action("LEFT"), Action::kLeft);
  EXPECT_EQ(parse_action("down"), Action::kDown);
  EXPECT_EQ(parse_action("Right"), Action::kRight);
  EXPECT_EQ(parse_action("uP"), Action::kUp);
}

TEST(ParseAction, TrimsAsciiWhitespace) {
  EXPECT_EQ(parse_action(" right "), Action::kRight);
  EXPECT_EQ(parse_action("\t\nUP\r\n"), Action::kUp);
}

TEST(ParseAction, RejectsEverythingElse) {
  EXPECT_EQ(parse_action(""), std::nullopt);
  EXPECT_EQ(parse_action("   "), std::nullopt);
  EXPECT_EQ(parse_action("JUMP"), std::nullopt);
  EXPECT_EQ(parse_action("LEFTX"), std::nullopt);
  EXPECT_EQ(parse_action("LEF"), std::nullopt);
  EXPECT_EQ(parse_action("LE FT"), std::nullopt);
  EXPECT_EQ(parse_action("0"), std::nullopt);
  EXPECT_EQ(parse_action(std::string_view("UP\0", 3)), std::nullopt);
}

TEST(ActionName, NamesEachActionAndRoundTrips) {
  EXPECT_EQ(action_name(Action::kLeft), "LEFT");
  EXPECT_EQ(action_name(Action::kDown), "DOWN");
  EXPECT_EQ(action_name(Action::kRight), "RIGHT");
  EXPECT_EQ(action_name(Action::kUp), "UP");
  for (int i = 0; i < kActionCount; ++i) {
    const auto action = static_cast<Action>(i);
    EXPECT_EQ(parse_action(action_name(action)), action);
  }
}

}  // namespace
}  // namespace mcpgym::frozenlake
