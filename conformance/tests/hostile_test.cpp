// mcpgym-conform and mcpgym-record against every mode of mcpgym-hostile-server
// (conformance/tests/hostile/): each run ends before its deadline, stays under
// a memory bound, leaves complete reports (or a valid recording), gives a
// verdict that is not a pass, names the fault, and leaves no process behind.
// One test per mode, so ctest -j overlaps them.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/fd_io.hpp"
#include "conformance/tests/support.hpp"
#include "harness/process/supervisor.hpp"

extern char** environ;

namespace mcpgym::conformance::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Bounds stated in docs/reliability.md ("Deadlines and hostile implementations").
constexpr long kMaxRssKiB = 256 * 1024;                    // peak memory of either program
constexpr std::uintmax_t kMaxLogBytes = 64 * 1024 * 1024;  // logs kept of one run
constexpr auto kConformDeadline = 40s;  // its own --timeout is 20 s; killed and failed beyond this
constexpr auto kRecordDeadline = 20s;   // its --run-timeout is 4 s

// The one table of what each mode must produce. `fault` must appear in the
// conform report or output, `record_fault` in mcpgym-record's stderr ('|'
// separates alternatives).
// `waits_for` names the part of issue 9 whose merge makes the row pass.
struct HostileCase {
  std::string name;
  std::string mode;
  bool stdio = false;
  std::string fault;
  std::string record_fault;
  std::string waits_for;
};

// gtest shows a parameter by its name, not its bytes.
void PrintTo(const HostileCase& c, std::ostream* os) {
  *os << c.name;
}

const std::string kPolite = "implements only initialize";

const std::vector<HostileCase>& cases() {
  static const std::vector<HostileCase> all = {
      {"hang", "hang", false, "[mcpgym.http_client.hang]", "[mcpgym.http_client.hang]", "client"},
      {"drip", "drip", false, "[mcpgym.http_client.deadline]", "[mcpgym.http_client.deadline]",
       "client"},
      {"endless_body", "endless-body", false, "[mcpgym.http_client.body_too_large]",
       "[mcpgym.http_client.body_too_large]", "client"},
      {"huge_body", "huge-body", false, "[mcpgym.http_client.body_too_large]",
       "[mcpgym.http_client.body_too_large]", "client"},
      {"garbage", "garbage", false, "[mcpgym.http_client.bad_status_line]",
       "[mcpgym.http_client.bad_status_line]", "client"},
      {"deep_json", "deep-json", false, "[mcpgym.json.too_deep]", "[mcpgym.json.too_deep]",
       "client"},
      {"many_headers", "many-headers", false, "[mcpgym.http_client.too_many_headers]",
       "[mcpgym.http_client.too_many_headers]", "client"},
      {"huge_header", "huge-header", false, "[mcpgym.http_client.head_too_large]",
       "[mcpgym.http_client.head_too_large]", "client"},
      {"bad_status_line", "bad-status-line", false, "[mcpgym.http_client.bad_status_line]",
       "[mcpgym.http_client.bad_status_line]", "client"},
      {"reset_mid_body", "reset-mid-body", false, "[mcpgym.http_client.reset]",
       "[mcpgym.http_client.reset]", "client"},
      // The answer arrives before the stream's endless comments: the client must
      // stop reading at the answer, and then sees it.
      {"sse_no_end", "sse-no-end", false, "hostile server (mode sse-no-end) " + kPolite,
       "hostile server (mode sse-no-end) " + kPolite, "client"},
      {"sse_no_answer", "sse-no-answer", false, "[mcpgym.http_client.deadline]",
       "[mcpgym.http_client.deadline]", "client"},
      {"false_ready", "false-ready", false, "[mcpgym.http_client.refused]",
       "[mcpgym.http_client.refused]", "client"},
      {"no_accept", "no-accept", false, "[mcpgym.http_client.hang]", "[mcpgym.http_client.hang]",
       "client"},
      {"crash_mid_check", "crash-mid-check", false, "the implementation exited (exit status 3)",
       "FAILED after 0 step(s)", ""},
      {"escaping_grandchild", "escaping-grandchild", false,
       "hostile server (mode "
       "escaping-grandchild) " +
           kPolite,
       "hostile server (mode escaping-grandchild) " + kPolite, "supervisor"},
      {"log_flood", "log-flood", false, "hostile server (mode log-flood) " + kPolite,
       "hostile server (mode log-flood) " + kPolite, "supervisor"},
      // Over stdio the 8 sessions of the check start one after another, so the
      // check's own deadline may come before the calls' deadlines.
      {"stdio_hang", "hang", true, "no answer on stdout within|the implementation hung",
       "no answer on stdout within", ""},
      {"stdio_garbage", "garbage", true, "a line on stdout is not JSON",
       "a line on stdout is not JSON", "client"},
      {"stdio_deep_json", "deep-json", true, "[mcpgym.json.too_deep]", "[mcpgym.json.too_deep]",
       "client"},
      {"stdio_endless_line", "endless-line", true, "[mcpgym.client.line_too_long]",
       "[mcpgym.client.line_too_long]", "client"},
      {"stdio_log_flood", "log-flood", true, "hostile server (mode log-flood) " + kPolite,
       "hostile server (mode log-flood) " + kPolite, "supervisor"},
  };
  return all;
}

