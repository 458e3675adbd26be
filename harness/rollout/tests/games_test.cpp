// The harness's game catalogue and the recognition of a game from tools/list.
#include "harness/rollout/games.hpp"

#include <gtest/gtest.h>

namespace mcpgym::harness {
namespace {

json tool(const std::string& name, json action) {
  json schema = {{"type", "object"}, {"required", json::array({"action"})}};
  schema["properties"]["action"] = std::move(action);
  return {{"name", name}, {"inputSchema", std::move(schema)}};
}

json action_enum(std::vector<std::string> names) {
  return {{"type", "string"}, {"enum", std::move(names)}};
}

json listing(std::vector<json> tools) {
  json result = json::object();
  result["tools"] = json(std::move(tools));
  return result;
}

TEST(GameCatalogue, KnowsFrozenLakeWithItsToolActionsAndGoalPolicy) {
  const GameSpec* lake = find_game("frozenlake");
  ASSERT_NE(lake, nullptr);
  EXPECT_EQ(lake, &frozenlake_game());
  EXPECT_EQ(lake->tool, "lake_move");
  EXPECT_EQ(lake->actions, (std::vector<std::string>{"LEFT", "DOWN", "RIGHT", "UP"}));
  EXPECT_TRUE(lake->goal_policy);
  EXPECT_TRUE(lake->known());
  EXPECT_EQ(lake->describe(), "frozenlake (tool lake_move, actions LEFT, DOWN, RIGHT, UP)");
  EXPECT_EQ(find_game("chess"), nullptr);
  EXPECT_EQ(known_game_names(), "frozenlake, cliffwalking, taxi, blackjack");
}

TEST(GameCatalogue, KnowsCliffWalkingWithItsToolActionsAndGoalPolicy) {
  const GameSpec* cliff = find_game("cliffwalking");
  ASSERT_NE(cliff, nullptr);
  EXPECT_EQ(cliff->describe(), "cliffwalking (tool cliff_move, actions UP, RIGHT, DOWN, LEFT)");
  EXPECT_TRUE(cliff->goal_policy);
  EXPECT_EQ(*parse_script(cliff->example_script, cliff->actions),
            (std::vector<std::string>{"UP", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT",
                                      "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "DOWN"}));
}

TEST(GameCatalogue, KnowsTaxiWithItsToolActionsAndGoalPolicy) {
  const GameSpec* taxi = find_game("taxi");
  ASSERT_NE(taxi, nullptr);
  EXPECT_EQ(taxi->describe(),
            "taxi (tool taxi_move, actions SOUTH, NORTH, EAST, WEST, PICKUP, DROPOFF)");
  EXPECT_TRUE(taxi->goal_policy);
  EXPECT_EQ(*parse_script(taxi->example_script, taxi->actions),
            (std::vector<std::string>{"NORTH", "NORTH", "EAST", "EAST", "PICKUP", "SOUTH", "SOUTH",
                                      "DROPOFF"}));
}

TEST(GameCatalogue, KnowsBlackjackWithItsToolActionsAndPolicy) {
  const GameSpec* blackjack = find_game("blackjack");
  ASSERT_NE(blackjack, nullptr);
  EXPECT_EQ(blackjack->describe(), "blackjack (tool blackjack_move, actions STICK, HIT)");
  EXPECT_TRUE(blackjack->goal_policy);
  EXPECT_EQ(*parse_script(blackjack->example_script, blackjack->actions),
            (std::vector<std::string>{"HIT", "STICK"}));
}

TEST(RecogniseGame, AKnownToolGivesTheCataloguesGame) {
  const auto game =
      recognise_game(listing({{{"name", "helper"}, {"inputSchema", {{"type", "object"}}}},
                              tool("lake_move", action_enum({"LEFT", "DOWN", "RIGHT", "UP"}))}));
  ASSERT_TRUE(game.has_value()) << game.error();
  EXPECT_EQ(game->name, "frozenlake");
  EXPECT_TRUE(game->goal_policy);
}

TEST(RecogniseGame, AnUnknownToolGivesItsNameAndEnumInOrder) {
  // Annotations (title, description) do not matter; the enum's order does.
  json action = action_enum({"WEST", "SOUTH", "EAST", "NORTH"});
  action["title"] = "Action";
  const auto game = recognise_game(listing({tool("maze_walk", action)}));
  ASSERT_TRUE(game.has_value()) << game.error();
  EXPECT_FALSE(game->known());
  EXPECT_EQ(game->tool, "maze_walk");
  EXPECT_EQ(game->actions, (std::vector<std::string>{"WEST", "SOUTH", "EAST", "NORTH"}));
  EXPECT_FALSE(game->goal_policy);
  EXPECT_EQ(game->describe(), "the game of tool maze_walk (actions WEST, SOUTH, EAST, NORTH)");
}

TEST(RecogniseGame, NamesWhatIsMissingOrAmbiguous) {
  // Only c's action is a string enum: integers, no enum or mixed types are not.
  const json a = tool("a", {{"type", "integer"}, {"enum", json::array({1, 2})}});
  const json b = tool("b", {{"type", "string"}});
  const json d = tool("d", {{"enum", json::array({"X", 3})}});
  const auto only_c = recognise_game(listing({a, b, tool("c", action_enum({"X", "Y"})), d}));
  ASSERT_TRUE(only_c.has_value()) << only_c.error();
  EXPECT_EQ(only_c->tool, "c");
  EXPECT_EQ(recognise_game(listing({a, b, d})).error(),
            "[mcpgym.rollout.no_data_plane_tool] tools/list offers no tool whose inputSchema has "
            "a string \"action\" enum (tools: a, b, d); name the game with --game");
  EXPECT_EQ(recognise_game(listing({})).error(),
            "[mcpgym.rollout.no_data_plane_tool] tools/list offers no tool whose inputSchema has "
            "a string \"action\" enum (tools: none); name the game with --game");
  EXPECT_EQ(recognise_game(
                listing({tool("x_move", action_enum({"A"})), tool("y_move", action_enum({"B"}))}))
                .error(),
            "[mcpgym.rollout.several_data_plane_tools] tools/list offers 2 tools with a string "
            "\"action\" enum (x_move, y_move), so the data-plane tool is ambiguous; name the game "
            "with --game");
  EXPECT_EQ(recognise_game(json::array()).error(),
            "[mcpgym.rollout.bad_tools_list] the tools/list result has no \"tools\" array: []");
  EXPECT_EQ(recognise_game(json{{"tools", 5}}).error(),
            "[mcpgym.rollout.bad_tools_list] the tools/list result has no \"tools\" array: "
            "{\"tools\":5}");
}

}  // namespace
}  // namespace mcpgym::harness
