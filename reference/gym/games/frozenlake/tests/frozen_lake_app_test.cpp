
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/tests/printers.hpp"

namespace mcpgym::gym {
namespace {

using mcp::json;
using mcp::Outcome;
using mcp::RpcError;
using mcp::Session;

json initialize_params(const json& extra) {
  return {{"protocolVersion", "2025-11-25"},
          {"capabilities", json::object()},
          {"clientInfo", {{"name", "test"}, {"version", "0.0.1"}, {"_extra", extra}}}};
}

std::unique_ptr<Session> make_session(const json& extra, GymAppOptions options = {}) {
  GymApp app(frozenlake_game(), options);
  auto session = app.create_session(initialize_params(extra), "2025-11-25");
  if (!session) {
    ADD_FAILURE() << "refused: " << session.error().message;
    return nullptr;
  }
  return std::move(session).value();
}

// A deterministic 2x2 lake: S at 0, G at 1. RIGHT wins at once.
std::unique_ptr<Session> goal_right(json config = json::object()) {
  config["desc"] = {"SG", "FF"};
  return make_session({{"seed", 1}, {"config", config}});
}

json ok(const Outcome& outcome) {
  if (!outcome) {
    ADD_FAILURE() << "error: " << outcome.error().to_json().dump();
    return nullptr;
  }
  return *outcome;
}

RpcError err(const Outcome& outcome) {
  if (outcome) {
    ADD_FAILURE() << "result: " << outcome->dump();
    return {};
  }
  return outcome.error();
}

json call(Session& s, const json& arguments) {
  return ok(s.handle("tools/call", {{"name", "lake_move"}, {"arguments", arguments}}));
}

json move(Session& s, const std::string& action) {
  return call(s, {{"action", action}});
}

// The JSON payload of a resource, after checking the CTRL-002 envelope around it.
json read(Session& s, const std::string& uri) {
  const json result = ok(s.handle("resources/read", {{"uri", uri}}));
  if (result.is_null()) return nullptr;
  EXPECT_EQ(result.size(), 1u) << result.dump();
  const json& contents = result.at("contents");
  EXPECT_EQ(contents.size(), 1u);
  const json& item = contents.at(0);
  EXPECT_EQ(item.size(), 3u) << item.dump();
  EXPECT_EQ(item.at("uri"), uri);
  EXPECT_EQ(item.at("mimeType"), "application/json");
  return json::parse(item.at("text").get<std::string>());
}

// Every control-plane payload, to show that something changed nothing (DATA-005, DATA-006).
json control_snapshot(Session& s) {
  return {{"initial_state", read(s, "game://initial_state")},
          {"reward", read(s, "control://reward")},
          {"status", read(s, "control://status")},
          {"info", read(s, "control://info")}};
}

// A tool error: isError true and one text block holding exactly `text`.
json tool_error(const std::string& text) {
  return {{"content", json::array({{{"type", "text"}, {"text", text}}})}, {"isError", true}};
}

const std::string kExpectedActions = "; expected one of LEFT, DOWN, RIGHT, UP";

TEST(FrozenLakeApp, ServerInfoAndCapabilities_LIFE003) {
  GymApp app(frozenlake_game());
  const mcp::ServerInfo info = app.server_info();
  EXPECT_EQ(info.name, "mcpgym-frozenlake");
  EXPECT_FALSE(info.version.empty());
  EXPECT_FALSE(info.instructions.empty());
  const json caps = app.capabilities();
  EXPECT_TRUE(caps.at("tools").is_object());
  EXPECT_TRUE(caps.at("resources").is_object());
}

TEST(FrozenLakeApp, RefusedConfigurationCreatesNoSession_CONF002) {
  GymApp app(frozenlake_game());
  auto session = app.create_session(initialize_params({{"seed", -1}}), "2025-11-25");
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error(),
            (RpcError{-32602,
                      "[mcpgym.config.invalid_seed] Invalid params: clientInfo._extra.seed must be "
                      "an integer from 0 to 9007199254740991 (2^53-1); got -1",
                      json{{"key", "clientInfo._extra.seed"}}}));
}

TEST(FrozenLakeApp, ToolsListHasLakeMoveWithExactInputSchema_DATA001) {
  auto s = goal_right();
  const json result = ok(s->handle("tools/list", json::object()));
  ASSERT_EQ(result.at("tools").size(), 1u);
  const json& tool = result.at("tools").at(0);
  EXPECT_EQ(tool.at("name"), "lake_move");
  EXPECT_EQ(tool.at("inputSchema"),
            json::parse(R"({"type":"object","properties":{"action":{"type":"string",)"
                        R"("enum":["LEFT","DOWN","RIGHT","UP"]}},"required":["action"]})"));
  // The enum order is part of the contract; json equality already compares arrays in order.
  EXPECT_EQ(tool.at("inputSchema").at("properties").at("action").at("enum").dump(),
            R"(["LEFT","DOWN","RIGHT","UP"])");
}

TEST(FrozenLakeApp, SuccessfulMoveIsOneTextBlockMatchingStructuredContent_DATA003) {
  auto s = make_session({{"seed", 3}, {"config", {{"desc", {"SFF", "FFF", "FFG"}}}}});
  const json result = move(*s, "DOWN");
  EXPECT_EQ(result.at("isError"), false);
  ASSERT_EQ(result.at("content").size(), 1u);
  const json& block = result.at("content").at(0);
  EXPECT_EQ(block.at("type"), "text");
  const json observation = json::parse(block.at("text").get<std::string>());
  EXPECT_EQ(observation, json::parse(R"({"position":3,"grid":"SFF\nPFF\nFFG","action":"DOWN"})"));
  EXPECT_EQ(result.at("structuredContent"), observation);
  // Reward and termination stay out of the data plane (DATA-008).
  EXPECT_EQ(result.size(), 3u);
}

TEST(FrozenLakeApp, ActionIsTrimmedAndCaseInsensitive_DATA002) {
  auto s = make_session({{"seed", 3}, {"config", {{"desc", {"FFF", "FSF", "FFF"}}}}});
  EXPECT_EQ(move(*s, " right ").at("structuredContent"),
            json::parse(R"({"position":5,"grid":"FFF\nFSP\nFFF","action":"RIGHT"})"));
  EXPECT_EQ(move(*s, "left").at("structuredContent").at("action"), "LEFT");
  EXPECT_EQ(move(*s, "\tuP\n").at("structuredContent").at("action"), "UP");
  EXPECT_EQ(move(*s, "Down").at("structuredContent").at("action"), "DOWN");
  EXPECT_EQ(read(*s, "control://status").at("step_count"), 4);
}

TEST(FrozenLakeApp, MovesFollowFrozenLakeDynamics_LAKE004) {
  auto s = make_session({{"seed", 3}, {"config", {{"desc", {"SFF", "FFF", "FFG"}}}}});
  EXPECT_EQ(move(*s, "LEFT").at("structuredContent").at("position"), 0);  // the wall
  EXPECT_EQ(move(*s, "UP").at("structuredContent").at("position"), 0);
  EXPECT_EQ(move(*s, "RIGHT").at("structuredContent").at("position"), 1);
  EXPECT_EQ(move(*s, "DOWN").at("structuredContent").at("position"), 4);
  EXPECT_EQ(move(*s, "UP").at("structuredContent").at("position"), 1);
}

TEST(FrozenLakeApp, GridIsSizeLinesWithTheAgentAsP_DATA004) {
  auto s = make_session({{"seed", 11}, {"config", {{"map_name", "8x8"}}}});
  const json initial = read(*s, "game://initial_state");
  const std::vector<std::string> map = initial.at("map");
  ASSERT_EQ(map.size(), 8u);
  const json observation = move(*s, "RIGHT").at("structuredContent");
  const std::string grid = observation.at("grid");
  const int position = observation.at("position");
  // Rebuild the expected grid from the map rows and the reported position.
  std::string expected;
  for (std::size_t r = 0; r < map.size(); ++r) {
    if (r != 0) expected += '\n';
    expected += map[r];
  }
  expected[static_cast<std::size_t>(position + position / 8)] = 'P';
  EXPECT_EQ(grid, expected);
  EXPECT_EQ(std::count(grid.begin(), grid.end(), '\n'), 7);
  EXPECT_EQ(std::count(grid.begin(), grid.end(), 'P'), 1);
  EXPECT_EQ(grid.find_first_not_of("SFHGP\n"), std::string::npos);
}

TEST(FrozenLakeApp, InvalidActionIsToolErrorAndChangesNothing_DATA005) {
  auto s = goal_right({{"is_slippery", true}});
  const json before = control_snapshot(*s);
  EXPECT_EQ(call(*s, {{"action", "JUMP"}}),
            tool_error("[mcpgym.tool.invalid_action] Invalid action \"JUMP\"" + kExpectedActions));
  EXPECT_EQ(call(*s, {{"action", ""}}),
            tool_error("[mcpgym.tool.invalid_action] Invalid action \"\"" + kExpectedActions));
  EXPECT_EQ(call(*s, {{"action", "RIGHT\nLEFT"}}),
            tool_error("[mcpgym.tool.invalid_action] Invalid action \"RIGHT\\x0aLEFT\"" +
                       kExpectedActions));
  EXPECT_EQ(call(*s, {{"action", 2}}),
            tool_error("[mcpgym.tool.invalid_action] Argument \"action\" must be a string" +
                       kExpectedActions));
  EXPECT_EQ(call(*s, {{"action", nullptr}}),
            tool_error("[mcpgym.tool.invalid_action] Argument \"action\" must be a string" +
                       kExpectedActions));
  EXPECT_EQ(
      call(*s, json::object()),
      tool_error("[mcpgym.tool.invalid_action] Missing argument \"action\"" + kExpectedActions));
  EXPECT_EQ(
      call(*s, {{"direction", "RIGHT"}}),
      tool_error("[mcpgym.tool.invalid_action] Missing argument \"action\"" + kExpectedActions));
  // Absent or null arguments read as no arguments: the action is missing.
  EXPECT_EQ(
      ok(s->handle("tools/call", {{"name", "lake_move"}})),
      tool_error("[mcpgym.tool.invalid_action] Missing argument \"action\"" + kExpectedActions));
  EXPECT_EQ(
      ok(s->handle("tools/call", {{"name", "lake_move"}, {"arguments", nullptr}})),
      tool_error("[mcpgym.tool.invalid_action] Missing argument \"action\"" + kExpectedActions));
  EXPECT_EQ(control_snapshot(*s), before);
}

// No generator draw either: a slippery session that saw invalid moves continues exactly like
// a fresh one on the same seed (DATA-005, LAKE-003).
TEST(FrozenLakeApp, InvalidActionDrawsNothingFromTheGenerator_DATA005_LAKE010) {
  const json extra = {{"seed", 2024}, {"config", {{"size", 8}, {"is_slippery", true}}}};
  auto with_errors = make_session(extra);
  auto clean = make_session(extra);
  call(*with_errors, {{"action", "NOPE"}});
  call(*with_errors, json::object());
  for (const char* action : {"RIGHT", "DOWN", "RIGHT", "DOWN", "LEFT", "UP", "RIGHT", "DOWN"}) {
    const json a = move(*with_errors, action);
    const json b = move(*clean, action);
    EXPECT_EQ(a, b) << action;
    EXPECT_EQ(control_snapshot(*with_errors), control_snapshot(*clean));
    if (a.at("isError") == true) break;  // the episode ended the same way in both
  }
}

TEST(FrozenLakeApp, ReachingTheGoalRewardsOneAndTerminates_LAKE006_LAKE007_CTRL007) {
  auto s = goal_right();
  EXPECT_EQ(move(*s, "RIGHT").at("structuredContent"),
            json::parse(R"({"position":1,"grid":"SP\nFF","action":"RIGHT"})"));
  const json reward = read(*s, "control://reward");
  EXPECT_EQ(reward, json::parse(R"({"reward":1.0,"step_count":1})"));
  EXPECT_TRUE(reward.at("reward").is_number_float());
  const json status = read(*s, "control://status");
  EXPECT_EQ(
      status,
      json::parse(R"({"terminated":true,"truncated":false,"step_count":1,"total_reward":1.0})"));
  EXPECT_TRUE(status.at("total_reward").is_number_float());
  EXPECT_EQ(read(*s, "control://info"), json::parse(R"({"prob":1.0})"));
}

TEST(FrozenLakeApp, TotalRewardAccumulatesAcrossSteps_CTRL005) {
  auto s = make_session({{"seed", 1}, {"config", {{"desc", {"SF", "FG"}}}}});
  move(*s, "LEFT");
  EXPECT_EQ(read(*s, "control://reward"), json::parse(R"({"reward":0.0,"step_count":1})"));
  move(*s, "RIGHT");
  move(*s, "DOWN");
  EXPECT_EQ(read(*s, "control://reward"), json::parse(R"({"reward":1.0,"step_count":3})"));
  EXPECT_EQ(
      read(*s, "control://status"),
      json::parse(R"({"terminated":true,"truncated":false,"step_count":3,"total_reward":1.0})"));
}

TEST(FrozenLakeApp, FallingIntoAHoleTerminatesWithoutReward_LAKE006_LAKE007) {
  auto s = make_session({{"seed", 1}, {"config", {{"desc", {"SH", "FG"}}}}});
  EXPECT_EQ(move(*s, "RIGHT").at("structuredContent"),
            json::parse(R"({"position":1,"grid":"SP\nFG","action":"RIGHT"})"));
  const json reward = read(*s, "control://reward");
  EXPECT_EQ(reward, json::parse(R"({"reward":0.0,"step_count":1})"));
  EXPECT_TRUE(reward.at("reward").is_number_float());
  EXPECT_EQ(
      read(*s, "control://status"),
      json::parse(R"({"terminated":true,"truncated":false,"step_count":1,"total_reward":0.0})"));
}

TEST(FrozenLakeApp, MoveAfterTerminationIsToolErrorAndChangesNothing_DATA006) {
  auto s = goal_right();
  move(*s, "RIGHT");
  const json before = control_snapshot(*s);
  for (const char* action : {"LEFT", "DOWN", "RIGHT", "UP"}) {
    EXPECT_EQ(move(*s, action),
              tool_error("[mcpgym.tool.episode_over] The episode has ended (terminated at step "
                         "1); moves change nothing now. Start a new session to play again"));
  }
  EXPECT_EQ(control_snapshot(*s), before);
}

TEST(FrozenLakeApp, TruncationAtMaxEpisodeSteps_LAKE008_DATA006) {
  auto s =
      make_session({{"seed", 1}, {"config", {{"desc", {"SF", "FG"}}, {"max_episode_steps", 2}}}});
  move(*s, "LEFT");
  EXPECT_EQ(
      read(*s, "control://status"),
      json::parse(R"({"terminated":false,"truncated":false,"step_count":1,"total_reward":0.0})"));
  move(*s, "UP");
  EXPECT_EQ(
      read(*s, "control://status"),
      json::parse(R"({"terminated":false,"truncated":true,"step_count":2,"total_reward":0.0})"));
  const json before = control_snapshot(*s);
  EXPECT_EQ(move(*s, "RIGHT"),
            tool_error("[mcpgym.tool.episode_over] The episode has ended (truncated at step 2); "
                       "moves change nothing now. Start a new session to play again"));
  EXPECT_EQ(control_snapshot(*s), before);
}

TEST(FrozenLakeApp, TerminationAndTruncationOnTheSameStep_LAKE008) {
  auto s = goal_right({{"max_episode_steps", 1}});
  move(*s, "RIGHT");
  EXPECT_EQ(
      read(*s, "control://status"),
      json::parse(R"({"terminated":true,"truncated":true,"step_count":1,"total_reward":1.0})"));
  EXPECT_EQ(move(*s, "LEFT"),
            tool_error("[mcpgym.tool.episode_over] The episode has ended (terminated at step 1); "
                       "moves change nothing now. Start a new session to play again"));
}

TEST(FrozenLakeApp, NoTruncationWithoutMaxEpisodeSteps_LAKE008) {
  auto s = make_session({{"seed", 1}, {"config", {{"desc", {"SF", "FG"}}}}});
  for (int i = 0; i < 300; ++i)
    move(*s, "LEFT");
  EXPECT_EQ(
      read(*s, "control://status"),
      json::parse(R"({"terminated":false,"truncated":false,"step_count":300,"total_reward":0.0})"));
}

TEST(FrozenLakeApp, SlipperyStepInfoIsOneThird_LAKE009_CTRL006) {
  auto s = goal_right({{"is_slippery", true}});
  move(*s, "DOWN");
  const json info = read(*s, "control://info");
  ASSERT_TRUE(info.contains("prob"));
  EXPECT_EQ(info.at("prob").get<double>(), 1.0 / 3.0);
  EXPECT_EQ(info.size(), 1u);
}

TEST(FrozenLakeApp, UnknownToolIsInvalidParams_DATA007) {
  auto s = goal_right();
  EXPECT_EQ(err(s->handle("tools/call", {{"name", "fly"}, {"arguments", {{"action", "UP"}}}})),
            (RpcError{-32602,
                      "[mcpgym.tool.unknown_tool] Unknown tool \"fly\"; this server has one tool, "
                      "lake_move",
                      json{{"tool", "fly"}}}));
  EXPECT_EQ(err(s->handle("tools/call", {{"name", "Lake_Move"}})).code, -32602);
  EXPECT_EQ(read(*s, "control://status").at("step_count"), 0);
}

TEST(FrozenLakeApp, ToolNameMustBeAString_LIFE007) {
  auto s = goal_right();
  const RpcError expected{-32602,
                          "[mcpgym.rpc.invalid_params] Invalid params: tools/call needs a string "
                          "\"name\"",
                          nullptr};
  EXPECT_EQ(err(s->handle("tools/call", json::object())), expected);
  EXPECT_EQ(err(s->handle("tools/call", {{"name", 1}})), expected);
}

TEST(FrozenLakeApp, ArgumentsMustBeAnObject_LIFE007) {
  auto s = goal_right();
  const RpcError expected{-32602,
                          "[mcpgym.rpc.invalid_params] Invalid params: tools/call \"arguments\" "
                          "must be an object",
                          nullptr};
  EXPECT_EQ(err(s->handle("tools/call", {{"name", "lake_move"}, {"arguments", "RIGHT"}})),
            expected);
  EXPECT_EQ(err(s->handle("tools/call", {{"name", "lake_move"}, {"arguments", json::array()}})),
            expected);
  EXPECT_EQ(read(*s, "control://status").at("step_count"), 0);
}

TEST(FrozenLakeApp, ResourcesListHasInitialStateAndControls_CTRL001) {
  auto s = goal_right();
  const json resources = ok(s->handle("resources/list", json::object())).at("resources");
  std::vector<std::string> uris;
  for (const auto& r : resources) {
    uris.push_back(r.at("uri"));
    EXPECT_EQ(r.at("mimeType"), "application/json") << r.dump();
    EXPECT_TRUE(r.at("name").is_string());
  }
  EXPECT_EQ(uris, (std::vector<std::string>{"game://initial_state", "control://reward",
                                            "control://status", "control://info"}));
}

TEST(FrozenLakeApp, HttpOnlyControlPlaneListsOnlyInitialState_CTRL010) {
  auto s = make_session({{"seed", 1}, {"config", {{"desc", {"SG", "FF"}}}}},
                        {.default_seed = std::nullopt, .control_resources = false});
  const json resources = ok(s->handle("resources/list", json::object())).at("resources");
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources.at(0).at("uri"), "game://initial_state");
  EXPECT_EQ(resources.at(0).at("mimeType"), "application/json");
  EXPECT_EQ(read(*s, "game://initial_state").at("seed"), 1);
  for (const char* uri : {"control://reward", "control://status", "control://info"}) {
    EXPECT_EQ(
        err(s->handle("resources/read", {{"uri", uri}})),
        (RpcError{-32002, std::string("[mcpgym.resource.not_found] Resource not found: ") + uri,
                  json{{"uri", uri}}}));
  }
  // The HTTP form still serves every payload.
  EXPECT_EQ(ok(s->read_control("reward")), json::parse(R"({"reward":0.0,"step_count":0})"));
}

