// The generic MCP-Gym application against a fake game defined here, a 1-D
// walk with three actions: it proves the application knows nothing of
// FrozenLake. Tool, actions, config keys, payloads and faults all come from
// the game; the envelope, action parsing, step counting, truncation, total
// reward, the control plane in both forms and the generic faults are the
// application's.
#include "reference/gym/gym_app.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/error_ids.hpp"
#include "reference/gym/session_config.hpp"
#include "reference/mcp/tests/printers.hpp"

namespace mcpgym::gym {
namespace {

using mcp::Outcome;
using mcp::RpcError;
using mcp::Session;

// --- The fake game -------------------------------------------------------------

// A walk on the cells 0..3 from config.start (default 0): BACK, WAIT, FORWARD
// move by -1, 0, +1 (never below 0). Reaching 3 terminates with reward 1.0;
// every other step costs -0.5. Its own fault "sticky" makes FORWARD stay put.
constexpr int kGoal = 3;

class WalkEnv final : public GameEnv {
 public:
  WalkEnv(int start, std::uint64_t seed, bool sticky)
      : start_(start), position_(start), seed_(seed), sticky_(sticky) {}

  GameStep step(int action) override {
    ++steps_;
    const int delta = sticky_ && action == 2 ? 0 : action - 1;
    position_ = std::max(0, position_ + delta);
    const bool goal = position_ == kGoal;
    return {goal ? 1.0 : -0.5, goal, json{{"moved", delta}, {"step", steps_}}};
  }
  json observation() const override { return {{"cell", position_}}; }
  json initial_state() const override {
    return {{"cell", start_}, {"cells", kGoal + 1}, {"env_seed", seed_}};
  }

 private:
  int start_;
  int position_;
  std::uint64_t seed_;
  bool sticky_;
  int steps_ = 0;
};

class WalkGame final : public Game {
 public:
  WalkGame() {
    info_.name = "walk";
    info_.server_name = "walk-server";
    info_.instructions = "Walk to cell 3.";
    info_.tool = "walk_move";
    info_.tool_description = "One step of the walk.";
    info_.actions = {"BACK", "WAIT", "FORWARD"};
    info_.output_schema = {{"type", "object"}, {"required", {"cell", "action"}}};
    info_.initial_state_description = "Where the walk starts";
    info_.info_description = "What the last step moved";
    info_.config_keys = {"start"};
    info_.faults = {"sticky"};
  }

  const GameInfo& info() const override { return info_; }

  Expected<std::unique_ptr<GameEnv>, ConfigError> make(
      const json& config, std::uint64_t seed, const std::set<std::string>& faults) const override {
    last_config = config;
    last_faults = faults;
    ++makes;
    int start = 0;
    if (auto it = config.find("start"); it != config.end() && !it->is_null()) {
      if (!it->is_number_integer() || *it < 0 || *it >= kGoal) {
        return unexpected(ConfigError{err::kInvalidConfigValue, "config.start",
                                      "config.start must be 0, 1 or 2; got " + it->dump()});
      }
      start = it->get<int>();
    }
    return std::unique_ptr<GameEnv>(
        std::make_unique<WalkEnv>(start, seed, faults.contains("sticky")));
  }

  // What the application passed to the last make().
  mutable json last_config;
  mutable std::set<std::string> last_faults;
  mutable int makes = 0;

