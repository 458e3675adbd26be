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
#include "harness/record/recording.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::harness {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kBackend = MCPGYM_FROZENLAKE_BIN;
const std::string kRecord = MCPGYM_RECORD_BIN;
const fs::path kSource = MCPGYM_SOURCE_DIR;

using mcpgym::test_support::TempDir;

struct Finished {
  ExitStatus status;
  std::string stderr_text;
};

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
  if (!process) return {{false, -1}, process.error()};
  auto status = (*process)->wait_exit(120s);
  if (!status) status = (*process)->stop();
  std::ifstream err((*process)->stderr_log());
  std::stringstream text;
  text << err.rdbuf();
  return {*status, text.str()};
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
            "expected scripted:LDRU..., random:<seed>, shortest or replay:<file>\n");
}

// The TypeScript SDK example (fixtures/servers/ts-frozenlake) answers with SSE
// and was written without this project's code: a rollout through it proves the
// harness interoperates with servers it did not come from.
TEST(ThirdPartyInterop, RolloutAgainstTheTypeScriptSdkServer) {
  if (std::system("command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "Node.js and npm are not installed: the TypeScript SDK interop test needs "
                    "them (apt-get install nodejs npm)";
  }
  TempDir dir;
  const auto app = dir.path() / "ts-frozenlake";
  fs::create_directories(app);
  for (const char* file : {"package.json", "package-lock.json", "server.mjs"}) {
    fs::copy_file(kSource / "fixtures/servers/ts-frozenlake" / file, app / file);
  }
  const auto installed = run("npm ci --no-audit --no-fund", dir.path(), app);
  ASSERT_EQ(installed.status, (ExitStatus{false, 0})) << "npm ci failed:\n"
                                                      << installed.stderr_text;

  LaunchSpec spec;
  spec.command = "node server.mjs --port {port}";
  spec.working_directory = app;
  spec.log_directory = dir.path() / "logs";
  spec.name = "ts-frozenlake";
  auto server = launch(spec);
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
