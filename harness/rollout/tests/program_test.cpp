// mcpgym-record end to end against the real backend binary (one shared
// server, one process per environment, stdio), a broken implementation, and a
// server the project did not write: the TypeScript SDK example.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/testing/temp_dir.hpp"
#include "harness/process/supervisor.hpp"
#include "harness/process/tests/node_fixture.hpp"
#include "harness/record/recording.hpp"
#include "harness/rollout/rollout.hpp"
#include "harness/rollout/tests/disguised_backend.hpp"
#include "reference/testkit/in_process_backend.hpp"

namespace mcpgym::harness {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kBackend = MCPGYM_FROZENLAKE_BIN;
const std::string kRecord = MCPGYM_RECORD_BIN;
const std::string kPlay = MCPGYM_PLAY_BIN;
const std::string kRecognisedLake =
    "mcpgym-record: recognised frozenlake (tool lake_move, actions LEFT, DOWN, RIGHT, UP) from "
    "tools/list (--game frozenlake skips the question)\n";
const std::string kUnknownMaze =
    "mcpgym-record: tools/list offers the game of tool maze_walk (actions WEST, SOUTH, EAST, "
    "NORTH), which the harness does not know: it is played by name (scripted, random and replay "
    "policies; known games: " +
    known_game_names() + ")\n";
const fs::path kSource = MCPGYM_SOURCE_DIR;

using mcpgym::test_support::TempDir;

struct Finished {
  ExitStatus status;
  std::string stderr_text;
  std::string stdout_text;
};

std::string contents(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a command to completion (a deadline, never a hang) and collects stderr.
Finished run(const std::string& command, const fs::path& logs,
             std::optional<fs::path> cwd = std::nullopt) {
  // The command runs as written: its own {placeholders} belong to the program
  // it starts (mcpgym-record's --cmd), so braces are escaped for launch().
  std::string literal;
  for (char c : command) {
    literal += c;
    if (c == '{' || c == '}') literal += c;
  }
  LaunchSpec spec;
  spec.command = literal;
  spec.name = "run";
  spec.log_directory = logs;
  spec.working_directory = cwd;
  spec.readiness.kind = ReadinessKind::kNone;
  auto process = launch(spec);
  if (!process) return {{false, -1}, process.error(), ""};
  auto status = (*process)->wait_exit(120s);
  if (!status) status = (*process)->stop();
  return {*status, contents((*process)->stderr_log()), contents((*process)->stdout_log())};
}

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

void ExpectEquivalentToGolden(const fs::path& recording, const std::string& golden) {
  auto actual = read_recording(recording);
  ASSERT_TRUE(actual.has_value()) << actual.error();
  auto expected = read_recording(kSource / "fixtures/golden" / golden);
  ASSERT_TRUE(expected.has_value()) << expected.error();
  const auto divergence = compare_recordings(*expected, *actual);
  EXPECT_FALSE(divergence) << divergence->describe();
}

TEST(RecordProgram, RecordsEveryEnvironmentAsASessionOfOneServer) {
  TempDir dir;
  const auto out = dir.path() / "out.jsonl";
  const auto done = run(kRecord + " --cmd " + quoted(kBackend + " --port {port}") +
                            " --seeds 42,123,456 --policy shortest --out " + out.string(),
                        dir.path());
  ASSERT_EQ(done.status, (ExitStatus{false, 0})) << done.stderr_text;
  ExpectEquivalentToGolden(out, "4x4-shortest.jsonl");
  EXPECT_NE(done.stderr_text.find("mcpgym-record: env 0 (seed 42): terminated at step"),
            std::string::npos)
      << done.stderr_text;
  // Not told the game, it asked tools/list and said what it found.
  EXPECT_NE(done.stderr_text.find(kRecognisedLake), std::string::npos) << done.stderr_text;
}

TEST(RecordProgram, PlaysTheGameNamedByFlagWithoutAsking) {
  TempDir dir;
  const auto out = dir.path() / "out.jsonl";
  // Names instead of the golden's letters (scripted:RRDD): the same recording.
  const auto done =
      run(kRecord + " --game frozenlake --cmd " + quoted(kBackend + " --port {port}") +
              " --seeds 42,123,456 --policy scripted:RIGHT,RIGHT,DOWN,DOWN "
              "--max-steps 20 --out " +
              out.string(),
          dir.path());
  ASSERT_EQ(done.status, (ExitStatus{false, 0})) << done.stderr_text;
  ExpectEquivalentToGolden(out, "4x4-scripted.jsonl");
  EXPECT_EQ(done.stderr_text.find("recognised"), std::string::npos) << done.stderr_text;
}

TEST(RecordProgram, PlaysAnUnknownGameByTheNamesItsToolsListGives) {
  testing_disguise::DisguisedBackend backend;
  TempDir dir;
  const auto out = dir.path() / "out.jsonl";
  const auto done = run(kRecord + " --url " + backend.url() +
                            " --seeds 1,2 --policy random:4 --max-steps 10 --out " + out.string(),
                        dir.path());
  ASSERT_EQ(done.status, (ExitStatus{false, 0})) << done.stderr_text;
  EXPECT_TRUE(done.stderr_text.starts_with(kUnknownMaze)) << done.stderr_text;
  auto recording = read_recording(out);
  ASSERT_TRUE(recording.has_value()) << recording.error();
  ASSERT_FALSE(recording->empty());
  const json& call = recording->front().messages[2]["tool_calls"][0]["function"];
  EXPECT_EQ(call["name"], "maze_walk");
  const std::string action = json::parse(call["arguments"].get<std::string>())["action"];
  EXPECT_NE(std::string("WEST SOUTH EAST NORTH").find(action), std::string::npos) << action;
}

TEST(RecordProgram, RefusesShortestForAGameWithoutAGoalPolicy) {
  testing_disguise::DisguisedBackend backend;
  TempDir dir;
  const auto done = run(kRecord + " --url " + backend.url() + " --seeds 1", dir.path());
  EXPECT_EQ(done.status, (ExitStatus{false, 2}));
  EXPECT_EQ(done.stderr_text,
            kUnknownMaze +
                "mcpgym-record: env 0 (seed 1): FAILED after 0 step(s): "
                "[mcpgym.cli.invalid_value] --policy shortest needs a goal-seeking "
                "policy, and the harness has none for the game of tool maze_walk (actions WEST, "
                "SOUTH, EAST, NORTH); use scripted:<actions>, random:<seed> or replay:<file>\n");
}

TEST(RecordProgram, AGameItDoesNotKnowByNameIsABadFlag) {
  TempDir dir;
  // Refused before anything starts: nothing listens on port 1.
  const auto unknown = run(kRecord + " --url http://127.0.0.1:1/mcp --game chess", dir.path());
  EXPECT_EQ(unknown.status, (ExitStatus{false, 2}));
  EXPECT_EQ(unknown.stderr_text,
            "mcpgym-record: [mcpgym.cli.invalid_value] --game 'chess' is not a game the harness "
            "knows; expected one of " +
                known_game_names() + "\n");
}

TEST(RecordProgram, StartsOneProcessPerEnvironmentWhenTheTemplateUsesSeed) {
  TempDir dir;
  const auto out = dir.path() / "out.jsonl";
  const auto done = run(kRecord + " --cmd " + quoted(kBackend + " --port {port} --seed {seed}") +
                            " --seeds 42,123,456 --policy shortest --out " + out.string(),
                        dir.path());
  ASSERT_EQ(done.status, (ExitStatus{false, 0})) << done.stderr_text;
  ExpectEquivalentToGolden(out, "4x4-shortest.jsonl");
  EXPECT_EQ(done.stderr_text.find("started http"), std::string::npos)
      << "a per-environment run starts no shared server";
}

TEST(RecordProgram, SpeaksStdioWithOneProcessPerEnvironment) {
  TempDir dir;
  const auto out = dir.path() / "out.jsonl";
  const auto done =
      run(kRecord + " --transport stdio --cmd " + quoted(kBackend + " --transport stdio") +
              " --seeds 42,123,456 --policy shortest --out " + out.string(),
          dir.path());
  ASSERT_EQ(done.status, (ExitStatus{false, 0})) << done.stderr_text;
  ExpectEquivalentToGolden(out, "4x4-shortest.jsonl");
}

TEST(RecordProgram, AnImplementationThatDiesIsExitStatusOne) {
  TempDir dir;
  const auto done = run(kRecord + " --cmd '/bin/sh -c \"echo broken >&2; exit 3\"' --log-dir " +
                            (dir.path() / "logs").string(),
                        dir.path());
  EXPECT_EQ(done.status, (ExitStatus{false, 1})) << done.stderr_text;
  EXPECT_NE(done.stderr_text.find("[mcpgym.process.exited_early]"), std::string::npos)
      << done.stderr_text;
  EXPECT_NE(done.stderr_text.find("broken"), std::string::npos) << done.stderr_text;
}

TEST(RecordProgram, BadFlagsAreExitStatusTwo) {
  TempDir dir;
  const auto neither = run(kRecord + " --seeds 1", dir.path());
  EXPECT_EQ(neither.status, (ExitStatus{false, 2}));
  EXPECT_EQ(neither.stderr_text,
            "mcpgym-record: [mcpgym.cli.invalid_value] give exactly one of --cmd and --url\n");
  const auto policy = run(kRecord + " --url http://127.0.0.1:1/mcp --policy greedy", dir.path());
  EXPECT_EQ(policy.status, (ExitStatus{false, 2}));
  EXPECT_EQ(policy.stderr_text,
            "mcpgym-record: [mcpgym.cli.invalid_value] --policy 'greedy' is not a policy; "
            "expected scripted:<actions>, random:<seed>, shortest or replay:<file>\n");
}

TEST(PlayProgram, RecognisesTheGameAndPlaysItsExampleEpisode) {
  testkit::InProcessBackend backend;
  TempDir dir;
  const auto done = run(kPlay + " --url " + backend.url() + " --seed 42", dir.path());
  ASSERT_EQ(done.status, (ExitStatus{false, 0})) << done.stderr_text;
  EXPECT_EQ(done.stderr_text,
            "mcpgym-play: recognised frozenlake (tool lake_move, actions LEFT, DOWN, RIGHT, UP) "
            "from tools/list\n");
  EXPECT_NE(done.stdout_text.find("step 1: DOWN "), std::string::npos) << done.stdout_text;
  EXPECT_NE(done.stdout_text.find("episode over after"), std::string::npos) << done.stdout_text;
}

TEST(PlayProgram, PlaysTheNamedGameWithActionNames) {
  testkit::InProcessBackend backend;
  TempDir dir;
  const auto done =
      run(kPlay + " --url " + backend.url() + " --game frozenlake --actions LEFT,up", dir.path());
  ASSERT_EQ(done.status, (ExitStatus{false, 0})) << done.stderr_text;
  EXPECT_EQ(done.stderr_text, "");
  EXPECT_NE(done.stdout_text.find("step 1: LEFT "), std::string::npos) << done.stdout_text;
  EXPECT_NE(done.stdout_text.find("step 2: UP "), std::string::npos) << done.stdout_text;
  EXPECT_NE(done.stdout_text.find("episode over after 2 steps"), std::string::npos)
      << done.stdout_text;
}

TEST(PlayProgram, PlaysAnUnknownGameByNameAndNeedsItsActions) {
  testing_disguise::DisguisedBackend backend;
  TempDir dir;
  const auto played = run(kPlay + " --url " + backend.url() + " --actions WEST,NORTH", dir.path());
  ASSERT_EQ(played.status, (ExitStatus{false, 0})) << played.stderr_text;
  EXPECT_NE(played.stdout_text.find("step 2: NORTH "), std::string::npos) << played.stdout_text;
  const auto refused = run(kPlay + " --url " + backend.url(), dir.path());
  EXPECT_EQ(refused.status, (ExitStatus{false, 2}));
  EXPECT_EQ(refused.stderr_text,
            "mcpgym-play: playing the game of tool maze_walk (actions WEST, SOUTH, EAST, NORTH) "
            "from tools/list\n"
            "mcpgym-play: [mcpgym.cli.invalid_value] --actions is needed for the game of tool "
            "maze_walk (actions WEST, SOUTH, EAST, NORTH): the harness has no example episode "
            "for it\n");
}

TEST(PlayProgram, RefusesBadFlagsBeforeConnecting) {
  TempDir dir;
  const auto game = run(kPlay + " --url http://127.0.0.1:1/mcp --game chess", dir.path());
  EXPECT_EQ(game.status, (ExitStatus{false, 2}));
  EXPECT_EQ(game.stderr_text,
            "mcpgym-play: [mcpgym.cli.invalid_value] --game 'chess' is not a game the harness "
            "knows; expected one of " +
                known_game_names() + "\n");
  const auto actions =
      run(kPlay + " --url http://127.0.0.1:1/mcp --game frozenlake --actions RX", dir.path());
  EXPECT_EQ(actions.status, (ExitStatus{false, 2}));
  EXPECT_EQ(actions.stderr_text,
            "mcpgym-play: [mcpgym.cli.invalid_value] scripted policy actions are LEFT, DOWN, "
            "RIGHT, UP (names separated by commas) or their letters L, D, R, U; got 'RX'\n");
}

// The TypeScript SDK example (fixtures/servers/ts-frozenlake) answers with SSE
// and was written without this project's code: a rollout through it proves the
// harness interoperates with servers it did not come from.
TEST(ThirdPartyInterop, RolloutAgainstTheTypeScriptSdkServer) {
  if (!node_fixture::node_and_npm_installed()) GTEST_SKIP() << node_fixture::kSkipMessage;
  TempDir dir;
  auto app = node_fixture::install("ts-frozenlake", dir.path(), dir.path() / "logs");
  ASSERT_TRUE(app.has_value()) << app.error();
  auto server = node_fixture::start(*app, dir.path() / "logs");
  ASSERT_TRUE(server.has_value()) << server.error();

  const json classic = {{"desc", {"SFFF", "FHFH", "FFFH", "HFFG"}}};
  std::vector<EnvironmentSpec> envs = {
      {0, classic}, {1, classic}, {2, {{"desc", {"SFH", "FFF", "HFG"}}}}};
  auto connector = url_connector((*server)->url());
  RolloutOptions options;
  options.max_steps = 20;
  const auto result = run_rollout(*connector, envs, shortest_path_policy(), options);
  for (const auto& env : result.envs) {
    SCOPED_TRACE(env.describe());
    ASSERT_FALSE(env.error);
    EXPECT_TRUE(env.terminated);
    EXPECT_EQ(env.total_reward, 1.0);
    ASSERT_GT(env.lines.size(), 1U);
    // The SDK server prints rewards as integers; the recording holds doubles.
    EXPECT_EQ(env.lines.back().messages.back()["metadata"]["control_plane"]["reward"].dump(),
              "1.0");
  }
  EXPECT_EQ(result.envs[0].steps, 6);
  EXPECT_EQ((*server)->stop(), (ExitStatus{false, 0}));
}

}  // namespace
}  // namespace mcpgym::harness