 private:
  GameInfo info_;
};

// --- Helpers ---------------------------------------------------------------------

json initialize_params(const json& extra) {
  return {{"protocolVersion", "2025-11-25"},
          {"capabilities", json::object()},
          {"clientInfo", {{"name", "test"}, {"version", "0.0.1"}, {"_extra", extra}}}};
}

std::unique_ptr<Session> open(GymApp& app, const json& extra) {
  auto session = app.create_session(initialize_params(extra), "2025-11-25");
  if (!session) {
    ADD_FAILURE() << "refused: " << session.error().message;
    return nullptr;
  }
  return std::move(session).value();
}

RpcError refusal(GymApp& app, const json& extra) {
  auto session = app.create_session(initialize_params(extra), "2025-11-25");
  if (session) {
    ADD_FAILURE() << "accepted " << extra.dump();
    return {};
  }
  return session.error();
}

RpcError invalid_params(const std::string& id, const std::string& key, const std::string& text) {
  return {-32602, "[" + id + "] Invalid params: " + text, json{{"key", key}}};
}

json ok(const Outcome& outcome) {
  if (!outcome) {
    ADD_FAILURE() << "error: " << outcome.error().to_json().dump();
    return nullptr;
  }
  return *outcome;
}

json call(Session& s, const json& arguments) {
  return ok(s.handle("tools/call", {{"name", "walk_move"}, {"arguments", arguments}}));
}

json move(Session& s, const std::string& action) {
  return call(s, {{"action", action}});
}

json observation(Session& s, const std::string& action) {
  const json result = move(s, action);
  EXPECT_EQ(result.value("isError", true), false) << result.dump();
  return result.value("structuredContent", json());
}

json read(Session& s, const std::string& uri) {
  const json result = ok(s.handle("resources/read", {{"uri", uri}}));
  if (result.is_null()) return nullptr;
  return json::parse(result.at("contents").at(0).at("text").get<std::string>());
}

json control(Session& s, const std::string& name) {
  return ok(s.read_control(name));
}

json status(bool terminated, bool truncated, int steps, double total) {
  return {{"terminated", terminated},
          {"truncated", truncated},
          {"step_count", steps},
          {"total_reward", total}};
}

json tool_error(const std::string& text) {
  return {{"content", json::array({{{"type", "text"}, {"text", text}}})}, {"isError", true}};
}

GymAppOptions with(Faults faults) {
  GymAppOptions options;
  options.faults = std::move(faults);
  return options;
}

const std::string kExpectedActions = "; expected one of BACK, WAIT, FORWARD";

// --- What the game says about itself -------------------------------------------

TEST(GymApp, ServerInfoComesFromTheGame_LIFE003) {
  WalkGame game;
  GymApp app(game);
  const mcp::ServerInfo info = app.server_info();
  EXPECT_EQ(info.name, "walk-server");
  EXPECT_EQ(info.version, "0.1.0");
  EXPECT_EQ(info.instructions, "Walk to cell 3.");
}

TEST(GymApp, ToolsListIsTheGamesOneTool_DATA009) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 1}});
  EXPECT_EQ(ok(s->handle("tools/list", json::object())),
            json::parse(R"({"tools":[{"name":"walk_move","description":"One step of the walk.",)"
                        R"("inputSchema":{"type":"object","properties":{"action":{"type":"string",)"
                        R"("enum":["BACK","WAIT","FORWARD"]}},"required":["action"]},)"
                        R"("outputSchema":{"type":"object","required":["cell","action"]}}]})"));
}

TEST(GymApp, ResourcesListUsesTheGamesDescriptions_CTRL001_CTRL010) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 1}});
  const json resources = ok(s->handle("resources/list", json::object())).at("resources");
  ASSERT_EQ(resources.size(), 4u);
  EXPECT_EQ(resources[0], (json{{"uri", "game://initial_state"},
                                {"name", "initial_state"},
                                {"description", "Where the walk starts"},
                                {"mimeType", "application/json"}}));
  EXPECT_EQ(resources[1].at("uri"), "control://reward");
  EXPECT_EQ(resources[2].at("uri"), "control://status");
  EXPECT_EQ(resources[3], (json{{"uri", "control://info"},
                                {"name", "info"},
                                {"description", "What the last step moved"},
                                {"mimeType", "application/json"}}));

  GymApp http_only(game, {.control_resources = false});
  auto h = open(http_only, {{"seed", 1}});
  const json listed = ok(h->handle("resources/list", json::object())).at("resources");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("uri"), "game://initial_state");
}

// --- The seed and config envelope (SEED-*, CONF-004) -----------------------------

