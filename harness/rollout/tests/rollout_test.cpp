// Multi-environment rollouts against the reference backend in-process
// (docs/spec.md SESS-008, LAKE-006..008, CTRL-007): per-environment
// termination, recording content, and failures reported as values.
#include "harness/rollout/rollout.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "harness/record/recording.hpp"
#include "harness/rollout/policy.hpp"
#include "harness/rollout/tests/disguised_backend.hpp"
#include "harness/rollout/tests/model_oracle.hpp"
#include "harness/rollout/tests/spy_connector.hpp"
#include "reference/testkit/in_process_backend.hpp"

namespace mcpgym::harness {
namespace {

using testing_oracle::expected_episode;
using testing_spy::SpyConnector;

RolloutOptions steps(int max_steps, ControlPlaneForm form = ControlPlaneForm::kResources) {
  RolloutOptions options;
  options.max_steps = max_steps;
  options.control_plane = form;
  return options;
}

ClientOptions with_timeout(std::chrono::milliseconds timeout) {
  ClientOptions options;
  options.timeout = timeout;
  return options;
}

std::vector<EnvironmentSpec> seeds(std::initializer_list<std::uint64_t> list,
                                   json config = json::object()) {
  std::vector<EnvironmentSpec> envs;
  for (auto seed : list)
    envs.push_back({seed, config});
  return envs;
}

// Every environment's outcome and recorded lines equal what the model says.
void ExpectMatchesModel(const RolloutResult& result, const PolicyFactory& policy, int max_steps,
                        int size = 4, bool slippery = false,
                        std::optional<int> max_episode_steps = {}) {
  for (const auto& env : result.envs) {
    SCOPED_TRACE(env.describe());
    ASSERT_FALSE(env.error);
    const auto expected = expected_episode(env.seed, policy, env.env_index, max_steps, size,
                                           slippery, max_episode_steps);
    ASSERT_EQ(env.steps, static_cast<int>(expected.size()));
    ASSERT_EQ(env.lines.size(), expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const RecordedStep& line = env.lines[k];
      EXPECT_EQ(line.env_index, env.env_index);
      EXPECT_EQ(line.step, static_cast<int>(k + 1));
      EXPECT_EQ(line.seed, env.seed);
      // system, user, then an assistant and a tool message per step.
      ASSERT_EQ(line.messages.size(), 2 + 2 * (k + 1));
      const json& tool = line.messages.back();
      EXPECT_EQ(tool["role"], "tool");
      EXPECT_EQ(tool["tool_call_id"],
                line.messages[line.messages.size() - 2]["tool_calls"][0]["id"]);
      const json& cp = tool["metadata"]["control_plane"];
      EXPECT_EQ(cp["reward"].get<double>(), expected[k].reward) << "step " << k + 1;
      EXPECT_EQ(cp["terminated"].get<bool>(), expected[k].terminated) << "step " << k + 1;
      EXPECT_EQ(cp["truncated"].get<bool>(), expected[k].truncated) << "step " << k + 1;
      EXPECT_EQ(cp["step"].get<int>(), static_cast<int>(k + 1));
      EXPECT_EQ(cp["total_reward"].get<double>(), expected[k].total_reward);
      EXPECT_EQ(json::parse(tool["content"].get<std::string>())["position"], expected[k].position);
    }
    EXPECT_EQ(env.terminated, expected.back().terminated);
    EXPECT_EQ(env.truncated, expected.back().truncated);
  }
}

TEST(Rollout, SixteenEnvironmentsEachEndAtTheirOwnStep) {
  testkit::InProcessBackend backend;
  SpyConnector connector(url_connector(backend.url()));
  // A scripted walk: on some maps RRDD falls into a hole at once, on others later;
  // shortest-path environments on the same server reach the goal.
  const auto scripted = *scripted_policy("RRDDRD");
  std::vector<EnvironmentSpec> envs;
  for (std::uint64_t seed = 0; seed < 16; ++seed)
    envs.push_back({seed, json::object()});
  const auto result = run_rollout(connector, envs, scripted, steps(12));
  for (const auto& env : result.envs)
    ASSERT_FALSE(env.error) << env.describe();
  ExpectMatchesModel(result, scripted, 12);
  std::set<int> end_steps;
  int terminated = 0;
  for (const auto& env : result.envs) {
    end_steps.insert(env.steps);
    terminated += env.terminated;
    // More than one recorded line where the episode lasted more than one step.
    EXPECT_EQ(env.lines.size(), static_cast<std::size_t>(env.steps));
  }
  EXPECT_GE(end_steps.size(), 3U) << "environments should end at different steps";
  EXPECT_GT(terminated, 0);
  EXPECT_EQ(connector.observed.tool_calls_after_end, 0);
  int total_steps = 0;
  for (const auto& env : result.envs)
    total_steps += env.steps;
  EXPECT_EQ(connector.observed.tool_calls, total_steps);
}

TEST(Rollout, ShortestPathReachesTheGoalOnEveryMap) {
  testkit::InProcessBackend backend;
  auto connector = url_connector(backend.url());
  const auto result =
      run_rollout(*connector, seeds({42, 123, 456, 7, 8}), shortest_path_policy(), steps(50));
  ASSERT_TRUE(result.ok());
  ExpectMatchesModel(result, shortest_path_policy(), 50);
  for (const auto& env : result.envs) {
    EXPECT_TRUE(env.terminated) << env.describe();
    EXPECT_EQ(env.total_reward, 1.0) << env.describe();
  }
}

// A game the harness does not know: each environment learns its tool and
// actions from its own session's tools/list, and a random policy plays it by
// name. Underneath it is FrozenLake with renamed actions, so the model still
// predicts every step.
TEST(Rollout, PlaysAGameItDoesNotKnowByTheNamesItsToolsListGives) {
  testing_disguise::DisguisedBackend backend;
  SpyConnector connector(url_connector(backend.url()));
  RolloutOptions options = steps(30);
  std::vector<std::string> games;
  options.policy_for_game = [&](int, const GameSpec& game) -> Expected<PolicyFactory, std::string> {
    games.push_back(game.describe());
    return random_policy(3);
  };
  const auto result = run_rollout(connector, seeds({1, 2, 3}), nullptr, options);
  ExpectMatchesModel(result, random_policy(3), 30);
  EXPECT_EQ(games, std::vector<std::string>(
                       3, "the game of tool maze_walk (actions WEST, SOUTH, EAST, NORTH)"));
  for (const auto& env : result.envs) {
    for (const auto& message : env.lines.back().messages) {
      if (message["role"] != "assistant") continue;
      const json& call = message["tool_calls"][0]["function"];
      EXPECT_EQ(call["name"], "maze_walk");
      const std::string action = json::parse(call["arguments"].get<std::string>())["action"];
      EXPECT_NE(std::string("WEST SOUTH EAST NORTH").find(action), std::string::npos) << action;
    }
  }
}

TEST(Rollout, AGameThePolicyCannotPlayFailsItsEnvironmentsBeforeAStep) {
  testkit::InProcessBackend backend;
  SpyConnector connector(url_connector(backend.url()));
  RolloutOptions options = steps(30);
  options.policy_for_game = [](int, const GameSpec& game) -> Expected<PolicyFactory, std::string> {
    return unexpected("no policy for " + game.name);
  };
  const auto result = run_rollout(connector, seeds({1, 2}), nullptr, options);
  for (const auto& env : result.envs)
    EXPECT_EQ(env.describe(), "env " + std::to_string(env.env_index) + " (seed " +
                                  std::to_string(env.seed) +
                                  "): FAILED after 0 step(s): no policy for frozenlake");
  EXPECT_EQ(connector.observed.tool_calls, 0);
}

TEST(Rollout, EnvironmentThatNeverEndsStopsAtMaxSteps) {
  testkit::InProcessBackend backend;
  auto connector = url_connector(backend.url());
  // LEFT from the start cell stays put forever.
  const auto result = run_rollout(*connector, seeds({42}), *scripted_policy("L"), steps(7));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.envs[0].steps, 7);
  EXPECT_FALSE(result.envs[0].terminated);
  EXPECT_FALSE(result.envs[0].truncated);
  EXPECT_EQ(result.envs[0].describe(),
            "env 0 (seed 42): still running after 7 step(s) (max steps), total reward 0.0");
}

TEST(Rollout, TruncationEndsTheEnvironment_LAKE008) {
  testkit::InProcessBackend backend;
  auto connector = url_connector(backend.url());
  const auto result = run_rollout(*connector, seeds({42}, {{"max_episode_steps", 3}}),
                                  *scripted_policy("L"), steps(20));
  ASSERT_TRUE(result.ok());
  ExpectMatchesModel(result, *scripted_policy("L"), 20, 4, false, 3);
  EXPECT_TRUE(result.envs[0].truncated);
  EXPECT_EQ(result.envs[0].describe(), "env 0 (seed 42): truncated at step 3, total reward 0.0");
}

TEST(Rollout, HttpControlPlaneFormGivesTheSameRecording_CTRL009) {
  testkit::InProcessBackend backend;
  auto connector = url_connector(backend.url());
  const auto policy = shortest_path_policy();
  const auto by_resources = run_rollout(*connector, seeds({42, 5}), policy, steps(30));
  const auto by_http =
      run_rollout(*connector, seeds({42, 5}), policy, steps(30, ControlPlaneForm::kHttp));
  ASSERT_TRUE(by_resources.ok());
  ASSERT_TRUE(by_http.ok());
  EXPECT_EQ(compare_recordings(by_resources.recording(), by_http.recording()), std::nullopt);
}

TEST(Rollout, StaleControlPlaneIsReported_CTRL007) {
  testkit::InProcessBackend backend;
  // A control plane one step behind: the negative control for CTRL-007.
  SpyConnector connector(url_connector(backend.url()), [](const std::string& name, json& payload) {
    if (name == "status") payload["step_count"] = payload["step_count"].get<int>() - 1;
  });
  const auto result = run_rollout(connector, seeds({42}), shortest_path_policy(), steps(10));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(*result.envs[0].error,
            "step 1: control://status says step_count 0 right after tool call 1: the control "
            "plane is stale or miscounts (CTRL-007)");
  EXPECT_TRUE(result.envs[0].lines.empty());
}

TEST(Rollout, MalformedControlPlaneIsReported) {
  testkit::InProcessBackend backend;
  SpyConnector connector(url_connector(backend.url()), [](const std::string& name, json& payload) {
    if (name == "reward") payload = json{{"points", 1}};
  });
  const auto result = run_rollout(connector, seeds({42}), shortest_path_policy(), steps(10));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(*result.envs[0].error,
            "step 1: control://reward has no numeric \"reward\": {\"points\":1}");
}

// The server is untrusted: odd types in a tool result are reported, not thrown.
TEST(Rollout, ToolResultWithANonBooleanIsErrorIsReported) {
  testkit::InProcessBackend backend;
  SpyConnector connector(url_connector(backend.url()), [](const std::string& name, json& payload) {
    if (name == "tools/call") {
      payload["isError"] = "no";
      payload["content"][0]["type"] = 7;
    }
  });
  const auto result = run_rollout(connector, seeds({42}), shortest_path_policy(), steps(10));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(*result.envs[0].error,
            "step 1: lake_move answered isError that is not a boolean: \"no\"");
}

TEST(Rollout, UnreachableServerIsAnErrorForEveryEnvironment) {
  int port = -1;
  {
    testkit::InProcessBackend gone;  // a port that was ours and is now closed
    port = gone.port();
  }
  auto connector = url_connector("http://127.0.0.1:" + std::to_string(port) + "/mcp",
                                 with_timeout(std::chrono::milliseconds(2000)));
  const auto result = run_rollout(*connector, seeds({1, 2}), shortest_path_policy(), {});
  EXPECT_FALSE(result.ok());
  for (const auto& env : result.envs) {
    ASSERT_TRUE(env.error);
    EXPECT_TRUE(env.error->starts_with("[mcpgym.client.transport]")) << *env.error;
    EXPECT_EQ(env.steps, 0);
  }
}

TEST(Rollout, RecordingIsOrderedByEnvironmentThenStep) {
  testkit::InProcessBackend backend;
  auto connector = url_connector(backend.url());
  const auto result = run_rollout(*connector, seeds({3, 1, 2}), shortest_path_policy(), {});
  const auto lines = result.recording();
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_LT(std::pair(lines[i - 1].env_index, lines[i - 1].step),
              std::pair(lines[i].env_index, lines[i].step));
  }
}

