// The negative controls of GymApp serving FrozenLake (gym::Faults, --fault): each fault
// breaks exactly the rule it is named after, and each is off by default.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/tests/printers.hpp"

namespace mcpgym::gym {
namespace {

using mcp::json;
using mcp::Outcome;
using mcp::Session;

json initialize_params(const json& extra) {
  return {{"protocolVersion", "2025-11-25"},
          {"capabilities", json::object()},
          {"clientInfo", {{"name", "test"}, {"version", "0.0.1"}, {"_extra", extra}}}};
}

json lake(std::uint64_t seed, const std::vector<std::string>& desc, json config = json::object()) {
  config["desc"] = desc;
  return {{"seed", seed}, {"config", config}};
}

std::unique_ptr<Session> open(GymApp& app, const json& extra) {
  auto session = app.create_session(initialize_params(extra), "2025-11-25");
  if (!session) {
    ADD_FAILURE() << "refused: " << session.error().message;
    return nullptr;
  }
  return std::move(session).value();
}

GymAppOptions with(Faults faults) {
  GymAppOptions options;
  options.faults = faults;
  return options;
}

json ok(const Outcome& outcome) {
  if (!outcome) {
    ADD_FAILURE() << "error: " << outcome.error().to_json().dump();
    return nullptr;
  }
  return *outcome;
}

json move(Session& s, const std::string& action) {
  return ok(s.handle("tools/call", {{"name", "lake_move"}, {"arguments", {{"action", action}}}}));
}

// The observation of a successful move (DATA-003), failing on a tool error.
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

json status(bool terminated, bool truncated, int steps, double total) {
  return {{"terminated", terminated},
          {"truncated", truncated},
          {"step_count", steps},
          {"total_reward", total}};
}

json tool_error(const std::string& text) {
  return {{"content", json::array({{{"type", "text"}, {"text", text}}})}, {"isError", true}};
}

const std::string kEndedAtStep1 =
    "[mcpgym.tool.episode_over] The episode has ended (terminated at step 1); moves change "
    "nothing now. Start a new session to play again";

const std::vector<std::string> kOpen3x3 = {"SFF", "FFF", "FFG"};

TEST(FrozenLakeAppFaults, AllOffByDefault) {
  const Faults faults = GymAppOptions{}.faults;
  EXPECT_FALSE(faults.shared_state || faults.ignore_seed || !faults.game.empty() ||
               faults.moves_after_end || faults.stale_status || faults.empty_control_plane ||
               faults.terminate_after_first_step);
}

TEST(FrozenLakeAppFaults, SharedStateGivesEverySessionTheFirstSessionsEnvironment) {
  GymApp app(frozenlake_game(), with({.shared_state = true}));
  auto first = open(app, lake(1, {"SF", "FG"}));
  auto second = open(app, lake(2, kOpen3x3, {{"is_slippery", true}}));
  ASSERT_TRUE(first && second);
  const json initial = read(*first, "game://initial_state");
  EXPECT_EQ(initial["seed"], 1);
  EXPECT_EQ(read(*second, "game://initial_state"), initial);

  // A step in either session is a step in both.
  EXPECT_EQ(observation(*first, "RIGHT")["position"], 1);
  EXPECT_EQ(read(*second, "control://status"), status(false, false, 1, 0.0));
  EXPECT_EQ(observation(*second, "DOWN")["position"], 3);
  EXPECT_EQ(read(*first, "control://status"), status(true, false, 2, 1.0));
  EXPECT_EQ(ok(second->read_control("status")), status(true, false, 2, 1.0));
}

TEST(FrozenLakeAppFaults, SharedStateStillRefusesAnInvalidConfiguration) {
  GymApp app(frozenlake_game(), with({.shared_state = true}));
  auto first = open(app, lake(1, {"SF", "FG"}));
  EXPECT_FALSE(app.create_session(initialize_params({{"config", {{"bogus", 1}}}}), "2025-11-25"));
}

TEST(FrozenLakeAppFaults, WithoutSharedStateSessionsAreIndependent_SESS008) {
  GymApp app(frozenlake_game());
  auto first = open(app, lake(1, {"SF", "FG"}));
  auto second = open(app, lake(1, {"SF", "FG"}));
  observation(*first, "RIGHT");
  EXPECT_EQ(read(*second, "control://status"), status(false, false, 0, 0.0));
}

TEST(FrozenLakeAppFaults, IgnoreSeedUsesTheServerSeedInstead) {
  GymAppOptions options = with({.ignore_seed = true});
  options.default_seed = 7;
  GymApp app(frozenlake_game(), options);
  auto session = open(app, lake(42, kOpen3x3));
  EXPECT_EQ(read(*session, "game://initial_state")["seed"], 7);
  // The config is still read; only the seed is dropped.
  EXPECT_EQ(read(*session, "game://initial_state")["map"], json(kOpen3x3));
}

TEST(FrozenLakeAppFaults, IgnoreSeedDrawsASeedWithoutAServerSeed) {
  GymApp app(frozenlake_game(), with({.ignore_seed = true}));
  auto session = open(app, lake(42, kOpen3x3));
  const json seed = read(*session, "game://initial_state")["seed"];
  EXPECT_TRUE(seed.is_number_unsigned()) << seed;
  EXPECT_NE(seed, 42);  // a drawn 53-bit seed is 42 once in 2^53
}

TEST(FrozenLakeAppFaults, IgnoreSeedIgnoresEvenAnInvalidSeed) {
  GymAppOptions options = with({.ignore_seed = true});
  options.default_seed = 7;
  GymApp app(frozenlake_game(), options);
  auto session = open(app, {{"seed", "not a seed"}});
  EXPECT_EQ(read(*session, "game://initial_state")["seed"], 7);
}

TEST(FrozenLakeAppFaults, NoHoleTerminationLetsTheAgentStandInAHoleAndMoveOn) {
  GymApp app(frozenlake_game(), with({.game = {"no-hole-termination"}}));
  auto s = open(app, lake(1, {"SH", "FG"}));
  // The payloads still show the real map, hole included.
  const json initial = read(*s, "game://initial_state");
  EXPECT_EQ(initial["map"], json({"SH", "FG"}));
  EXPECT_EQ(initial["grid"], "PH\nFG");

  const json in_hole = observation(*s, "RIGHT");
  EXPECT_EQ(in_hole["position"], 1);
  EXPECT_EQ(in_hole["grid"], "SP\nFG");
  EXPECT_EQ(read(*s, "control://status"), status(false, false, 1, 0.0));
  EXPECT_EQ(read(*s, "control://reward"), json({{"reward", 0.0}, {"step_count", 1}}));

  // Out of the hole and into the goal, which still terminates.
  EXPECT_EQ(observation(*s, "DOWN")["position"], 3);
  EXPECT_EQ(read(*s, "control://status"), status(true, false, 2, 1.0));
}

TEST(FrozenLakeAppFaults, WithoutNoHoleTerminationAHoleEndsTheEpisode_LAKE007) {
  GymApp app(frozenlake_game());
  auto s = open(app, lake(1, {"SH", "FG"}));
  observation(*s, "RIGHT");
  EXPECT_EQ(read(*s, "control://status"), status(true, false, 1, 0.0));
}

TEST(FrozenLakeAppFaults, MovesAfterEndStepAfterTermination) {
  GymApp app(frozenlake_game(), with({.moves_after_end = true}));
  auto s = open(app, lake(1, {"SG", "FF"}));
  observation(*s, "RIGHT");
  EXPECT_EQ(read(*s, "control://status"), status(true, false, 1, 1.0));
  // Not the DATA-006 tool error: a step, as gymnasium takes one from G (the agent stays there).
  const json after = observation(*s, "DOWN");
  EXPECT_EQ(after["position"], 1);
  EXPECT_EQ(read(*s, "control://status"), status(true, false, 2, 1.0));
  EXPECT_EQ(read(*s, "control://reward"), json({{"reward", 0.0}, {"step_count", 2}}));
}

TEST(FrozenLakeAppFaults, MovesAfterEndMoveTheAgentAfterTruncation) {
  GymApp app(frozenlake_game(), with({.moves_after_end = true}));
  auto s = open(app, lake(1, kOpen3x3, {{"max_episode_steps", 1}}));
  EXPECT_EQ(observation(*s, "RIGHT")["position"], 1);
  EXPECT_EQ(read(*s, "control://status"), status(false, true, 1, 0.0));
  EXPECT_EQ(observation(*s, "RIGHT")["position"], 2);
  EXPECT_EQ(read(*s, "control://status"), status(false, true, 2, 0.0));
}

TEST(FrozenLakeAppFaults, StaleStatusShowsTheControlPlaneOneStepLate) {
  GymApp app(frozenlake_game(), with({.stale_status = true}));
  auto s = open(app, lake(1, kOpen3x3));
  const json initial = read(*s, "game://initial_state");
  EXPECT_EQ(read(*s, "control://status"), status(false, false, 0, 0.0));

  observation(*s, "RIGHT");
  EXPECT_EQ(read(*s, "control://status"), status(false, false, 0, 0.0));
  EXPECT_EQ(read(*s, "control://reward"), json({{"reward", 0.0}, {"step_count", 0}}));
  EXPECT_EQ(read(*s, "control://info"), json::object());

  observation(*s, "RIGHT");
  observation(*s, "DOWN");
  observation(*s, "DOWN");  // reaches G
  EXPECT_EQ(read(*s, "control://status"), status(false, false, 3, 0.0));
  EXPECT_EQ(read(*s, "control://reward"), json({{"reward", 0.0}, {"step_count", 3}}));
  EXPECT_EQ(read(*s, "control://info"), json({{"prob", 1.0}}));
  // The HTTP control plane is just as stale; the initial state is untouched.
  EXPECT_EQ(ok(s->read_control("status")), status(false, false, 3, 0.0));
  EXPECT_EQ(ok(s->read_control("reward")), json({{"reward", 0.0}, {"step_count", 3}}));
  EXPECT_EQ(read(*s, "game://initial_state"), initial);
  EXPECT_EQ(ok(s->read_control("initial_state")), initial);
}

TEST(FrozenLakeAppFaults, EmptyControlPlaneAnswersEmptyObjects) {
  GymApp app(frozenlake_game(), with({.empty_control_plane = true}));
  auto s = open(app, lake(1, {"SG", "FF"}));
  observation(*s, "RIGHT");
  for (const char* name : {"reward", "status", "info"}) {
    EXPECT_EQ(read(*s, std::string("control://") + name), json::object()) << name;
    EXPECT_EQ(ok(s->read_control(name)), json::object()) << name;
  }
  EXPECT_EQ(read(*s, "game://initial_state")["map"], json({"SG", "FF"}));
  EXPECT_EQ(ok(s->read_control("initial_state"))["map"], json({"SG", "FF"}));
}

TEST(FrozenLakeAppFaults, TerminateAfterFirstStepEndsEveryEpisodeAtStep1) {
  GymApp app(frozenlake_game(), with({.terminate_after_first_step = true}));
  auto s = open(app, lake(1, kOpen3x3));
  EXPECT_EQ(read(*s, "control://status"), status(false, false, 0, 0.0));
  EXPECT_EQ(observation(*s, "RIGHT")["position"], 1);
  EXPECT_EQ(read(*s, "control://status"), status(true, false, 1, 0.0));
  EXPECT_EQ(ok(s->read_control("status")), status(true, false, 1, 0.0));
  EXPECT_EQ(move(*s, "RIGHT"), tool_error(kEndedAtStep1));
  EXPECT_EQ(read(*s, "control://status"), status(true, false, 1, 0.0));
}

TEST(FrozenLakeAppFaults, FaultsCombine) {
  // A session playing another session's environment, one step stale.
  GymApp app(frozenlake_game(), with({.shared_state = true, .stale_status = true}));
  auto first = open(app, lake(1, kOpen3x3));
  auto second = open(app, lake(2, {"SG", "FF"}));
  observation(*first, "RIGHT");
  observation(*second, "RIGHT");
  EXPECT_EQ(read(*first, "control://status"), status(false, false, 1, 0.0));
  EXPECT_EQ(read(*second, "game://initial_state")["seed"], 1);
}

}  // namespace
}  // namespace mcpgym::gym