TEST(GymApp, SeedFromExtraThenServerSeedThenDrawn_SEED001_SEED002_CTRL011) {
  WalkGame game;
  GymApp app(game, {.default_seed = 99});
  auto given = open(app, {{"seed", 5}});
  EXPECT_EQ(read(*given, "game://initial_state"),
            (json{{"cell", 0}, {"cells", 4}, {"env_seed", 5}, {"seed", 5}}));
  auto fallback = open(app, json::object());
  EXPECT_EQ(read(*fallback, "game://initial_state").at("seed"), 99);
  GymApp no_default(game);
  auto drawn = open(no_default, json::object());
  const json initial = read(*drawn, "game://initial_state");
  EXPECT_LE(initial.at("seed").get<std::uint64_t>(), kMaxSeed);
  EXPECT_EQ(initial.at("seed"), initial.at("env_seed"));  // the game got the seed in use
}

TEST(GymApp, RefusesAnInvalidSeed_SEED003) {
  WalkGame game;
  GymApp app(game);
  EXPECT_EQ(refusal(app, {{"seed", -1}}),
            invalid_params("mcpgym.config.invalid_seed", "clientInfo._extra.seed",
                           "clientInfo._extra.seed must be an integer from 0 to 9007199254740991 "
                           "(2^53-1); got -1"));
  EXPECT_EQ(game.makes, 0);
}

TEST(GymApp, UnknownConfigKeysAreRefusedAgainstTheGamesKeys_CONF002_CONF004) {
  WalkGame game;
  GymApp app(game);
  // FrozenLake's keys mean nothing to this game.
  EXPECT_EQ(
      refusal(app, {{"seed", 1}, {"config", {{"map_name", "4x4"}}}}),
      invalid_params("mcpgym.config.unknown_key", "config.map_name",
                     "unknown config key config.map_name; known keys: game, max_episode_steps, "
                     "seed, start"));
  // An unknown key is refused before the game sees any value.
  EXPECT_EQ(refusal(app, {{"seed", 1}, {"config", {{"start", 7}, {"zzz", 1}}}}),
            invalid_params(
                "mcpgym.config.unknown_key", "config.zzz",
                "unknown config key config.zzz; known keys: game, max_episode_steps, seed, start"));
  EXPECT_EQ(game.makes, 0);
  EXPECT_EQ(refusal(app, {{"seed", 1}, {"config", "start"}}),
            invalid_params("mcpgym.config.invalid_value", "clientInfo._extra.config",
                           "clientInfo._extra.config must be an object; got \"start\""));
}

TEST(GymApp, TheGameSeesOnlyItsOwnKeysAndItsRefusalIsInvalidParams_CONF004) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 1}, {"config", {{"start", 2}, {"max_episode_steps", 5}}}});
  EXPECT_EQ(game.last_config, (json{{"start", 2}}));
  EXPECT_EQ(read(*s, "game://initial_state").at("cell"), 2);
  open(app, {{"seed", 1}, {"config", nullptr}});
  EXPECT_EQ(game.last_config, json::object());
  EXPECT_EQ(refusal(app, {{"seed", 1}, {"config", {{"start", 3}}}}),
            invalid_params("mcpgym.config.invalid_value", "config.start",
                           "config.start must be 0, 1 or 2; got 3"));
}

TEST(GymApp, MaxEpisodeStepsIsTheApplicationsKey_CONF004) {
  WalkGame game;
  GymApp app(game);
  const std::string expects =
      "config.max_episode_steps must be an integer from 1 to 1000000000; got ";
  EXPECT_EQ(
      refusal(app, {{"seed", 1}, {"config", {{"max_episode_steps", 0}}}}),
      invalid_params("mcpgym.config.invalid_value", "config.max_episode_steps", expects + "0"));
  EXPECT_EQ(
      refusal(app, {{"seed", 1}, {"config", {{"max_episode_steps", "3"}}}}),
      invalid_params("mcpgym.config.invalid_value", "config.max_episode_steps", expects + "\"3\""));
  // The game's keys are checked first, then max_episode_steps.
  EXPECT_EQ(refusal(app, {{"seed", 1}, {"config", {{"start", 9}, {"max_episode_steps", 0}}}}),
            invalid_params("mcpgym.config.invalid_value", "config.start",
                           "config.start must be 0, 1 or 2; got 9"));
}

