// Recordings from fixtures/servers/ts-frozenlake-v2 (the TypeScript SDK v2 example) made by
// the built mcpgym-record, in the legacy era (one session per environment) and in the modern
// era (one env_create handle per environment), and compared by the built mcpgym-diff with the
// reference backend's recording of the same seeds and policy: a correct third-party server
// records the same episodes (docs/spec.md REC-009, REC-010; HANDLE-012). Skipped with a
// message where Node.js or npm is missing.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/testing/temp_dir.hpp"
#include "harness/process/tests/node_fixture.hpp"

namespace mcpgym::harness {
namespace {

namespace fs = std::filesystem;
using mcpgym::test_support::TempDir;
using namespace std::chrono_literals;

// Seeds and a goal-seeking policy long enough to end every episode.
const std::string kSeeds = "0,7,42";
// The classic 4x4 map, named: without a map the reference draws one from the seed, as
// gymnasium does, while the TypeScript examples always play the classic one (their README,
// LAKE-001).
const std::string kClassicMap = R"({"desc":["SFFF","FHFH","FFFH","HFFG"]})";

// mcpgym-record against the server `command` starts, to `out`; what it left.
Expected<node_fixture::Finished, std::string> record(const std::string& command,
                                                     const std::string& era, const fs::path& out,
                                                     const fs::path& logs) {
  return node_fixture::run_to_end({MCPGYM_RECORD_BIN,
                                   "--cmd",
                                   command,
                                   "--era",
                                   era,
                                   "--seeds",
                                   kSeeds,
                                   "--config",
                                   kClassicMap,
                                   "--ready-timeout",
                                   "60000",
                                   "--game",
                                   "frozenlake",
                                   "--policy",
                                   "shortest",
                                   "--control-plane",
                                   "resources",
                                   "--log-dir",
                                   (logs / ("impl-" + era)).string(),
                                   "--out",
                                   out.string()},
                                  logs, "record-" + out.stem().string(), 120s);
}

class TsFrozenLakeV2Recording : public testing::Test {
 protected:
  void SetUp() override {
    if (!node_fixture::node_and_npm_installed()) GTEST_SKIP() << node_fixture::kSkipMessage;
    auto app = node_fixture::install("ts-frozenlake-v2", dir_.path(), logs());
    ASSERT_TRUE(app) << app.error();
    server_command_ = "node " + template_word((*app / "server.mjs").string()) + " --port {port}";
    const auto made = record(std::string(MCPGYM_FROZENLAKE_BIN) + " --port {port}", "legacy",
                             reference(), logs());
    ASSERT_TRUE(made) << made.error();
    ASSERT_EQ(made->status, (ExitStatus{false, 0})) << made->err;
  }

  fs::path logs() const { return dir_.path() / "logs"; }
  fs::path reference() const { return dir_.path() / "reference.jsonl"; }

  // Records the TypeScript server in `era` and compares it with the reference's recording.
  void expect_equivalent_in(const std::string& era) {
    const fs::path out = dir_.path() / ("ts-" + era + ".jsonl");
    const auto made = record(server_command_, era, out, logs());
    ASSERT_TRUE(made) << made.error();
    ASSERT_EQ(made->status, (ExitStatus{false, 0})) << made->err;
    const auto diff = node_fixture::run_to_end(
        {MCPGYM_DIFF_BIN, reference().string(), out.string()}, logs(), "diff-" + era, 30s);
    ASSERT_TRUE(diff) << diff.error();
    EXPECT_EQ(diff->status, (ExitStatus{false, 0})) << diff->out << diff->err;
    // The shortest path from the start of the classic map takes 6 moves, for every seed.
    EXPECT_EQ(diff->out, "equivalent: 18 lines\n");
  }

  TempDir dir_;
  std::string server_command_;
};

TEST_F(TsFrozenLakeV2Recording, LegacySessionsRecordTheReferenceEpisodes) {
  expect_equivalent_in("legacy");
}

TEST_F(TsFrozenLakeV2Recording, ModernHandlesRecordTheReferenceEpisodes_HANDLE012) {
  expect_equivalent_in("modern");
}

}  // namespace
}  // namespace mcpgym::harness