TEST(FrozenLakeApp, InitialStatePayload_CTRL003) {
  auto s = make_session(
      {{"seed", 77}, {"config", {{"desc", {"FFH", "FSF", "GFF"}}, {"is_slippery", true}}}});
  const json expected = json::parse(
      R"({"position":4,"grid":"FFH\nFPF\nGFF","map":["FFH","FSF","GFF"],"seed":77,"size":3,)"
      R"("is_slippery":true})");
  EXPECT_EQ(read(*s, "game://initial_state"), expected);
  move(*s, "UP");
  // The initial state stays the episode's start after steps.
  EXPECT_EQ(read(*s, "game://initial_state"), expected);
}

TEST(FrozenLakeApp, InitialStateReportsTheSeedInUse_SEED002_CTRL003) {
  auto from_server = make_session(json::object(), {.default_seed = 123, .control_resources = true});
  EXPECT_EQ(read(*from_server, "game://initial_state").at("seed"), 123);
  auto drawn = make_session(json::object());
  const json seed = read(*drawn, "game://initial_state").at("seed");
  ASSERT_TRUE(seed.is_number_unsigned());
  EXPECT_LE(seed.get<std::uint64_t>(), 9007199254740991u);
  // Passing the reported seed back replays the same map (the reference's choice).
  auto replay = make_session({{"seed", seed}});
  EXPECT_EQ(read(*replay, "game://initial_state"), read(*drawn, "game://initial_state"));
}