TEST(GymApp, SessionFromInitializeIsTheEnvelopeOnItsOwn_CONF004) {
  WalkGame game;
  auto setup = session_from_initialize(
      game, initialize_params({{"seed", 8}, {"config", {{"start", 1}}}}), std::nullopt, {"sticky"});
  ASSERT_TRUE(setup);
  EXPECT_EQ(setup->seed, 8u);
  EXPECT_EQ(setup->max_episode_steps, std::nullopt);
  EXPECT_EQ(game.last_faults, (std::set<std::string>{"sticky"}));
  EXPECT_EQ(setup->env->observation(), (json{{"cell", 1}}));
}

// --- Actions (DATA-002, DATA-005, DATA-010) ---------------------------------------

TEST(GymApp, ActionsAreTrimmedCaseInsensitiveAndAnsweredByTheirCanonicalName_DATA002_DATA010) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 1}});
  const json result = move(*s, " \tforward\n");
  const json expected = {{"cell", 1}, {"action", "FORWARD"}};
  EXPECT_EQ(result, (json{{"content", json::array({{{"type", "text"}, {"text", expected.dump()}}})},
                          {"structuredContent", expected},
                          {"isError", false}}));
  EXPECT_EQ(observation(*s, "Back"), (json{{"cell", 0}, {"action", "BACK"}}));
  EXPECT_EQ(observation(*s, "wAiT"), (json{{"cell", 0}, {"action", "WAIT"}}));
}

TEST(GymApp, InvalidActionsAreToolErrorsListingTheGamesActionsAndChangeNothing_DATA005) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 1}});
  const std::string id = "[mcpgym.tool.invalid_action] ";
  EXPECT_EQ(move(*s, "LEFT"), tool_error(id + "Invalid action \"LEFT\"" + kExpectedActions));
  EXPECT_EQ(move(*s, "FOR WARD"),
            tool_error(id + "Invalid action \"FOR WARD\"" + kExpectedActions));
  EXPECT_EQ(call(*s, json::object()),
            tool_error(id + "Missing argument \"action\"" + kExpectedActions));
  EXPECT_EQ(call(*s, {{"action", 2}}),
            tool_error(id + "Argument \"action\" must be a string" + kExpectedActions));
  EXPECT_EQ(control(*s, "status"), status(false, false, 0, 0.0));
}

TEST(GymApp, UnknownToolNamesTheGamesTool_DATA007) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 1}});
  const Outcome outcome =
      s->handle("tools/call", {{"name", "lake_move"}, {"arguments", {{"action", "WAIT"}}}});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error(),
            (RpcError{-32602,
                      "[mcpgym.tool.unknown_tool] Unknown tool \"lake_move\"; this server has one "
                      "tool, walk_move",
                      json{{"tool", "lake_move"}}}));
}

// --- Steps, rewards, termination and truncation (EPIS-001, EPIS-003) -------------

TEST(GymApp, RewardsAreFloatsSummedInStepOrderAndTheGoalTerminates_EPIS003_DATA006) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 1}});
  EXPECT_EQ(control(*s, "reward").dump(), R"({"reward":0.0,"step_count":0})");
  EXPECT_EQ(control(*s, "info"), json::object());
  observation(*s, "FORWARD");
  EXPECT_EQ(control(*s, "reward").dump(), R"({"reward":-0.5,"step_count":1})");
  EXPECT_EQ(control(*s, "info"), (json{{"moved", 1}, {"step", 1}}));
  observation(*s, "FORWARD");
  observation(*s, "FORWARD");
  EXPECT_EQ(control(*s, "status").dump(),
            R"({"step_count":3,"terminated":true,"total_reward":0.0,"truncated":false})");
  EXPECT_EQ(control(*s, "reward"), (json{{"reward", 1.0}, {"step_count", 3}}));
  const json before = control(*s, "info");
  EXPECT_EQ(move(*s, "BACK"),
            tool_error("[mcpgym.tool.episode_over] The episode has ended (terminated at step 3); "
                       "moves change nothing now. Start a new session to play again"));
  EXPECT_EQ(control(*s, "status"), status(true, false, 3, 0.0));
  EXPECT_EQ(control(*s, "info"), before);
}

