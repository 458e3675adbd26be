// mcpgym-diff, the built program: exit statuses 0, 1 and 2 and what it prints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/process.hpp>
#include <chrono>
#include <thread>

#include "harness/record/recording.hpp"
#include "harness/record/tests/conversation.hpp"

namespace mcpgym::harness {
namespace {

namespace bp = boost::process;
using namespace testing_support;
using testing::HasSubstr;
using testing::StartsWith;

struct Finished {
  int status = -1;
  std::string out, err;
};

// Runs mcpgym-diff with stdout and stderr in files of `dir`; kills it (by its
// PID only) if it has not finished within 10 s.
Finished run_diff(const TempDir& dir, const std::vector<std::string>& args) {
  const auto out = dir.path() / "stdout.txt";
  const auto err = dir.path() / "stderr.txt";
  bp::child child(bp::exe = std::string(MCPGYM_DIFF_BIN), bp::args = args, bp::std_out > out,
                  bp::std_err > err, bp::std_in < bp::null);
  // Polled: Boost.Process v1's wait_for can sleep out its whole timeout when
  // the child has already exited.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::error_code ec;
  while (child.running(ec) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  if (child.running(ec)) {
    ::kill(child.id(), SIGKILL);  // only the child this test started
    child.wait(ec);
    ADD_FAILURE() << "mcpgym-diff did not finish within 10 s";
  }
  return {child.exit_code(), read_file(out), read_file(err)};
}

class DiffProgram : public testing::Test {
 protected:
  std::string file(const std::string& name, const std::vector<RecordedStep>& steps) {
    const auto path = dir_.path() / name;
    write_file(path, jsonl(steps));
    return path.string();
  }
  TempDir dir_;
};

TEST_F(DiffProgram, EquivalentRecordingsExit0) {
  const auto expected = file("e.jsonl", recording(2, 3));
  const auto actual =
      file("a.jsonl", recording(2, 3, "toolu_", "6ba7b810-9dad-41d1-80b4-00c04fd430c8"));
  const Finished run = run_diff(dir_, {expected, actual});
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out, "equivalent: 8 lines\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(DiffProgram, ADivergenceExits1WithTheSentence) {
  const auto steps = recording(3, 6);
  auto changed = steps;
  for (auto& line : changed) {
    if (line.env_index == 2 && line.step == 5) {
      line.messages[11]["metadata"]["control_plane"]["reward"] = 1.0;
    }
  }
  const Finished run = run_diff(dir_, {file("e.jsonl", steps), file("a.jsonl", changed)});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out,
            "env 2, step 5: /messages/11/metadata/control_plane/reward differs: expected 0.0, got "
            "1.0\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(DiffProgram, AMissingLineExits1) {
  const auto steps = recording(2, 4);
  auto fewer = steps;
  fewer.erase(fewer.begin() + 8);  // env 1, step 3
  const Finished run = run_diff(dir_, {file("e.jsonl", steps), file("a.jsonl", fewer)});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out, "env 1, step 3: (line) differs: expected a line, got none\n");
}

TEST_F(DiffProgram, AMissingFileExits2) {
  const auto expected = file("e.jsonl", recording(1, 1));
  const auto missing = (dir_.path() / "nope.jsonl").string();
  const Finished run = run_diff(dir_, {expected, missing});
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "mcpgym-diff: [mcpgym.record.io] cannot read " + missing +
                         ": No such file or directory\n");
}

TEST_F(DiffProgram, AFileThatIsNotARecordingExits2) {
  const auto bad = (dir_.path() / "bad.jsonl").string();
  write_file(bad, "{\"env_index\":0,\"step\":0,\"messages\":[]}\nnot json\n");
  const Finished run = run_diff(dir_, {bad, file("a.jsonl", recording(1, 1))});
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "mcpgym-diff: [mcpgym.record.parse_error] " + bad + ":2: not JSON: \"not json\"\n");
}

TEST_F(DiffProgram, WrongNumberOfFilesExits2) {
  const auto one = file("e.jsonl", recording(1, 1));
  for (const auto& args : std::vector<std::vector<std::string>>{{}, {one}, {one, one, one}}) {
    const Finished run = run_diff(dir_, args);
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err,
              "mcpgym-diff: [mcpgym.cli.missing_argument] expected two files, "
              "EXPECTED.jsonl and ACTUAL.jsonl, got " +
                  std::to_string(args.size()) + "; run 'mcpgym-diff --help' for usage\n");
  }
}

TEST_F(DiffProgram, UnknownFlagExits2) {
  const Finished run = run_diff(dir_, {"--fast", "a", "b"});
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "mcpgym-diff: [mcpgym.cli.unknown_flag] unknown flag --fast; run 'mcpgym-diff --help' "
            "for usage\n");
}

TEST_F(DiffProgram, HelpExits0WithUsage) {
  const Finished run = run_diff(dir_, {"--help"});
  EXPECT_EQ(run.status, 0);
  EXPECT_THAT(run.out, StartsWith("usage: mcpgym-diff [flags] EXPECTED.jsonl ACTUAL.jsonl\n"));
  EXPECT_THAT(run.out, HasSubstr("\n  --help"));
  EXPECT_EQ(run.err, "");
}

}  // namespace
}  // namespace mcpgym::harness