// Whether `text` contains one of the '|'-separated alternatives of `fault`.
bool names_fault(const std::string& text, const std::string& fault) {
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = fault.find('|', start);
    if (text.find(fault.substr(start, bar - start)) != std::string::npos) return true;
    if (bar == std::string::npos) return false;
    start = bar + 1;
  }
}

std::string slurp(const fs::path& path) {
  auto text = read_whole_file(path);
  return text ? *text : std::string();
}

// A program run to its end or killed at `deadline`, with its peak memory.
struct ProgramRun {
  int exit_code = -1;  // -1: killed by a signal
  bool timed_out = false;
  long max_rss_kib = 0;
  std::chrono::milliseconds took{0};
  std::string out, err;
};

// posix_spawn, then a pidfd polled until the deadline: no sleep, no busy loop.
ProgramRun run_with_deadline(const std::vector<std::string>& argv, const fs::path& dir,
                             std::chrono::milliseconds deadline) {
  const fs::path out = dir / "program.stdout", err = dir / "program.stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ProgramRun run;
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    run.err = "posix_spawn failed: " + std::string(std::strerror(spawned));
    return run;
  }
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  pollfd p{pidfd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(deadline.count())) == 0) {
    run.timed_out = true;
    ::kill(pid, SIGKILL);  // its children die with it (PR_SET_PDEATHSIG)
  }
  ::close(pidfd);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  run.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.max_rss_kib = usage.ru_maxrss;
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

// The hostile server's processes (each appends its pid to the pid file) that
// are still alive; a zombie is gone. Checked by command line, not pid alone.
std::vector<pid_t> leftovers(const fs::path& pid_file) {
  std::vector<pid_t> alive;
  std::istringstream lines(slurp(pid_file));
  for (pid_t pid; lines >> pid;) {
    const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    const auto state_at = stat.rfind(')');
    if (state_at == std::string::npos || stat.substr(state_at + 2, 1) == "Z") continue;
    if (slurp("/proc/" + std::to_string(pid) + "/cmdline").find("mcpgym-hostile-server") ==
        std::string::npos)
      continue;
    alive.push_back(pid);
  }
  return alive;
}

// The figures docs/reliability.md quotes: peak memory and wall time per run.
void report_figures(const std::string& program, const HostileCase& c, const ProgramRun& run) {
  std::cout << "figures: " << program << " mode " << c.mode << (c.stdio ? " (stdio)" : "")
            << ": peak " << run.max_rss_kib / 1024 << " MiB, " << run.took.count() << " ms, exit "
            << run.exit_code << (run.timed_out ? " (killed at the test's deadline)" : "") << "\n";
}

// Kills what the run left behind (only our own, by pid) and says what it was.
std::string reap_leftovers(const fs::path& pid_file) {
  std::string text;
  for (pid_t pid : leftovers(pid_file)) {
    ::kill(pid, SIGKILL);
    text += (text.empty() ? "" : ", ") + std::to_string(pid);
  }
  return text;
}