TEST(FrozenLakeApp, ControlPayloadsBeforeTheFirstStep_CTRL004_CTRL005_CTRL006) {
  auto s = goal_right();
  const json reward = read(*s, "control://reward");
  EXPECT_EQ(reward, json::parse(R"({"reward":0.0,"step_count":0})"));
  EXPECT_TRUE(reward.at("reward").is_number_float());
  EXPECT_EQ(
      read(*s, "control://status"),
      json::parse(R"({"terminated":false,"truncated":false,"step_count":0,"total_reward":0.0})"));
  EXPECT_EQ(read(*s, "control://info"), json::object());
}

TEST(FrozenLakeApp, ControlReadsReflectTheLatestCall_CTRL007) {
  auto s = make_session({{"seed", 1}, {"config", {{"desc", {"SFF", "FFF", "FFG"}}}}});
  for (int step = 1; step <= 3; ++step) {
    move(*s, "LEFT");
    EXPECT_EQ(read(*s, "control://reward").at("step_count"), step);
    EXPECT_EQ(read(*s, "control://status").at("step_count"), step);
    EXPECT_EQ(read(*s, "control://info"), json::parse(R"({"prob":1.0})"));
  }
}

TEST(FrozenLakeApp, UnknownResourceUrisAreNotFound_CTRL008) {
  auto s = goal_right();
  for (const char* uri : {"control://initial_state", "game://nope", "control://",
                          "control://Reward", "game://initial_state/", ""}) {
    EXPECT_EQ(
        err(s->handle("resources/read", {{"uri", uri}})),
        (RpcError{-32002, std::string("[mcpgym.resource.not_found] Resource not found: ") + uri,
                  json{{"uri", uri}}}))
        << uri;
  }
  // The message shows an excerpt; data.uri keeps the URI verbatim.
  const std::string long_uri = "x://" + std::string(200, 'a') + "\n";
  const RpcError e = err(s->handle("resources/read", {{"uri", long_uri}}));
  EXPECT_EQ(e.message,
            "[mcpgym.resource.not_found] Resource not found: x://" + std::string(116, 'a') + "...");
  EXPECT_EQ(e.data, json({{"uri", long_uri}}));
}

