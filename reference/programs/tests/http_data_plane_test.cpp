// DATA-001..DATA-008: the lake_move tool over real loopback HTTP.
#include <gtest/gtest.h>

#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpDataPlane = HttpFixture;

json tool_error(const std::string& text) {
  return {{"content", json::array({{{"type", "text"}, {"text", text}}})}, {"isError", true}};
}

json move_request(const json& id, const json& arguments) {
  return rpc_request(id, "tools/call", {{"name", "lake_move"}, {"arguments", arguments}});
}

json status(bool terminated, bool truncated, int steps, double total) {
  return {{"terminated", terminated},
          {"truncated", truncated},
          {"step_count", steps},
          {"total_reward", total}};
}

TEST_F(HttpDataPlane, ToolsListHasLakeMoveWithTheExactInputSchema_DATA001) {
  auto client = Client();
  const std::string session = open(client);
  json tools = call_result(client, session, "tools/list")["tools"];
  ASSERT_EQ(tools.size(), 1U) << tools.dump();
  EXPECT_EQ(tools[0]["name"], "lake_move");
  EXPECT_EQ(tools[0]["inputSchema"],
            json::parse(R"({"type":"object","properties":{"action":{"type":"string",)"
                        R"("enum":["LEFT","DOWN","RIGHT","UP"]}},"required":["action"]})"));
}

TEST_F(HttpDataPlane, ActionIsTrimmedAndCaseInsensitive_DATA002) {
  auto client = Client();
  const std::string session =
      open(client, seeded_extra(1, {{"desc", {"SFFF", "FFFF", "FFFF", "FFFG"}}}));
  EXPECT_EQ(lake_move(client, session, " right ")["structuredContent"]["action"], "RIGHT");
  EXPECT_EQ(lake_move(client, session, "down")["structuredContent"]["action"], "DOWN");
  EXPECT_EQ(lake_move(client, session, "\tLeFt\n")["structuredContent"]["action"], "LEFT");
  json up = lake_move(client, session, "Up");
  EXPECT_EQ(up["structuredContent"],
            json({{"position", 0}, {"grid", "PFFF\nFFFF\nFFFF\nFFFG"}, {"action", "UP"}}));
}

TEST_F(HttpDataPlane, ResultIsOneTextBlockWithTheObservationAndStructuredContent_DATA003) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(1, classic_config()));
  json result = lake_move(client, session, "DOWN");
  json observation = {{"position", 4}, {"grid", "SFFF\nPHFH\nFFFH\nHFFG"}, {"action", "DOWN"}};
  EXPECT_EQ(result.value("isError", false), false);
  ASSERT_EQ(result["content"].size(), 1U) << result.dump();
  EXPECT_EQ(result["content"][0]["type"], "text");
  EXPECT_EQ(json::parse(result["content"][0]["text"].get<std::string>()), observation);
  EXPECT_EQ(result["structuredContent"], observation);
}

TEST_F(HttpDataPlane, GridShowsTheAgentAsP_DATA004) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(1, {{"desc", {"SFF", "FFF", "FFG"}}}));
  EXPECT_EQ(lake_move(client, session, "RIGHT")["structuredContent"]["grid"], "SPF\nFFF\nFFG");
  EXPECT_EQ(lake_move(client, session, "DOWN")["structuredContent"]["grid"], "SFF\nFPF\nFFG");
  EXPECT_EQ(lake_move(client, session, "DOWN")["structuredContent"]["grid"], "SFF\nFFF\nFPG");
  json last = lake_move(client, session, "RIGHT")["structuredContent"];
  EXPECT_EQ(last["grid"], "SFF\nFFF\nFFP");
  EXPECT_EQ(last["position"], 8);
}

TEST_F(HttpDataPlane, InvalidOrMissingActionIsAToolErrorChangingNothing_DATA005) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(9, classic_config()));
  const std::string expected_one = "; expected one of LEFT, DOWN, RIGHT, UP";
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"action", "JUMP"}}, "[mcpgym.tool.invalid_action] Invalid action \"JUMP\"" + expected_one},
      {{{"action", ""}}, "[mcpgym.tool.invalid_action] Invalid action \"\"" + expected_one},
      {{{"action", "RIGHTRIGHT"}},
       "[mcpgym.tool.invalid_action] Invalid action \"RIGHTRIGHT\"" + expected_one},
      {json::object(), "[mcpgym.tool.invalid_action] Missing argument \"action\"" + expected_one},
      {{{"direction", "LEFT"}},
       "[mcpgym.tool.invalid_action] Missing argument \"action\"" + expected_one},
      {{{"action", 2}},
       "[mcpgym.tool.invalid_action] Argument \"action\" must be a string" + expected_one},
  };
  for (const auto& [arguments, text] : cases) {
    EXPECT_TRUE(IsJsonReply(post_json(client, move_request(5, arguments), session), 200,
                            {{"jsonrpc", "2.0"}, {"id", 5}, {"result", tool_error(text)}}));
  }
  // tools/call without "arguments" is a missing action too.
  EXPECT_TRUE(IsJsonReply(
      post_json(client, rpc_request(6, "tools/call", {{"name", "lake_move"}}), session), 200,
      {{"jsonrpc", "2.0"},
       {"id", 6},
       {"result",
        tool_error("[mcpgym.tool.invalid_action] Missing argument \"action\"" + expected_one)}}));
  EXPECT_EQ(read_payload(client, session, "control://status"), status(false, false, 0, 0.0));
  EXPECT_EQ(read_payload(client, session, "control://reward"),
            json({{"reward", 0.0}, {"step_count", 0}}));
  EXPECT_EQ(read_payload(client, session, "control://info"), json::object());
}