std::uintmax_t bytes_under(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

std::string hostile_command(const HostileCase& c, const fs::path& pid_file) {
  std::string command = harness::template_word((bin_dir() / "mcpgym-hostile-server").string()) +
                        " --mode " + c.mode + " --pid-file " +
                        harness::template_word(pid_file.string());
  return command + (c.stdio ? " --transport stdio" : " --port {port}");
}

// XML "well-formed enough": a declaration-less or declared document whose
// root element closes at its end.
bool balanced_root(const std::string& xml) {
  std::size_t start = xml.find('<');
  while (start != std::string::npos &&
         (xml.compare(start, 2, "<?") == 0 || xml.compare(start, 4, "<!--") == 0)) {
    start = xml.find('<', start + 1);
  }
  if (start == std::string::npos) return false;
  const std::size_t name_end = xml.find_first_of(" >/\n", start + 1);
  const std::string root = xml.substr(start + 1, name_end - start - 1);
  const std::size_t last = xml.find_last_not_of(" \n\r\t");
  const std::string closing = "</" + root + ">";
  return !root.empty() && last != std::string::npos && last + 1 >= closing.size() &&
         xml.compare(last + 1 - closing.size(), closing.size(), closing) == 0;
}

class Hostile : public ::testing::TestWithParam<HostileCase> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mcpgym-hostile-" + GetParam().name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  // Always: a failure's message carries the output and the report, and a
  // flooded log is large.
  void TearDown() override { fs::remove_all(dir_); }

  // One check that makes one call after initialize, so the call's own deadline
  // (5 s), not the check's (8 s), ends a hang and the client's message names
  // it. (metadata.no-call-after-end makes three calls in a row against a hung
  // server; NoVacuousVerdicts below runs it, and the rest of the suite.)
  static constexpr const char* kOnly = "lifecycle.tools-list";

  void expect_no_leftover(const fs::path& pid_file) {
    const std::string left = reap_leftovers(pid_file);
    EXPECT_EQ(left, "") << "processes of the hostile server outlived the run (now killed)";
  }

  fs::path dir_;
};

TEST_P(Hostile, ConformEndsReportsAndNamesTheFault) {
  const HostileCase& c = GetParam();
  const fs::path pid_file = dir_ / "conform.pids", reports = dir_ / "reports", work = dir_ / "work";
  std::vector<std::string> argv = {(bin_dir() / "mcpgym-conform").string(),
                                   "--profile",
                                   "backend",
                                   c.stdio ? "--stdio" : "--cmd",
                                   hostile_command(c, pid_file),
                                   "--only",
                                   kOnly,
                                   "--report-dir",
                                   reports.string(),
                                   "--work-dir",
                                   work.string(),
                                   "--timeout",
                                   "20",
                                   "--check-timeout",
                                   "8",
                                   "--quiet"};
  const ProgramRun run = run_with_deadline(argv, dir_, kConformDeadline);
  report_figures("mcpgym-conform", c, run);
  const std::string context =
      "mode " + c.mode + (c.stdio ? " (stdio)" : "") +
      (c.waits_for.empty() ? "" : ", needs the " + c.waits_for + " part of issue 9") +
      "\nstdout:\n" + run.out.substr(0, 4000) + "\nstderr:\n" + run.err.substr(0, 4000);
  EXPECT_FALSE(run.timed_out) << "still running after " << kConformDeadline.count() << " s; "
                              << context;
  EXPECT_EQ(run.exit_code, 1) << context;
  EXPECT_LT(run.max_rss_kib, kMaxRssKiB) << context;

  const std::string json_text = slurp(reports / "report.json");
  auto report = parse_json(json_text);
  EXPECT_TRUE(report.has_value()) << "report.json: " << (report ? "" : report.error().message)
                                  << "\n"
                                  << context;
  EXPECT_TRUE(balanced_root(slurp(reports / "junit.xml"))) << "junit.xml\n" << context;
  EXPECT_NE(slurp(reports / "report.md").find("# "), std::string::npos) << "report.md\n" << context;
  EXPECT_TRUE(names_fault(json_text + run.out + run.err, c.fault))
      << "expected the fault named: " << c.fault << "\n"
      << context << "\nreport.json:\n"
      << json_text.substr(0, 6000);
  EXPECT_LT(bytes_under(work), kMaxLogBytes) << "logs kept without bound; " << context;
  expect_no_leftover(pid_file);
}