TEST(FrozenLakeApp, ResourcesReadNeedsAStringUri_LIFE007) {
  auto s = goal_right();
  const RpcError expected{-32602,
                          "[mcpgym.rpc.invalid_params] Invalid params: resources/read needs a "
                          "string \"uri\"",
                          nullptr};
  EXPECT_EQ(err(s->handle("resources/read", json::object())), expected);
  EXPECT_EQ(err(s->handle("resources/read", {{"uri", 5}})), expected);
}

TEST(FrozenLakeApp, ReadControlServesEveryPayload_CTRL009) {
  auto s = goal_right();
  move(*s, "RIGHT");
  EXPECT_EQ(ok(s->read_control("reward")), read(*s, "control://reward"));
  EXPECT_EQ(ok(s->read_control("status")), read(*s, "control://status"));
  EXPECT_EQ(ok(s->read_control("info")), read(*s, "control://info"));
  EXPECT_EQ(ok(s->read_control("initial_state")), read(*s, "game://initial_state"));
}

TEST(FrozenLakeApp, ReadControlUnknownNameIsNotFound_CTRL009) {
  auto s = goal_right();
  for (const char* name : {"nope", "", "Reward", "reward/"}) {
    EXPECT_EQ(
        err(s->read_control(name)),
        (RpcError{-32002,
                  std::string("[mcpgym.resource.not_found] Resource not found: /control/") + name,
                  json{{"uri", std::string("/control/") + name}}}))
        << name;
  }
}