// on_step sees every recorded line as its step completes (what a recorder
// stopped at its run's deadline still writes), the same lines as the result.
TEST(Rollout, OnStepSeesEveryLineAsItIsRecorded) {
  testkit::InProcessBackend backend;
  auto connector = url_connector(backend.url());
  std::vector<RecordedStep> seen;
  RolloutOptions options = steps(50);
  options.on_step = [&seen](const RecordedStep& line) { seen.push_back(line); };
  const auto result = run_rollout(*connector, seeds({3, 1, 2}), shortest_path_policy(), options);
  ASSERT_TRUE(result.ok());
  std::vector<RecordedStep> recorded = result.recording();
  ASSERT_EQ(seen.size(), recorded.size());
  std::sort(seen.begin(), seen.end(), [](const RecordedStep& a, const RecordedStep& b) {
    return std::pair(a.env_index, a.step) < std::pair(b.env_index, b.step);
  });
  for (std::size_t i = 0; i < seen.size(); ++i)
    EXPECT_EQ(seen[i].to_json(), recorded[i].to_json());
}

// Record, write, read back, replay with the recorded actions, and compare: the
// replay is equivalent, for any seeds and action strings.
RC_GTEST_PROP(RolloutProperty, RecordReplayDiffIsEqual, ()) {
  static testkit::InProcessBackend backend;
  const auto seed_count = *rc::gen::inRange(1, 4);
  std::vector<EnvironmentSpec> envs;
  for (int i = 0; i < seed_count; ++i) {
    envs.push_back(
        {*rc::gen::inRange<std::uint64_t>(0, (std::uint64_t{1} << 53) - 1), json::object()});
  }
  const auto letters = *rc::gen::container<std::string>(*rc::gen::inRange<std::size_t>(1, 10),
                                                        rc::gen::elementOf(std::string("LDRU")));
  auto connector = url_connector(backend.url());
  const auto recorded = run_rollout(*connector, envs, *scripted_policy(letters), steps(12));
  RC_ASSERT(recorded.ok());

  const auto path = std::filesystem::temp_directory_path() /
                    ("mcpgym-replay-" + std::to_string(::getpid()) + ".jsonl");
  {
    auto writer = RecordingWriter::open(path);
    RC_ASSERT(writer.has_value());
    for (const auto& line : recorded.recording())
      RC_ASSERT(writer->write(line).has_value());
    RC_ASSERT(writer->commit().has_value());
  }
  auto read_back = read_recording(path);
  std::filesystem::remove(path);
  RC_ASSERT(read_back.has_value());
  auto replay = replay_policy(*read_back);
  RC_ASSERT(replay.has_value());
  const auto replayed = run_rollout(*connector, envs, *replay, steps(12));
  RC_ASSERT(replayed.ok());
  const auto divergence = compare_recordings(*read_back, replayed.recording());
  RC_ASSERT(!divergence.has_value());
}

}  // namespace
}  // namespace mcpgym::harness
