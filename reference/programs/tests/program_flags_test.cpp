// REF-003: --help and bad flags of mcpgym-frozenlake.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <stdexcept>

#include "reference/programs/tests/support/child_process.hpp"

namespace mcpgym::wiretest {
namespace {

using namespace std::chrono_literals;
using testing::HasSubstr;
using testing::StartsWith;

const std::string kBinary = MCPGYM_FROZENLAKE_BIN;

struct Finished {
  ExitStatus status;
  std::string out;
  std::string err;
};

Finished run_to_exit(const std::vector<std::string>& args) {
  ChildProcess process(kBinary, args);
  const auto status = process.wait_for_exit(10s);
  if (!status) {
    throw std::runtime_error("waited 10 s for mcpgym-frozenlake to exit; stderr: " +
                             process.stderr_text());
  }
  return {*status, process.read_rest(5s), process.stderr_text()};
}

TEST(ProgramFlags, HelpPrintsUsageOnStdoutAndExits0_REF003) {
  const Finished run = run_to_exit({"--help"});
  EXPECT_EQ(run.status, Exited(0));
  EXPECT_THAT(run.out, StartsWith("usage: mcpgym-frozenlake [flags]\n"));
  for (const char* flag :
       {"--help", "--port N", "--host ADDR", "--seed N", "--transport http|stdio",
        "--control-plane resources|http|both", "--session-idle-timeout SECONDS", "--max-body BYTES",
        "--threads N", "--max-connections N", "--request-timeout SECONDS",
        "--keep-alive-timeout SECONDS", "--log-level error|warn|info|debug",
        "--convention mcpgym|eval-protocol"}) {
    EXPECT_THAT(run.out, HasSubstr(std::string("\n  ") + flag)) << flag;
  }
  EXPECT_EQ(run.err, "");
}

TEST(ProgramFlags, HelpListsTheTestingFlagsUnderTheirOwnHeading) {
  const Finished run = run_to_exit({"--help"});
  EXPECT_EQ(run.status, Exited(0));
  const auto heading = run.out.find("\ntesting (");
  ASSERT_NE(heading, std::string::npos) << run.out;
  for (const char* flag : {"--exit-after-calls N", "--fault NAME", "--audit-dir DIR",
                           "--lenient-accept", "--strict-get"}) {
    const auto at = run.out.find(std::string("\n  ") + flag);
    EXPECT_NE(at, std::string::npos) << flag;
    EXPECT_GT(at, heading) << flag << " is not under the testing heading";
  }
  for (const char* fault : {"new-session-per-request",
                            "shared-state",
                            "ignore-seed",
                            "no-hole-termination",
                            "moves-after-end",
                            "stale-status",
                            "empty-control-plane",
                            "terminate-after-first-step",
                            "handle-from-seed",
                            "handle-ignored",
                            "control-cacheable",
                            "unknown-handle-creates",
                            "ignore-config",
                            "unknown-key-creates",
                            "key-joins-environment",
                            "unknown-tool-as-tool-error",
                            "unknown-resource-code-zero",
                            "ansi-grid",
                            "lenient-reset",
                            "control-skips-origin",
                            "header-not-validated"}) {
    EXPECT_THAT(run.out, HasSubstr(fault));
  }
}

TEST(ProgramFlags, AuditDirThatCannotBeCreatedExitsWith2BeforeListening) {
  TempDir temp;
  const auto file = temp.path() / "a file";
  { std::ofstream(file) << "not a directory"; }
  const Finished run = run_to_exit({"--port", "0", "--audit-dir", (file / "audit").string()});
  EXPECT_EQ(run.status, Exited(2));
  EXPECT_THAT(run.err, StartsWith("mcpgym-frozenlake: [mcpgym.cli.cannot_audit] cannot write the "
                                  "audit log " +
                                  (file / "audit").string() + ": "));
  EXPECT_THAT(run.err, HasSubstr("; give --audit-dir a writable directory\n"));
  EXPECT_EQ(run.out, "");
}

TEST(ProgramFlags, HelpWinsOverOtherValidFlags_REF003) {
  const Finished run = run_to_exit({"--port", "0", "--help"});
  EXPECT_EQ(run.status, Exited(0));
  EXPECT_THAT(run.out, StartsWith("usage: mcpgym-frozenlake [flags]\n"));
  EXPECT_THAT(run.out, testing::Not(HasSubstr("listening on http://127.0.0.1:")));
  EXPECT_EQ(run.err, "");
}

struct BadFlag {
  std::vector<std::string> args;
  std::string message;  // after "mcpgym-frozenlake: "
};

void PrintTo(const BadFlag& flag, std::ostream* out) {
  for (const auto& arg : flag.args)
    *out << arg << ' ';
}

class ProgramBadFlag : public testing::TestWithParam<BadFlag> {};

TEST_P(ProgramBadFlag, ExitsWithStatus2AndTheWholeMessageOnStderr_REF003) {
  const Finished run = run_to_exit(GetParam().args);
  EXPECT_EQ(run.status, Exited(2));
  EXPECT_EQ(run.err, "mcpgym-frozenlake: " + GetParam().message + "\n");
  EXPECT_EQ(run.out, "");  // in particular no readiness line
}

const std::string kHint = "; run 'mcpgym-frozenlake --help' for usage";
const std::string kFaultExpects =
    "[mcpgym.cli.invalid_value] --fault expects one of new-session-per-request, shared-state, "
    "ignore-seed, no-hole-termination, moves-after-end, stale-status, empty-control-plane, "
    "terminate-after-first-step, handle-from-seed, handle-ignored, control-cacheable, "
    "unknown-handle-creates, ignore-config, unknown-key-creates, key-joins-environment, "
    "unknown-tool-as-tool-error, unknown-resource-code-zero, ansi-grid, lenient-reset, "
    "control-skips-origin, "
    "header-not-validated";

const std::string kConventionNeedsHttp =
    "[mcpgym.cli.invalid_value] --convention eval-protocol needs --transport http and "
    "--control-plane http or both (its control plane is GET /control/* keyed by the client)";

INSTANTIATE_TEST_SUITE_P(
    Flags, ProgramBadFlag,
    testing::Values(
        BadFlag{{"--bogus"}, "[mcpgym.cli.unknown_flag] unknown flag --bogus" + kHint},
        BadFlag{{"--port", "abc"},
                "[mcpgym.cli.invalid_value] --port expects an integer from 0 to 65535; got 'abc'"},
        BadFlag{{"--port", "70000"},
                "[mcpgym.cli.invalid_value] --port expects an integer from 0 to 65535; got "
                "'70000'"},
        BadFlag{{"--port=-1"},
                "[mcpgym.cli.invalid_value] --port expects an integer from 0 to 65535; got '-1'"},
        BadFlag{{"--port", "80x"},
                "[mcpgym.cli.invalid_value] --port expects an integer from 0 to 65535; got '80x'"},
        BadFlag{{"--transport", "tcp"},
                "[mcpgym.cli.invalid_value] --transport expects one of http, stdio; got 'tcp'"},
        BadFlag{{"--seed", "-1"},
                "[mcpgym.cli.invalid_value] --seed expects an integer from 0 to 9007199254740991; "
                "got '-1'"},
        BadFlag{{"--seed", "9007199254740992"},
                "[mcpgym.cli.invalid_value] --seed expects an integer from 0 to 9007199254740991; "
                "got '9007199254740992'"},
        BadFlag{{"--port"}, "[mcpgym.cli.missing_value] flag --port needs a value (N)" + kHint},
        BadFlag{{"--port", "0", "--seed"},
                "[mcpgym.cli.missing_value] flag --seed needs a value (N)" + kHint},
        BadFlag{{"--control-plane", "none"},
                "[mcpgym.cli.invalid_value] --control-plane expects one of resources, http, "
                "both; got 'none'"},
        BadFlag{{"--convention", "reward-kit"},
                "[mcpgym.cli.invalid_value] --convention expects one of mcpgym, eval-protocol; "
                "got 'reward-kit'"},
        BadFlag{{"--convention", "eval-protocol", "--control-plane", "resources"},
                kConventionNeedsHttp},
        BadFlag{{"--convention", "eval-protocol", "--transport", "stdio"}, kConventionNeedsHttp},
        BadFlag{{"--max-body", "10"},
                "[mcpgym.cli.invalid_value] --max-body expects an integer from 1024 to "
                "1073741824; got '10'"},
        BadFlag{{"--threads", "0"},
                "[mcpgym.cli.invalid_value] --threads expects an integer from 1 to 4096; got '0'"},
        BadFlag{{"--max-connections", "0"},
                "[mcpgym.cli.invalid_value] --max-connections expects an integer from 1 to "
                "1000000; got '0'"},
        BadFlag{{"--session-idle-timeout", "-5"},
                "[mcpgym.cli.invalid_value] --session-idle-timeout expects a number from 0 to "
                "31536000; got '-5'"},
        BadFlag{{"--log-level", "loud"},
                "[mcpgym.cli.invalid_value] --log-level expects one of error, warn, info, debug; "
                "got 'loud'"},
        BadFlag{{"--fault", "bogus"}, kFaultExpects + "; got 'bogus'"},
        BadFlag{{"--fault", "ignore-seed", "--fault", "stale-status,bogus"},
                kFaultExpects + "; got 'bogus'"},
        BadFlag{{"--fault", "ignore-seed,"}, kFaultExpects + "; got ''"},
        BadFlag{{"--fault"},
                "[mcpgym.cli.missing_value] flag --fault needs a value (NAME)" + kHint},
        BadFlag{{"--lenient-accept=yes"},
                "[mcpgym.cli.unexpected_value] flag --lenient-accept takes no value" + kHint},
        BadFlag{{"--help=yes"}, "[mcpgym.cli.unexpected_value] flag --help takes no value" + kHint},
        BadFlag{{"stray"}, "[mcpgym.cli.unexpected_argument] unexpected argument 'stray'" + kHint},
        BadFlag{{"-p", "8080"},
                "[mcpgym.cli.unexpected_argument] unexpected argument '-p'" + kHint}),
    [](const testing::TestParamInfo<BadFlag>& info) {
      std::string name;
      for (const auto& arg : info.param.args) {
        for (char c : arg)
          name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        name += '_';
      }
      return name + std::to_string(info.index);
    });

}  // namespace
}  // namespace mcpgym::wiretest