TEST(GymApp, TruncatesAtMaxEpisodeSteps_EPIS001) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 1}, {"config", {{"max_episode_steps", 2}}}});
  observation(*s, "WAIT");
  EXPECT_EQ(control(*s, "status"), status(false, false, 1, -0.5));
  observation(*s, "WAIT");
  EXPECT_EQ(control(*s, "status"), status(false, true, 2, -1.0));
  EXPECT_EQ(move(*s, "WAIT"),
            tool_error("[mcpgym.tool.episode_over] The episode has ended (truncated at step 2); "
                       "moves change nothing now. Start a new session to play again"));
  EXPECT_EQ(control(*s, "status"), status(false, true, 2, -1.0));
}

TEST(GymApp, TerminationAndTruncationOnTheSameStep_EPIS001) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 1}, {"config", {{"start", 2}, {"max_episode_steps", 1}}}});
  observation(*s, "FORWARD");
  EXPECT_EQ(control(*s, "status"), status(true, true, 1, 1.0));
}

TEST(GymApp, NeverTruncatedWithoutMaxEpisodeSteps_EPIS001) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 1}});
  for (int i = 0; i < 50; ++i)
    observation(*s, "WAIT");
  EXPECT_EQ(control(*s, "status"), status(false, false, 50, -25.0));
}

// --- The control plane in both forms (CTRL-002, CTRL-008, CTRL-009) ---------------

TEST(GymApp, ResourcesAndControlEndpointsServeTheSamePayloads_CTRL009) {
  WalkGame game;
  GymApp app(game);
  auto s = open(app, {{"seed", 4}});
  observation(*s, "FORWARD");
  for (const std::string name : {"initial_state", "reward", "status", "info"}) {
    const std::string uri = name == "initial_state" ? "game://initial_state" : "control://" + name;
    EXPECT_EQ(read(*s, uri), control(*s, name)) << name;
  }
  const Outcome unknown = s->read_control("bogus");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), (RpcError{-32002,
                                       "[mcpgym.resource.not_found] Resource not found: "
                                       "/control/bogus",
                                       json{{"uri", "/control/bogus"}}}));
}

TEST(GymApp, WithoutControlResourcesOnlyTheHttpFormServesThem_CTRL010) {
  WalkGame game;
  GymApp app(game, {.control_resources = false});
  auto s = open(app, {{"seed", 4}});
  EXPECT_FALSE(s->handle("resources/read", {{"uri", "control://status"}}));
  EXPECT_EQ(control(*s, "status"), status(false, false, 0, 0.0));
  EXPECT_EQ(read(*s, "game://initial_state").at("seed"), 4);
}

// --- Faults -------------------------------------------------------------------------

TEST(GymAppFaults, SharedStateGivesEverySessionTheFirstSessionsEnvironment) {
  WalkGame game;
  GymApp app(game, with({.shared_state = true}));
  auto first = open(app, {{"seed", 1}});
  auto second = open(app, {{"seed", 2}, {"config", {{"start", 2}}}});
  observation(*first, "FORWARD");
  EXPECT_EQ(read(*second, "game://initial_state").at("seed"), 1);
  EXPECT_EQ(control(*second, "status"), status(false, false, 1, -0.5));
  // Still refuses an invalid configuration.
  EXPECT_EQ(refusal(app, {{"seed", 1}, {"config", {{"start", 5}}}}).code, -32602);
}

TEST(GymAppFaults, IgnoreSeedUsesTheServerSeed) {
  WalkGame game;
  GymApp app(game, {.default_seed = 77, .faults = {.ignore_seed = true}});
  auto s = open(app, {{"seed", 5}});
  EXPECT_EQ(read(*s, "game://initial_state").at("seed"), 77);
  // Even an invalid seed is dropped unread.
  auto invalid = open(app, {{"seed", "x"}});
  EXPECT_EQ(read(*invalid, "game://initial_state").at("seed"), 77);
}