TEST(FrozenLakeApp, ResourceTemplatesListIsEmpty) {
  auto s = goal_right();
  EXPECT_EQ(ok(s->handle("resources/templates/list", json::object())),
            json::parse(R"({"resourceTemplates":[]})"));
}

TEST(FrozenLakeApp, PingIsEmptyResult_LIFE005) {
  auto s = goal_right();
  EXPECT_EQ(ok(s->handle("ping", json::object())), json::object());
}

TEST(FrozenLakeApp, UnknownMethodIsMethodNotFound_LIFE006) {
  auto s = goal_right();
  EXPECT_EQ(err(s->handle("tools/destroy", json::object())),
            (RpcError{-32601, "[mcpgym.rpc.method_not_found] Method not found: tools/destroy",
                      json{{"method", "tools/destroy"}}}));
  EXPECT_EQ(err(s->handle("prompts/list", json::object())).code, -32601);
}

TEST(FrozenLakeApp, SessionsOnTheSameSeedAreIndependent_SESS008) {
  const json extra = {{"seed", 9}, {"config", {{"desc", {"SFF", "FFF", "FFG"}}}}};
  auto a = make_session(extra);
  auto b = make_session(extra);
  const json b_before = control_snapshot(*b);
  move(*a, "RIGHT");
  move(*a, "DOWN");
  EXPECT_EQ(control_snapshot(*b), b_before);
  EXPECT_EQ(read(*a, "control://status").at("step_count"), 2);
  // b starts from the same place and evolves alike (LAKE-010), on its own.
  EXPECT_EQ(move(*b, "RIGHT").at("structuredContent").at("position"), 1);
  EXPECT_EQ(read(*b, "control://status").at("step_count"), 1);
}

TEST(FrozenLakeApp, SameSeedSameConfigSameSlipperyTrajectory_LAKE010) {
  const json extra = {{"seed", 31337}, {"config", {{"map_name", "8x8"}, {"is_slippery", true}}}};
  auto a = make_session(extra);
  auto b = make_session(extra);
  EXPECT_EQ(read(*a, "game://initial_state"), read(*b, "game://initial_state"));
  for (int i = 0; i < 20; ++i) {
    const char* action = i % 2 == 0 ? "RIGHT" : "DOWN";
    EXPECT_EQ(move(*a, action), move(*b, action));
    EXPECT_EQ(control_snapshot(*a), control_snapshot(*b));
  }
}

}  // namespace
}  // namespace mcpgym::gym