TEST_P(Hostile, RecordEndsWritesWholeLinesAndNamesTheFault) {
  const HostileCase& c = GetParam();
  const fs::path pid_file = dir_ / "record.pids", out = dir_ / "run.jsonl", logs = dir_ / "logs";
  std::vector<std::string> argv = {(bin_dir() / "mcpgym-record").string(),
                                   "--cmd",
                                   hostile_command(c, pid_file),
                                   "--seeds",
                                   "1,2",
                                   "--timeout",
                                   "1000",
                                   "--run-timeout",
                                   "4000",
                                   "--ready-timeout",
                                   "3000",
                                   "--out",
                                   out.string(),
                                   "--log-dir",
                                   logs.string()};
  if (c.stdio) {
    argv.push_back("--transport");
    argv.push_back("stdio");
  }
  const ProgramRun run = run_with_deadline(argv, dir_, kRecordDeadline);
  report_figures("mcpgym-record", c, run);
  const std::string context =
      "mode " + c.mode + (c.stdio ? " (stdio)" : "") +
      (c.waits_for.empty() ? "" : ", needs the " + c.waits_for + " part of issue 9") +
      "\nstderr:\n" + run.err.substr(0, 4000);
  EXPECT_FALSE(run.timed_out) << "still running after " << kRecordDeadline.count() << " s; "
                              << context;
  EXPECT_EQ(run.exit_code, 1) << context;
  EXPECT_LT(run.max_rss_kib, kMaxRssKiB) << context;
  EXPECT_TRUE(fs::exists(out)) << context;
  std::istringstream lines(slurp(out));
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(parse_json(line).has_value()) << "a recording line that is not JSON\n" << context;
  }
  EXPECT_TRUE(names_fault(run.err, c.record_fault))
      << "expected the fault named: " << c.record_fault << "\n"
      << context;
  EXPECT_LT(bytes_under(logs), kMaxLogBytes) << "logs kept without bound; " << context;
  expect_no_leftover(pid_file);
}