TEST(GymAppFaults, MovesAfterEndStepTheGameOnAfterTerminationAndTruncation) {
  WalkGame game;
  GymApp app(game, with({.moves_after_end = true}));
  auto s = open(app, {{"seed", 1}, {"config", {{"start", 2}}}});
  observation(*s, "FORWARD");
  EXPECT_EQ(observation(*s, "FORWARD"), (json{{"cell", 4}, {"action", "FORWARD"}}));
  EXPECT_EQ(control(*s, "status"), status(false, false, 2, 0.5));
  auto t = open(app, {{"seed", 1}, {"config", {{"max_episode_steps", 1}}}});
  observation(*t, "WAIT");
  observation(*t, "FORWARD");
  EXPECT_EQ(control(*t, "status"), status(false, true, 2, -1.0));
}

TEST(GymAppFaults, StaleStatusShowsTheControlPlaneOneStepLate) {
  WalkGame game;
  GymApp app(game, with({.stale_status = true}));
  auto s = open(app, {{"seed", 1}});
  observation(*s, "FORWARD");
  EXPECT_EQ(control(*s, "status"), status(false, false, 0, 0.0));
  EXPECT_EQ(read(*s, "control://info"), json::object());
  observation(*s, "WAIT");
  EXPECT_EQ(control(*s, "status"), status(false, false, 1, -0.5));
  EXPECT_EQ(read(*s, "control://info"), (json{{"moved", 1}, {"step", 1}}));
}

TEST(GymAppFaults, EmptyControlPlaneAnswersEmptyObjects) {
  WalkGame game;
  GymApp app(game, with({.empty_control_plane = true}));
  auto s = open(app, {{"seed", 1}});
  observation(*s, "FORWARD");
  for (const std::string name : {"reward", "status", "info"}) {
    EXPECT_EQ(control(*s, name), json::object()) << name;
    EXPECT_EQ(read(*s, "control://" + name), json::object()) << name;
  }
  EXPECT_EQ(read(*s, "game://initial_state").at("seed"), 1);
}

TEST(GymAppFaults, TerminateAfterFirstStepEndsEveryEpisodeAtStep1) {
  WalkGame game;
  GymApp app(game, with({.terminate_after_first_step = true}));
  auto s = open(app, {{"seed", 1}});
  EXPECT_EQ(control(*s, "status"), status(false, false, 0, 0.0));
  observation(*s, "WAIT");
  EXPECT_EQ(control(*s, "status"), status(true, false, 1, -0.5));
  EXPECT_EQ(move(*s, "WAIT"),
            tool_error("[mcpgym.tool.episode_over] The episode has ended (terminated at step 1); "
                       "moves change nothing now. Start a new session to play again"));
}

TEST(GymAppFaults, TheGamesOwnFaultsReachTheGame) {
  WalkGame game;
  GymApp app(game, with({.game = {"sticky"}}));
  auto s = open(app, {{"seed", 1}});
  EXPECT_EQ(game.last_faults, (std::set<std::string>{"sticky"}));
  EXPECT_EQ(observation(*s, "FORWARD"), (json{{"cell", 0}, {"action", "FORWARD"}}));
  GymApp plain(game);
  open(plain, {{"seed", 1}});
  EXPECT_EQ(game.last_faults, std::set<std::string>());
}

TEST(GymAppFaults, AFaultTheGameDoesNotHaveIsAProgrammingError) {
  WalkGame game;
  EXPECT_THROW(GymApp(game, with({.game = {"no-hole-termination"}})), std::invalid_argument);
}

TEST(GymAppFaults, AllOffByDefault) {
  const Faults faults = GymAppOptions{}.faults;
  EXPECT_FALSE(faults.shared_state || faults.ignore_seed || faults.moves_after_end ||
               faults.stale_status || faults.empty_control_plane ||
               faults.terminate_after_first_step || !faults.game.empty() ||
               faults.handle_from_seed || faults.handle_ignored || faults.control_cacheable ||
               faults.unknown_handle_creates);
}

}  // namespace
}  // namespace mcpgym::gym
