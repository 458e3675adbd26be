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

// Runs `program` with stdout and stderr in files of `dir`; kills it (by its
// PID only) if it has not finished within 10 s.
Finished run_program(const std::string& program, const TempDir& dir,
                     const std::vector<std::string>& args) {
  const auto out = dir.path() / "stdout.txt";
  const auto err = dir.path() / "stderr.txt";
  bp::child child(bp::exe = program, bp::args = args, bp::std_out > out, bp::std_err > err,
                  bp::std_in < bp::null);
  // Polled: Boost.Process v1's wait_for can sleep out its whole timeout when
  // the child has already exited.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::error_code ec;
  while (child.running(ec) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  if (child.running(ec)) {
    ::kill(child.id(), SIGKILL);  // only the child this test started
    child.wait(ec);
    ADD_FAILURE() << program << " did not finish within 10 s";
  }
  return {child.exit_code(), read_file(out), read_file(err)};
}

Finished run_diff(const TempDir& dir, const std::vector<std::string>& args) {
  return run_program(MCPGYM_DIFF_BIN, dir, args);
}

// Steps 1..steps (a rollout's lines) of `envs` environments, in `format`.
std::vector<RecordedStep> rollout_in(RecordingFormat format, int envs, int steps) {
  std::vector<RecordedStep> lines;
  for (const auto& line : recording(envs, steps)) {
    if (line.step > 0) lines.push_back(convert(line, format));
  }
  return lines;
}

const std::string kMcpgymVersusEvalProtocol =
    "not comparable: seed absent in eval-protocol\n"
    "not comparable: truncated absent in eval-protocol\n"
    "not comparable: total_reward absent in eval-protocol\n"
    "not comparable: info absent in mcpgym\n"
    "not comparable: tool_calls absent in mcpgym\n"
    "not comparable: num_tool_calls absent in mcpgym\n"
    "not comparable: termination_reason absent in mcpgym\n";

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

TEST_F(DiffProgram, AcrossFormatsListsWhatCannotBeComparedAndExits0) {
  const auto mcpgym = file("m.jsonl", rollout_in(RecordingFormat::kMcpgym, 2, 2));
  const auto ep = file("ep.jsonl", rollout_in(RecordingFormat::kEvalProtocol, 2, 2));
  const Finished run = run_diff(dir_, {mcpgym, ep});
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out, kMcpgymVersusEvalProtocol + "equivalent: 4 lines\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(DiffProgram, AcrossFormatsADifferenceExits1) {
  auto changed = rollout_in(RecordingFormat::kEvalProtocol, 2, 2);
  changed[3].messages[5]["metadata"]["terminated"] = true;  // env 1, eval-protocol step 1
  const Finished run = run_diff(dir_, {file("m.jsonl", rollout_in(RecordingFormat::kMcpgym, 2, 2)),
                                       file("ep.jsonl", changed)});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out, kMcpgymVersusEvalProtocol +
                         "env 1, step 2: /messages/5/control_plane/terminated differs: expected "
                         "false, got true\n");
}

TEST_F(DiffProgram, HelpExits0WithUsage) {
  const Finished run = run_diff(dir_, {"--help"});
  EXPECT_EQ(run.status, 0);
  EXPECT_THAT(run.out, StartsWith("usage: mcpgym-diff [flags] EXPECTED.jsonl ACTUAL.jsonl\n"));
  EXPECT_THAT(run.out, HasSubstr("\n  --help"));
  EXPECT_EQ(run.err, "");
}

// mcpgym-record's --format and --convert: nothing runs, one file is rewritten.
class RecordConvert : public DiffProgram {
 protected:
  Finished record(const std::vector<std::string>& args) {
    return run_program(MCPGYM_RECORD_BIN, dir_, args);
  }
};

TEST_F(RecordConvert, ConvertsEvalProtocolsOwnFileIntoThisFormat) {
  const std::string fixture =
      std::string(MCPGYM_SOURCE_DIR) + "/harness/record/tests/eval_protocol_frozenlake.jsonl";
  const auto out = (dir_.path() / "m.jsonl").string();
  const Finished run = record({"--convert", fixture, "--out", out});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.err, "mcpgym-record: read 2 line(s) in eval-protocol from " + fixture +
                         "\nmcpgym-record: wrote 2 line(s) to " + out + " (mcpgym)\n");
  const auto lines = read_recording(out);
  ASSERT_TRUE(lines) << lines.error();
  EXPECT_EQ(lines->back().format, RecordingFormat::kMcpgym);
  EXPECT_EQ(lines->back().step, 2);
  // And back: the same episode, by meaning.
  const Finished back = record({"--convert", out, "--format", "eval-protocol", "--out",
                                (dir_.path() / "ep.jsonl").string()});
  EXPECT_EQ(back.status, 0) << back.err;
  const Finished diff = run_diff(dir_, {fixture, (dir_.path() / "ep.jsonl").string()});
  EXPECT_EQ(diff.status, 1);  // only the termination_reason mcpgym cannot carry is lost
  EXPECT_EQ(diff.out,
            "env 0, step 1: /messages/5/control_plane_step/termination_reason differs: expected "
            "\"control_plane_signal\", got (absent)\n");
}

TEST_F(RecordConvert, AFormatItDoesNotKnowExits2) {
  const Finished run = record({"--convert", "x.jsonl", "--format", "csv", "--out", "y.jsonl"});
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.err,
            "mcpgym-record: [mcpgym.cli.invalid_value] --format expects one of mcpgym, reward-kit, "
            "eval-protocol; got 'csv'\n");
}

TEST_F(RecordConvert, HelpNamesTheDefaultFormat) {
  const Finished run = record({"--help"});
  EXPECT_EQ(run.status, 0);
  EXPECT_THAT(run.out, HasSubstr("--format mcpgym|reward-kit|eval-protocol"));
  EXPECT_THAT(run.out, HasSubstr("(default mcpgym;"));
}

}  // namespace
}  // namespace mcpgym::harness