INSTANTIATE_TEST_SUITE_P(Modes, Hostile, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

// --- whole-run deadlines -------------------------------------------------------

// The run's deadline, not each call's, ends these runs: the calls' own
// deadlines are far longer than the run's.
TEST(RunDeadline, ConformWritesEveryReportWhenItsRunIsCut) {
  const fs::path dir =
      fs::temp_directory_path() / ("mcpgym-run-deadline-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const HostileCase hang{"hang", "hang", false, "", "", ""};
  const ProgramRun run = run_with_deadline(
      {(bin_dir() / "mcpgym-conform").string(), "--profile", "backend", "--cmd",
       hostile_command(hang, dir / "pids"), "--only", "lifecycle.*", "--report-dir",
       (dir / "reports").string(), "--timeout", "2", "--check-timeout", "60", "--quiet"},
      dir, kConformDeadline);
  EXPECT_FALSE(run.timed_out) << run.err;
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const std::string json_text = slurp(dir / "reports" / "report.json");
  EXPECT_TRUE(parse_json(json_text).has_value()) << json_text.substr(0, 2000);
  EXPECT_NE(json_text.find("not run: the whole run's deadline of 2.0 s had passed"),
            std::string::npos)
      << json_text.substr(0, 4000);
  const std::string junit = slurp(dir / "reports" / "junit.xml");
  EXPECT_TRUE(balanced_root(junit)) << junit.substr(0, 2000);
  EXPECT_NE(junit.find("lifecycle.version-unknown"), std::string::npos) << "every check is listed";
  EXPECT_NE(slurp(dir / "reports" / "report.md").find("# "), std::string::npos);
  EXPECT_EQ(reap_leftovers(dir / "pids"), "");
  fs::remove_all(dir);
}

TEST(RunDeadline, RecordCutsEveryEnvironmentNamesThemAndWritesWholeLines) {
  const fs::path dir =
      fs::temp_directory_path() / ("mcpgym-record-deadline-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const HostileCase silent{"sse_no_answer", "sse-no-answer", false, "", "", ""};
  const ProgramRun run = run_with_deadline(
      {(bin_dir() / "mcpgym-record").string(), "--cmd", hostile_command(silent, dir / "pids"),
       "--seeds", "1,2", "--timeout", "600000", "--run-timeout", "1500", "--out",
       (dir / "run.jsonl").string(), "--log-dir", (dir / "logs").string()},
      dir, kRecordDeadline);
  EXPECT_FALSE(run.timed_out) << run.err;
  EXPECT_EQ(run.exit_code, 1) << run.err;
  for (const char* env : {"env 0 (seed 1)", "env 1 (seed 2)"}) {
    EXPECT_NE(run.err.find(std::string("mcpgym-record: [mcpgym.record.run_deadline] ") + env +
                           " cut after 0 step(s): the run passed its deadline (--run-timeout "
                           "1500 ms); the implementation is stopped and the steps so far are "
                           "kept\n"),
              std::string::npos)
        << run.err;
  }
  EXPECT_TRUE(fs::exists(dir / "run.jsonl")) << run.err;
  EXPECT_EQ(slurp(dir / "run.jsonl"), "");
  EXPECT_EQ(reap_leftovers(dir / "pids"), "");
  fs::remove_all(dir);
}

// --- no vacuous verdicts ------------------------------------------------------

// The only checks that may pass against a server that answers nothing useful,
// each with why passing says nothing false about it. Every other check must
// fail, error or skip with its reason: a pass would be a verdict on nothing.
const std::map<std::string, std::string>& allowed_passes() {
  static const std::map<std::string, std::string> allowed = {
      // empty-result over stdio answers every request with {"result": {}}: the
      // framing rules hold for those answers, whatever they say.
      {"lifecycle.stdio-line-delimited",
       "STDIO-001: the answers did come, one JSON message per line"},
      {"lifecycle.stdio-stdout-messages-only",
       "STDIO-002: stdout did carry only JSON-RPC messages (empty results)"},
  };
  return allowed;
}

Profile hostile_profile(const std::string& mode, bool stdio) {
  Profile profile;
  profile.name = "hostile " + mode + (stdio ? " (stdio)" : "");
  profile.launch = stdio ? LaunchMode::kStdio : LaunchMode::kSpawn;
  profile.command = harness::template_word((bin_dir() / "mcpgym-hostile-server").string()) +
                    " --mode " + mode + " --from-start" +
                    (stdio ? " --transport stdio" : " --port {port}");
  profile.control = {ControlPlane::kResources, ControlPlane::kHttp};
  profile.features = {Feature::kSlippery, Feature::kTruncation, Feature::kGymnasiumMaps,
                      Feature::k8x8};
  profile.ready_timeout = 3s;
  return profile;
}

void expect_nothing_passes(const Profile& profile) {
  const auto results = run_checks(profile, {"*"}, 5s);
  EXPECT_GT(results.size(), 60u);
  int judged = 0;
  for (const auto& r : results) {
    if (r.verdict != Verdict::kSkip) ++judged;
    if (r.verdict == Verdict::kPass && !allowed_passes().contains(r.id)) {
      ADD_FAILURE() << "passed against " << profile.name
                    << ", which answers nothing useful: " << describe(r);
    }
  }
  EXPECT_GT(judged, 20) << "almost everything skipped: the profile does not reach the checks";
}

TEST(NoVacuousVerdicts, NothingUsefulOverHttpPassesNoCheck) {
  expect_nothing_passes(hostile_profile("garbage", false));
}

TEST(NoVacuousVerdicts, NothingUsefulOverStdioPassesNoCheck) {
  expect_nothing_passes(hostile_profile("garbage", true));
}

TEST(NoVacuousVerdicts, EmptyResultsOverHttpPassNoCheck) {
  expect_nothing_passes(hostile_profile("empty-result", false));
}

TEST(NoVacuousVerdicts, EmptyResultsOverStdioPassOnlyTheFramingChecks) {
  expect_nothing_passes(hostile_profile("empty-result", true));
}

}  // namespace
}  // namespace mcpgym::conformance::testing