// A refused move draws nothing from the environment's generator: a slippery
// session that saw refusals between its moves walks exactly like one that did not.
TEST_F(HttpDataPlane, InvalidActionDrawsNothingFromTheGenerator_DATA005) {
  auto client = Client();
  const json extra = seeded_extra(31337, {{"map_name", "8x8"}, {"is_slippery", true}});
  const std::string plain = open(client, extra);
  const std::string interrupted = open(client, extra);
  int compared = 0;
  for (const char* action : {"RIGHT", "DOWN", "RIGHT", "DOWN", "RIGHT", "DOWN"}) {
    json a = lake_move(client, plain, action);
    EXPECT_TRUE(lake_move(client, interrupted, "SIDEWAYS")["isError"]);
    json b = lake_move(client, interrupted, action);
    EXPECT_EQ(a, b) << action;
    EXPECT_EQ(read_payload(client, plain, "control://status"),
              read_payload(client, interrupted, "control://status"));
    if (a.value("isError", false)) break;
    ++compared;
  }
  // Enough slippery steps that a stray draw would have shown.
  EXPECT_GE(compared, 3);
}

TEST_F(HttpDataPlane, MoveAfterTerminationIsAToolErrorChangingNothing_DATA006) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(2, classic_config()));
  for (const char* action : {"DOWN", "DOWN", "RIGHT", "RIGHT", "DOWN", "RIGHT"}) {
    ASSERT_FALSE(lake_move(client, session, action).value("isError", false));
  }
  json before = read_payload(client, session, "control://status");
  EXPECT_EQ(before, status(true, false, 6, 1.0));
  for (const char* action : {"LEFT", "UP", "nonsense"}) {
    json result = lake_move(client, session, action);
    if (std::string(action) == "nonsense") {
      EXPECT_EQ(result, tool_error("[mcpgym.tool.invalid_action] Invalid action \"nonsense\"; "
                                   "expected one of LEFT, DOWN, RIGHT, UP"));
    } else {
      EXPECT_EQ(result, tool_error("[mcpgym.tool.episode_over] The episode has ended (terminated "
                                   "at step 6); moves change nothing now. Start a new session to "
                                   "play again"));
    }
  }
  EXPECT_EQ(read_payload(client, session, "control://status"), before);
  EXPECT_EQ(read_payload(client, session, "control://reward"),
            json({{"reward", 1.0}, {"step_count", 6}}));
  EXPECT_EQ(control_payload(client, session, "info"), json({{"prob", 1.0}}));
}

TEST_F(HttpDataPlane, MoveAfterTruncationIsAToolErrorChangingNothing_DATA006) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(2, classic_config(false, 2)));
  lake_move(client, session, "LEFT");
  lake_move(client, session, "UP");
  EXPECT_EQ(read_payload(client, session, "control://status"), status(false, true, 2, 0.0));
  EXPECT_EQ(lake_move(client, session, "DOWN"),
            tool_error("[mcpgym.tool.episode_over] The episode has ended (truncated at step 2); "
                       "moves change nothing now. Start a new session to play again"));
  EXPECT_EQ(read_payload(client, session, "control://status"), status(false, true, 2, 0.0));
}

TEST_F(HttpDataPlane, UnknownToolIsInvalidParams_DATA007) {
  auto client = Client();
  const std::string session = open(client);
  for (const std::string name : {"fly", "Lake_Move", ""}) {
    EXPECT_TRUE(IsJsonReply(
        post_json(
            client,
            rpc_request("t", "tools/call", {{"name", name}, {"arguments", {{"action", "UP"}}}}),
            session),
        200,
        error_body("t", -32602,
                   "[mcpgym.tool.unknown_tool] Unknown tool \"" + name +
                       "\"; this server has one tool, lake_move",
                   {{"tool", name}})));
  }
  EXPECT_EQ(read_payload(client, session, "control://status")["step_count"], 0);
}

TEST_F(HttpDataPlane, ObservationCarriesNoRewardOrTermination_DATA008) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(2, classic_config()));
  for (const char* action : {"DOWN", "DOWN", "RIGHT", "RIGHT", "DOWN", "RIGHT"}) {
    json result = lake_move(client, session, action);
    json keys = json::array();
    for (const auto& [key, value] : result["structuredContent"].items())
      keys.push_back(key);
    EXPECT_EQ(keys, json({"action", "grid", "position"}));
    json result_keys = json::array();
    for (const auto& [key, value] : result.items())
      result_keys.push_back(key);
    EXPECT_EQ(result_keys, json({"content", "isError", "structuredContent"}));
  }
}

}  // namespace
}  // namespace mcpgym::wiretest
