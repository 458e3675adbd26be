// launch() and Process with small /bin/sh children crafted for each behaviour.
#include "harness/process/supervisor.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/fd_io.hpp"
#include "harness/process/bounded_log.hpp"
#include "harness/process/keeper.hpp"
#include "harness/process/tests/support.hpp"

namespace mcpgym::harness {
namespace {

using namespace std::chrono_literals;
using namespace testing;

class Supervisor : public ::testing::Test {
 protected:
  LaunchSpec spec(std::string command, std::string name = "server") const {
    LaunchSpec s;
    s.command = std::move(command);
    s.log_directory = logs();
    s.name = std::move(name);
    s.ready_timeout = 5000ms;
    return s;
  }
  std::filesystem::path logs() const { return dir_.path() / "logs"; }

  TempDir dir_;
};

std::unique_ptr<Process> launch_ok(const LaunchSpec& s) {
  auto process = launch(s);
  EXPECT_TRUE(process.has_value()) << (process ? "" : process.error());
  return process ? std::move(*process) : nullptr;
}

std::string launch_error(const LaunchSpec& s) {
  auto process = launch(s);
  EXPECT_FALSE(process.has_value()) << "launched pid " << (process ? (*process)->pid() : 0);
  return process ? "" : process.error();
}

// --- readiness ---

TEST_F(Supervisor, StdoutLineGivesTheUrlAndThePickedPort) {
  auto p = launch_ok(
      spec(R"(/bin/sh -c 'echo "listening on http://127.0.0.1:{port}/mcp"; exec sleep 100')"));
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->port().has_value());
  EXPECT_EQ(p->url(), "http://127.0.0.1:" + std::to_string(*p->port()) + "/mcp");
  EXPECT_EQ(p->argv()[2], R"(echo "listening on http://127.0.0.1:)" + std::to_string(*p->port()) +
                              R"(/mcp"; exec sleep 100)");
  EXPECT_FALSE(p->poll_exit().has_value());
  EXPECT_EQ(p->stdin_fd(), -1);
  EXPECT_EQ(p->stdout_fd(), -1);
}

TEST_F(Supervisor, GivenPortIsUsed) {
  auto s = spec(R"(/bin/sh -c 'echo "listening on http://127.0.0.1:{port}/mcp"; exec sleep 100')");
  s.values["port"] = "41237";  // never bound: the child only prints it
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->port(), 41237);
  EXPECT_EQ(p->url(), "http://127.0.0.1:41237/mcp");
}

TEST_F(Supervisor, PatternWithoutCaptureGroupGivesTheDefaultUrl) {
  auto s = spec(R"(/bin/sh -c 'echo "up and running"; exec sleep 100' {port})");
  s.readiness.pattern = "up and running";
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->url(), "http://127.0.0.1:" + std::to_string(*p->port()) + "/mcp");
}

TEST_F(Supervisor, ReadinessSkipsEarlierLines) {
  auto p = launch_ok(spec(
      R"(/bin/sh -c 'echo starting; printf "listening on http://h:1/mcp\r\n"; exec sleep 100')"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->url(), "http://h:1/mcp");
  EXPECT_FALSE(p->port().has_value());
}

TEST_F(Supervisor, NoneIsReadyAtOnce) {
  auto s = spec("sleep 100");
  s.readiness.kind = ReadinessKind::kNone;
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->url(), "");
  EXPECT_EQ(p->stop(2s).describe(), "killed by signal 15 (SIGTERM)");
}

TEST_F(Supervisor, WorkingDirectoryIsHonoured) {
  const auto work = dir_.path() / "work dir";
  std::filesystem::create_directories(work);
  auto s = spec(R"(/bin/sh -c 'pwd -P; exec sleep 100')");
  s.working_directory = work;
  s.readiness.pattern = "^(/.*)$";
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->url(), std::filesystem::canonical(work).string());
}

TEST_F(Supervisor, RelativeProgramIsFoundFromTheWorkingDirectory) {
  const auto work = dir_.path() / "work";
  std::filesystem::create_directories(work / "bin");
  write_file(work / "bin" / "server.sh", "#!/bin/sh\necho \"ready $0\"\nexec sleep 100\n");
  std::filesystem::permissions(work / "bin" / "server.sh", std::filesystem::perms::owner_all);
  auto s = spec("./bin/server.sh");
  s.working_directory = work;
  s.readiness.pattern = "^ready (.*)$";
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  // A #! script sees the path it was executed by.
  EXPECT_EQ(p->url(), (work / "bin" / "server.sh").string());
}

TEST_F(Supervisor, Argv0IsTheWordAsWritten) {
  auto s = spec(
      R"cmd(sh -c 'echo "argv0 $(tr "\0" "\n" < /proc/$$/cmdline | head -n 1)"; exec sleep 100')cmd");
  s.readiness.pattern = "^argv0 (.*)$";
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->url(), "sh");
}

TEST_F(Supervisor, ProbeReadinessPollsUntilTrue) {
  std::mutex mu;
  std::vector<std::string> urls;
  auto s = spec(R"(/bin/sh -c 'exec sleep 100' {port})");
  s.readiness.kind = ReadinessKind::kProbe;
  s.readiness.probe = [&](const std::string& url) {
    std::lock_guard lock(mu);
    urls.push_back(url);
    return urls.size() == 3;
  };
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  const std::string expected = "http://127.0.0.1:" + std::to_string(*p->port()) + "/mcp";
  EXPECT_EQ(p->url(), expected);
  EXPECT_EQ(urls, (std::vector<std::string>(3, expected)));
}

TEST_F(Supervisor, ProbeThatNeverSucceedsIsNotReady) {
  std::atomic<int> calls{0};
  auto s = spec(R"(/bin/sh -c 'echo "probe me" >&2; exec sleep 100' {port})");
  s.values["port"] = "41238";
  s.readiness.kind = ReadinessKind::kProbe;
  s.readiness.probe = [&](const std::string&) {
    ++calls;
    return false;
  };
  s.ready_timeout = 300ms;
  const std::string error = launch_error(s);
  EXPECT_EQ(error,
            "[mcpgym.process.not_ready] '/bin/sh -c 'echo \"probe me\" >&2; exec sleep 100' "
            "41238' did not become ready within 300 ms (waited for "
            "probe('http://127.0.0.1:41238/mcp') to succeed; it was called " +
                std::to_string(calls.load()) +
                " times) and was stopped (killed by signal 15 (SIGTERM)); if it is only slow, "
                "raise the ready timeout; last lines of stderr:\n  probe me");
  EXPECT_GE(calls.load(), 2);
}

TEST_F(Supervisor, ProbeNoticesAnEarlyExit) {
  std::atomic<int> calls{0};
  auto s = spec(R"(/bin/sh -c 'exit 5' {port})");
  s.values["port"] = "41239";
  s.readiness.kind = ReadinessKind::kProbe;
  s.readiness.probe = [&](const std::string&) {
    ++calls;
    return false;
  };
  const std::string error = launch_error(s);
  const int n = calls.load();
  EXPECT_EQ(error,
            "[mcpgym.process.exited_early] '/bin/sh -c 'exit 5' 41239' exited with "
            "exit status 5 before becoming ready (waited for "
            "probe('http://127.0.0.1:41239/mcp') to succeed; it was called " +
                std::to_string(n) + (n == 1 ? " time" : " times") + "); its stderr was empty");
}

// --- failures before readiness ---

TEST_F(Supervisor, EarlyExitNamesStatusAndStderr) {
  const std::string error =
      launch_error(spec(R"(/bin/sh -c 'echo boom >&2; echo "second line" >&2; exit 3')"));
  EXPECT_EQ(error,
            "[mcpgym.process.exited_early] '/bin/sh -c 'echo boom >&2; echo \"second line\" >&2; "
            "exit 3'' exited with exit status 3 before becoming ready (waited for a stdout line "
            "matching 'listening on (http://\\S+)'; it printed no stdout line); last lines of "
            "stderr:\n  boom\n  second line");
}

TEST_F(Supervisor, EarlyExitQuotesTheLastStdoutLine) {
  const std::string error =
      launch_error(spec(R"(/bin/sh -c 'echo garbage; printf "more\tgarbage"; kill -9 $$')"));
  EXPECT_EQ(error,
            "[mcpgym.process.exited_early] '/bin/sh -c 'echo garbage; printf \"more\\tgarbage\"; "
            "kill -9 $$'' was killed by signal 9 (SIGKILL) before becoming ready (waited "
            "for a stdout line matching 'listening on (http://\\S+)'; it printed 2 stdout lines "
            "and none matched, the last: 'more\\x09garbage'); its stderr was empty");
}

// A socket listening on 127.0.0.1:`port` for as long as the object lives.
class PortHolder {
 public:
  explicit PortHolder(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (fd_ >= 0 && (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
                     ::listen(fd_, 1) != 0)) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~PortHolder() {
    if (fd_ >= 0) ::close(fd_);
  }
  PortHolder(const PortHolder&) = delete;
  PortHolder& operator=(const PortHolder&) = delete;
  bool holds() const { return fd_ >= 0; }

 private:
  int fd_;
};

// Whether `path` exists within `deadline`, looked at every 10 ms.
bool appears_within(const std::filesystem::path& path, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!std::filesystem::exists(path)) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// A port picked for {port} can be taken before the child binds it (here the
// test takes the one the first child was given); that child exits, and
// launch() starts it again on another port.
TEST_F(Supervisor, AChildWhosePickedPortWasTakenIsStartedAgainOnAnotherPort) {
  const std::string dir = dir_.path().string();
  const auto script = dir_.path() / "server.sh";
  std::ofstream(script) << "if [ ! -e '" << dir << "/first-port' ]; then\n"
                        << "  echo \"$1\" > '" << dir << "/first-port.tmp'\n"
                        << "  mv '" << dir << "/first-port.tmp' '" << dir << "/first-port'\n"
                        << "  while [ ! -e '" << dir << "/go' ]; do sleep 0.01; done\n"
                        << "  exit 1\n"
                        << "fi\n"
                        << "echo \"listening on http://127.0.0.1:$1/mcp\"\n"
                        << "exec sleep 100\n";
  auto launched = std::async(std::launch::async, [&] {
    return launch(spec("/bin/sh " + template_word(script.string()) + " {port}"));
  });
  ASSERT_TRUE(appears_within(dir_.path() / "first-port", 5s)) << "the first child never started";
  const int first_port = std::stoi(read_file(dir_.path() / "first-port"));
  const PortHolder holder(first_port);
  ASSERT_TRUE(holder.holds()) << "could not take port " << first_port;
  std::ofstream(dir_.path() / "go") << "";

  auto process = launched.get();
  ASSERT_TRUE(process.has_value()) << process.error();
  ASSERT_TRUE((*process)->port().has_value());
  EXPECT_NE(*(*process)->port(), first_port);
  EXPECT_EQ((*process)->url(), "http://127.0.0.1:" + std::to_string(*(*process)->port()) + "/mcp");
}

TEST_F(Supervisor, NeverReadyIsStoppedAndGone) {
  auto s = spec(R"(/bin/sh -c 'echo $$ >&2; exec sleep 100')", "silent");
  s.ready_timeout = 300ms;
  const std::string error = launch_error(s);
  const std::string pid_line = read_file(logs() / "silent.stderr.log");
  ASSERT_FALSE(pid_line.empty());
  const std::string pid_text = pid_line.substr(0, pid_line.find('\n'));
  EXPECT_EQ(error,
            "[mcpgym.process.not_ready] '/bin/sh -c 'echo $$ >&2; exec sleep 100'' did not "
            "become ready within 300 ms (waited for a stdout line matching 'listening on "
            "(http://\\S+)'; it printed no stdout line) and was stopped (killed by signal 15 "
            "(SIGTERM)); if it is only slow, raise the ready timeout; last lines of stderr:\n  " +
                pid_text);
  EXPECT_TRUE(pid_gone(std::stoi(pid_text))) << "pid " << pid_text << " is still there";
}

TEST_F(Supervisor, MissingProgramInPath) {
  const char* path = std::getenv("PATH");
  ASSERT_NE(path, nullptr);
  auto s = spec("mcpgym-no-such-program --port {port}");
  s.values["port"] = "41240";
  EXPECT_EQ(launch_error(s),
            "[mcpgym.process.spawn_failed] cannot start 'mcpgym-no-such-program --port 41240': "
            "'mcpgym-no-such-program' was not found in PATH (" +
                std::string(path) + "); give its absolute path or add its directory to PATH");
}

TEST_F(Supervisor, MissingOrUnusableProgramPath) {
  const std::string missing = (dir_.path() / "nope" / "server").string();
  EXPECT_EQ(launch_error(spec(missing + " --x")),
            "[mcpgym.process.spawn_failed] cannot start '" + missing + " --x': '" + missing +
                "' does not exist (No such file or directory); check the path");

  const std::string plain = (dir_.path() / "plain.txt").string();
  write_file(plain, "not a program\n");
  EXPECT_EQ(launch_error(spec(plain)),
            "[mcpgym.process.spawn_failed] cannot start '" + plain + "': '" + plain +
                "' is not executable (Permission denied); make it executable or run it through "
                "its interpreter");

  const std::string directory = dir_.path().string();
  EXPECT_EQ(launch_error(spec(directory)), "[mcpgym.process.spawn_failed] cannot start '" +
                                               directory + "': '" + directory + "' is a directory");
}

TEST_F(Supervisor, ExecFailureIsReported) {
  // Executable, but not a format the kernel can run (no #! line, not ELF).
  const std::string script = (dir_.path() / "garbage.bin").string();
  write_file(script, std::string("\x7f"
                                 "ELF garbage",
                                 12));
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  EXPECT_EQ(launch_error(spec(script)), "[mcpgym.process.spawn_failed] cannot start '" + script +
                                            "': execve('" + script +
                                            "') failed: Exec format error");
}

TEST_F(Supervisor, MissingWorkingDirectory) {
  auto s = spec("sleep 100");
  s.working_directory = dir_.path() / "absent";
  EXPECT_EQ(launch_error(s),
            "[mcpgym.process.spawn_failed] cannot start 'sleep 100': the working "
            "directory '" +
                s.working_directory->string() + "' does not exist or is not a directory");
}

TEST_F(Supervisor, BadCommandsAndSpecs) {
  EXPECT_EQ(launch_error(spec("prog 'x")),
            "[mcpgym.process.bad_command] command template 'prog 'x' has an unbalanced single "
            "quote (opened at column 6); add the closing '");
  EXPECT_EQ(launch_error(spec("prog {seed}")),
            "[mcpgym.process.bad_command] command template 'prog {seed}' uses {seed}, which has "
            "no value; pass a value for \"seed\" (no values were given)");

  auto s = spec("prog --port {port}");
  s.values["port"] = "http";
  EXPECT_EQ(launch_error(s),
            "[mcpgym.process.bad_spec] the value of {port}, 'http', is not a TCP port (1-65535)");

  s = spec("prog");
  s.readiness.pattern = "listening on (";
  EXPECT_EQ(launch_error(s).rfind("[mcpgym.process.bad_spec] the readiness pattern 'listening "
                                  "on (' is not a valid ECMAScript regular expression: ",
                                  0),
            0u);

  s = spec("prog {port}");
  s.readiness.kind = ReadinessKind::kProbe;
  EXPECT_EQ(launch_error(s), "[mcpgym.process.bad_spec] readiness kProbe needs a probe function");
  s = spec("prog");
  s.readiness.kind = ReadinessKind::kProbe;
  s.readiness.probe = [](const std::string&) { return true; };
  EXPECT_EQ(launch_error(s),
            "[mcpgym.process.bad_spec] readiness kProbe polls http://127.0.0.1:{port}/mcp, but "
            "the command template does not use {port}");

  s = spec("cat");
  s.stdio_pipes = true;
  EXPECT_EQ(launch_error(s),
            "[mcpgym.process.bad_spec] 'server' uses stdio_pipes, whose stdout belongs to the "
            "protocol; set readiness.kind to kNone");

  s = spec("cat", "../server");
  EXPECT_EQ(launch_error(s),
            "[mcpgym.process.bad_spec] the name '../server' cannot name log "
            "files; use a plain file name such as 'server'");
  s = spec("cat");
  s.log_limit_bytes = 1000;
  EXPECT_EQ(launch_error(s),
            "[mcpgym.process.bad_spec] 'server' has a log limit of 1000 bytes; use at least 65536");
  s = spec("cat");
  s.log_directory.clear();
  EXPECT_EQ(launch_error(s),
            "[mcpgym.process.bad_spec] 'server' has no log directory; set log_directory");
}

// --- logs ---

TEST_F(Supervisor, StdoutAndStderrAreLogged) {
  auto p = launch_ok(spec(
      R"(/bin/sh -c 'echo before; echo err1 >&2; echo "listening on http://h:1/mcp"; echo after; echo err2 >&2')",
      "logged"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->stdout_log(), logs() / "logged.stdout.log");
  EXPECT_EQ(p->stderr_log(), logs() / "logged.stderr.log");
  const auto status = wait_for_exit(*p);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->describe(), "exit status 0");
  EXPECT_EQ(p->stop(), *status);
  EXPECT_EQ(read_file(p->stdout_log()), "before\nlistening on http://h:1/mcp\nafter\n");
  EXPECT_EQ(read_file(p->stderr_log()), "err1\nerr2\n");
}

TEST_F(Supervisor, ChattyChildNeverBlocksOnAFullPipe) {
  // 4 MiB after readiness: far more than a pipe holds, so the child only gets
  // to exit if stdout keeps being drained.
  auto p = launch_ok(spec(
      R"(/bin/sh -c 'echo "listening on http://h:1/mcp"; head -c 4194304 /dev/zero | tr "\0" x; echo')"));
  ASSERT_TRUE(p);
  const auto status = wait_for_exit(*p, 10s);
  ASSERT_TRUE(status.has_value()) << "the child is still blocked writing its stdout";
  EXPECT_EQ(status->describe(), "exit status 0");
  p->stop();
  EXPECT_EQ(std::filesystem::file_size(p->stdout_log()),
            std::string("listening on http://h:1/mcp\n").size() + 4194304 + 1);
}

TEST_F(Supervisor, LogsOfARunningChildHoldAllItWroteOnceFlushed) {
  // Each line is written before something the test sees (the readiness line,
  // a file), so it must be in the log as soon as the test looks, however
  // late the harness's drain threads run.
  const auto marker = dir_.path() / "written";
  auto p = launch_ok(spec(
      R"(/bin/sh -c 'echo "to stderr" >&2; echo "listening on http://h:1/mcp"; echo "to stdout"; echo 1 > )" +
      template_word(marker.string()) + R"(; exec sleep 100')"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->stderr_tail(), "to stderr\n");
  ASSERT_TRUE(wait_for_pid_file(marker).has_value()) << "the child did not write " << marker;
  p->flush_logs();
  EXPECT_EQ(read_file(p->stdout_log()), "listening on http://h:1/mcp\nto stdout\n");
  EXPECT_EQ(read_file(p->stderr_log()), "to stderr\n");
}

TEST_F(Supervisor, StderrTailGivesTheLastLines) {
  auto s = spec(
      R"(/bin/sh -c 'i=1; while [ $i -le 30 ]; do echo "line $i" >&2; i=$((i+1)); done; printf "partial" >&2')");
  s.readiness.kind = ReadinessKind::kNone;
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  ASSERT_TRUE(wait_for_exit(*p).has_value());
  EXPECT_EQ(p->stderr_tail(3), "line 29\nline 30\npartial");
  EXPECT_EQ(p->stderr_tail(1), "partial");
  EXPECT_EQ(p->stderr_tail(0), "");
  std::string last20;
  for (int i = 12; i <= 30; ++i)
    last20 += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(p->stderr_tail(), last20 + "partial");
  EXPECT_EQ(p->stderr_tail(100), read_file(p->stderr_log()));
}

TEST_F(Supervisor, StderrTailOfALongLog) {
  // More than the first chunk read back, so the tail is found across chunks.
  auto s = spec(
      R"(/bin/sh -c 'i=1; while [ $i -le 3000 ]; do echo "a somewhat longer line number $i" >&2; i=$((i+1)); done')");
  s.readiness.kind = ReadinessKind::kNone;
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  ASSERT_TRUE(wait_for_exit(*p).has_value());
  std::string expected;
  for (int i = 2501; i <= 3000; ++i) {
    expected += "a somewhat longer line number " + std::to_string(i) + "\n";
  }
  EXPECT_EQ(p->stderr_tail(500), expected);
}

// --- stopping ---

TEST_F(Supervisor, StopSendsSigtermAndIsIdempotent) {
  auto p = launch_ok(spec(R"(/bin/sh -c 'echo "listening on http://h:1/mcp"; exec sleep 100')"));
  ASSERT_TRUE(p);
  const pid_t pid = p->pid();
  const ExitStatus status = p->stop();
  EXPECT_EQ(status.describe(), "killed by signal 15 (SIGTERM)");
  EXPECT_EQ(p->stop(), status);
  EXPECT_EQ(p->poll_exit(), status);
  EXPECT_TRUE(pid_gone(pid));
}

TEST_F(Supervisor, CleanShutdownOnSigterm) {
  auto p = launch_ok(spec(
      R"(/bin/sh -c 'trap "exit 0" TERM; echo "listening on http://h:1/mcp"; while :; do sleep 1; done')"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->stop().describe(), "exit status 0");
}

TEST_F(Supervisor, IgnoringSigtermGetsSigkillAfterGrace) {
  auto p = launch_ok(
      spec(R"(/bin/sh -c 'trap "" TERM; echo "listening on http://h:1/mcp"; exec sleep 100')"));
  ASSERT_TRUE(p);
  const ExitStatus status = p->stop(100ms);
  EXPECT_EQ(status.describe(), "killed by signal 9 (SIGKILL)");
  EXPECT_EQ(p->stop(100ms), status);
}

TEST_F(Supervisor, PollExitSeesAnExit) {
  auto p = launch_ok(spec(R"(/bin/sh -c 'echo "listening on http://h:1/mcp"; read line; exit 3')"));
  ASSERT_TRUE(p);
  const auto status = wait_for_exit(*p);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->describe(), "exit status 3");
  EXPECT_EQ(p->stop(), *status);
}

TEST_F(Supervisor, DestructorStopsTheProcess) {
  auto p = launch_ok(spec(R"(/bin/sh -c 'echo "listening on http://h:1/mcp"; exec sleep 100')"));
  ASSERT_TRUE(p);
  const pid_t pid = p->pid();
  p.reset();
  EXPECT_TRUE(pid_gone(pid)) << "pid " << pid << " survived its Process";
}

TEST_F(Supervisor, StopKillsTheProcessGroup) {
  Subreaper subreaper;  // the grandchild is reparented here, to be reaped and known dead
  auto s = spec(R"(/bin/sh -c 'sleep 100 & echo "grandchild $!"; wait')");
  s.readiness.pattern = "^grandchild ([0-9]+)$";
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  const pid_t grandchild = std::stoi(p->url());
  EXPECT_EQ(p->stop().describe(), "killed by signal 15 (SIGTERM)");
  EXPECT_TRUE(reap_orphan(grandchild)) << "grandchild pid " << grandchild << " survived stop()";
  kill_leftover(grandchild);
}

TEST_F(Supervisor, WhatIsLeftOfTheGroupIsKilledOnceTheLeaderHasExited) {
  Subreaper subreaper;
  // The grandchild ignores SIGTERM, and prints its pid only once it does.
  auto s =
      spec(R"(/bin/sh -c 'sh -c "trap \"\" TERM; echo grandchild \$\$; exec sleep 100" & wait')");
  s.readiness.pattern = "^grandchild ([0-9]+)$";
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  const pid_t grandchild = std::stoi(p->url());
  EXPECT_EQ(p->stop().describe(), "killed by signal 15 (SIGTERM)");
  EXPECT_TRUE(reap_orphan(grandchild)) << "grandchild pid " << grandchild << " survived stop()";
  kill_leftover(grandchild);
}

// --- no orphans: escapes from the process group (setsid, double fork), wrappers ---

class NoOrphans : public Supervisor {
 protected:
  void SetUp() override { write_escaping_server(dir_.path()); }

  // server.sh (or wrapper.sh) launched; the pids of server.sh and of its
  // two escaped descendants, registered for clean-up.
  std::unique_ptr<Process> launch_escaping(const std::string& script, const std::string& mode) {
    auto p = launch_ok(spec("sh " + template_word((dir_.path() / script).string()) + " " +
                            template_word(dir_.path().string()) + " " + mode));
    if (!p) return nullptr;
    leftovers_.add(p->pid());
    for (const char* name : {"server.pid", "escaped.pid", "daemon.pid"}) {
      const auto pid = wait_for_pid_file(dir_.path() / name);
      EXPECT_TRUE(pid.has_value()) << name << " was not written";
      if (pid) {
        leftovers_.add(*pid);
        pids_[name] = *pid;
      }
    }
    return p;
  }

  void expect_all_gone(const std::string& after) {
    for (const auto& [name, pid] : pids_) {
      EXPECT_TRUE(reap_orphan(pid)) << name << " (pid " << pid << ") survived " << after;
    }
  }

  std::map<std::string, pid_t> pids_;
  Leftovers leftovers_;
};

TEST_F(NoOrphans, StopKillsDescendantsThatLeftTheGroup) {
  auto p = launch_escaping("server.sh", "stay");
  ASSERT_TRUE(p);
  ASSERT_EQ(pids_.size(), 3U);
  EXPECT_NE(::getsid(pids_["escaped.pid"]), ::getsid(p->pid())) << "setsid did not take effect";
  EXPECT_EQ(p->stop(200ms).describe(), "killed by signal 9 (SIGKILL)");  // it ignores SIGTERM
  expect_all_gone("stop()");
}

TEST_F(NoOrphans, AnExitOfTheMainProcessKillsWhatItLeftBehind) {
  auto p = launch_escaping("server.sh", "exit");
  ASSERT_TRUE(p);
  ASSERT_EQ(pids_.size(), 3U);
  const auto status = wait_for_exit(*p);
  ASSERT_TRUE(status.has_value()) << "server.sh did not exit";
  EXPECT_EQ(status->describe(), "exit status 0");
  // By the time the exit is reported, what it left behind is dead and reaped.
  EXPECT_TRUE(pid_gone(pids_["escaped.pid"]));
  EXPECT_TRUE(pid_gone(pids_["daemon.pid"]));
  expect_all_gone("the exit of server.sh");
}

TEST_F(NoOrphans, AWrapperThatDoesNotExecLeavesNothingAfterStop) {
  auto p = launch_escaping("wrapper.sh", "stay");
  ASSERT_TRUE(p);
  ASSERT_EQ(pids_.size(), 3U);
  EXPECT_NE(pids_["server.pid"], p->pid()) << "the wrapper exec'ed its server";
  // The wrapper dies of SIGTERM; the server, which ignores it, is killed after.
  EXPECT_EQ(p->stop(200ms).describe(), "killed by signal 15 (SIGTERM)");
  expect_all_gone("stop() of its wrapper");
}

TEST_F(NoOrphans, DestructionKillsDescendantsThatLeftTheGroup) {
  auto p = launch_escaping("wrapper.sh", "stay");
  ASSERT_TRUE(p);
  ASSERT_EQ(pids_.size(), 3U);
  p.reset();
  expect_all_gone("the destruction of its Process");
}

TEST_F(NoOrphans, AKeeperKilledFromOutsideStillLeavesNothingInItsCgroup) {
  const auto probe = internal::create_cgroup("probe");
  if (!probe) GTEST_SKIP() << "no writable cgroup2 hierarchy with cgroup.kill here";
  ASSERT_TRUE(internal::remove_cgroup(*probe));
  Subreaper subreaper;  // the keeper's orphans come here, to be reaped and known dead
  auto p = launch_escaping("server.sh", "stay");
  ASSERT_TRUE(p);
  ASSERT_EQ(pids_.size(), 3U);
  const std::string stat = read_file("/proc/" + std::to_string(p->pid()) + "/stat");
  const pid_t keeper = static_cast<pid_t>(std::stol(stat.substr(stat.rfind(')') + 4)));
  ASSERT_EQ(read_file("/proc/" + std::to_string(keeper) + "/comm"), "mcpgym-keeper\n");
  std::string cgroup_line;  // "0::/<path>" of the implementation
  {
    std::ifstream in("/proc/" + std::to_string(p->pid()) + "/cgroup");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("0::", 0) == 0) cgroup_line = line;
    }
  }
  const auto cgroup =
      probe->parent_path() / std::filesystem::path(cgroup_line.substr(3)).filename();
  ASSERT_TRUE(std::filesystem::is_directory(cgroup)) << cgroup;
  ASSERT_EQ(::kill(keeper, SIGKILL), 0);
  const auto status = wait_for_exit(*p);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->describe(), "exit status unknown (its keeper process was killed)");
  // The main process dies with its keeper; the harness kills the cgroup for the rest.
  expect_all_gone("the death of their keeper");
  EXPECT_FALSE(std::filesystem::exists(cgroup)) << cgroup << " was not removed";
}

TEST_F(NoOrphans, TheImplementationRunsInACgroupOfItsOwnWhenOneCanBeMade) {
  const auto probe = internal::create_cgroup("probe");
  if (!probe) GTEST_SKIP() << "no writable cgroup2 hierarchy with cgroup.kill here";
  ASSERT_TRUE(internal::remove_cgroup(*probe));
  auto s = spec(R"(/bin/sh -c 'grep "^0::" /proc/self/cgroup; exec sleep 100')");
  s.readiness.pattern = "^0::(.*)$";
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  const std::filesystem::path cgroup = p->url();  // as /proc/<pid>/cgroup names it
  std::string own;
  {
    std::ifstream in("/proc/self/cgroup");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("0::", 0) == 0) own = line.substr(3);
    }
  }
  EXPECT_EQ(cgroup.parent_path(), std::filesystem::path(own)) << "not below the harness's cgroup";
  const std::string name = cgroup.filename().string();
  const std::string prefix = "mcpgym-" + std::to_string(::getpid()) + "-";
  EXPECT_EQ(name.rfind(prefix, 0), 0U) << name;
  EXPECT_EQ(name.substr(name.size() - 7), "-server") << name;
  const std::filesystem::path directory = probe->parent_path() / cgroup.filename();
  EXPECT_TRUE(std::filesystem::is_directory(directory)) << directory;
  p->stop();
  EXPECT_FALSE(std::filesystem::exists(directory)) << directory << " was not removed";
}

// --- bounded logs ---

TEST(BoundedLog, KeepsTheNewestHalfOfItsCapAfterALineSayingWhatWasDropped) {
  TempDir dir;
  const auto path = dir.path() / "x.log";
  auto log = internal::BoundedLog::open(path, 40);
  ASSERT_TRUE(log.has_value()) << log.error();
  log->write("line 1\nline 2\nline 3\n");  // 21 bytes: under the cap
  EXPECT_EQ(read_file(path), "line 1\nline 2\nline 3\n");
  log->write("line 4\nline 5\nline 6\n");  // 42 > 40: keep the last 20, from a line start
  EXPECT_EQ(read_file(path),
            "[mcpgym.process.log_truncated] 28 earlier bytes of this log were dropped to keep it "
            "under 40 bytes; the newest output follows\nline 5\nline 6\n");
  EXPECT_EQ(log->dropped_bytes(), 28U);
  log->write("line 7\n");  // the marker alone is over the cap: another round
  EXPECT_EQ(read_file(path),
            "[mcpgym.process.log_truncated] 35 earlier bytes of this log were dropped to keep it "
            "under 40 bytes; the newest output follows\nline 6\nline 7\n");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x.log.tmp"));
}

TEST_F(Supervisor, ALogFloodKeepsEachLogUnderItsCapWithTheTail) {
  // 100 MB on stderr before the readiness line (the readiness wait must not
  // stall), then 100 MB on stdout, each ending with a last line to find.
  constexpr std::size_t kFlood = 100'000'008;  // whole 18-byte lines
  auto s = spec(
      R"(/bin/sh -c 'yes "stderr flood line" | head -c 100000008 >&2; echo "last stderr line" >&2; echo "listening on http://h:1/mcp"; yes "stdout flood line" | head -c 100000008; echo "last stdout line"')");
  s.ready_timeout = 60s;
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  const auto status = wait_for_exit(*p, 60s);
  ASSERT_TRUE(status.has_value()) << "the flooding child did not finish: blocked on a full pipe?";
  EXPECT_EQ(status->describe(), "exit status 0");
  const std::size_t cap = LaunchSpec{}.log_limit_bytes;
  const std::string ready = "listening on http://h:1/mcp\n";
  struct Log {
    std::filesystem::path path;
    std::size_t written;
    std::string flood_line;
    std::string last;
  };
  for (const auto& [path, written, flood_line, last] :
       {Log{p->stdout_log(), ready.size() + kFlood + 17, "stdout flood line\n",
            "last stdout line\n"},
        Log{p->stderr_log(), kFlood + 17, "stderr flood line\n", "last stderr line\n"}}) {
    const std::string text = read_file(path);
    EXPECT_LE(text.size(), cap + 64 * 1024) << path;
    const std::size_t first_end = text.find('\n') + 1;
    const std::size_t dropped = written - (text.size() - first_end);
    EXPECT_EQ(text.substr(0, first_end),
              "[mcpgym.process.log_truncated] " + std::to_string(dropped) +
                  " earlier bytes of this log were dropped to keep it under " +
                  std::to_string(cap) + " bytes; the newest output follows\n")
        << path;
    EXPECT_EQ(text.substr(first_end, flood_line.size()), flood_line) << "not cut at a line start";
    ASSERT_GE(text.size(), last.size());
    EXPECT_EQ(text.substr(text.size() - last.size()), last) << path;
  }
  EXPECT_EQ(p->stderr_tail(1), "last stderr line\n");
}

TEST_F(Supervisor, LaunchesFromShortLivedThreadsOutliveThem) {
  // PR_SET_PDEATHSIG fires when the forking *thread* exits; children must not
  // die with the thread that launched them.
  constexpr int kThreads = 4;
  std::vector<std::unique_ptr<Process>> processes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      processes[i] = launch_ok(
          spec(R"(/bin/sh -c 'echo "listening on http://127.0.0.1:{port}/mcp"; exec sleep 100')",
               "server-" + std::to_string(i)));
    });
  }
  for (auto& thread : threads)
    thread.join();
  std::set<int> ports;
  for (const auto& p : processes) {
    ASSERT_TRUE(p);
    ports.insert(p->port().value_or(0));
  }
  EXPECT_EQ(ports.size(), static_cast<std::size_t>(kThreads)) << "two launches got one port";
  for (const auto& p : processes) {
    EXPECT_EQ(p->stop().describe(), "killed by signal 15 (SIGTERM)")
        << "pid " << p->pid() << " did not outlive the thread that launched it";
  }
}

TEST_F(Supervisor, ConcurrentStopsAgree) {
  auto p = launch_ok(
      spec(R"(/bin/sh -c 'trap "" TERM; echo "listening on http://h:1/mcp"; exec sleep 100')"));
  ASSERT_TRUE(p);
  std::vector<ExitStatus> seen(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] { seen[i] = p->stop(50ms); });
  }
  for (int i = 0; i < 50; ++i)
    (void)p->poll_exit();
  for (auto& thread : threads)
    thread.join();
  for (const auto& status : seen)
    EXPECT_EQ(status.describe(), "killed by signal 9 (SIGKILL)");
}

// --- descriptors ---

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++n;
  }
  return n;
}

TEST_F(Supervisor, NoDescriptorLeaksInTheHarness) {
  const std::size_t before = open_descriptors();
  {
    auto p = launch_ok(spec(R"(/bin/sh -c 'echo "listening on http://h:1/mcp"; exec sleep 100')"));
    ASSERT_TRUE(p);
    p->stop();
  }
  (void)launch_error(spec("/bin/sh -c 'exit 1'"));
  (void)launch_error(spec("mcpgym-no-such-program"));
  auto never = spec("sleep 100");
  never.ready_timeout = 50ms;
  (void)launch_error(never);
  {
    auto s = spec("cat");
    s.stdio_pipes = true;
    s.readiness.kind = ReadinessKind::kNone;
    auto p = launch_ok(s);
    ASSERT_TRUE(p);
  }
  EXPECT_EQ(open_descriptors(), before);
}

TEST_F(Supervisor, ChildInheritsOnlyItsStandardDescriptors) {
  // A descriptor the harness opened without O_CLOEXEC must not reach the child.
  const int leaky = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 0);
  auto s = spec(R"cmd(/bin/sh -c 'echo "fds $(ls /proc/self/fd | tr "\n" " ")"')cmd");
  s.readiness.pattern = "^fds (.*)$";
  auto p = launch_ok(s);
  ::close(leaky);
  ASSERT_TRUE(p);
  // ls itself holds 0, 1, 2 and the directory it lists (3).
  EXPECT_EQ(p->url(), "0 1 2 3 ");
}

// --- stdio ---

TEST_F(Supervisor, StdioPipesReachTheChild) {
  auto s = spec("cat", "stdio");
  s.stdio_pipes = true;
  s.readiness.kind = ReadinessKind::kNone;
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->url(), "");
  EXPECT_TRUE(p->stdout_log().empty());
  EXPECT_EQ(p->stderr_log(), logs() / "stdio.stderr.log");
  ASSERT_GE(p->stdin_fd(), 0);
  ASSERT_GE(p->stdout_fd(), 0);
  ASSERT_TRUE(write_all(p->stdin_fd(), "hello\nworld\n"));
  std::string pending;
  EXPECT_EQ(read_line(p->stdout_fd(), pending), "hello");
  EXPECT_EQ(read_line(p->stdout_fd(), pending), "world");
  p->close_stdin();
  EXPECT_EQ(p->stdin_fd(), -1);
  p->close_stdin();  // idempotent
  const auto status = wait_for_exit(*p);
  ASSERT_TRUE(status.has_value()) << "cat did not see the end of its input";
  EXPECT_EQ(status->describe(), "exit status 0");
  EXPECT_EQ(read_line(p->stdout_fd(), pending), std::nullopt);
  EXPECT_FALSE(std::filesystem::exists(logs() / "stdio.stdout.log"));
  EXPECT_EQ(read_file(p->stderr_log()), "");
}

TEST_F(Supervisor, WritingToADeadStdioChildIsAnError) {
  auto s = spec("/bin/sh -c 'exit 0'");
  s.stdio_pipes = true;
  s.readiness.kind = ReadinessKind::kNone;
  auto p = launch_ok(s);
  ASSERT_TRUE(p);
  ASSERT_TRUE(wait_for_exit(*p).has_value());
  // SIGPIPE would kill the test; the supervisor makes it an EPIPE.
  EXPECT_FALSE(write_all(p->stdin_fd(), std::string(1 << 20, 'x')));
}

// A wait that fails says what it waited for, how long, and what it saw last:
// here this test process itself, which never dies, so the wait runs out.
TEST(ReapOrphan, AFailureSaysWhatItWaitedForAndWhatItSawLast) {
  std::string cmdline = testing::read_file("/proc/self/cmdline");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  while (!cmdline.empty() && cmdline.back() == ' ')
    cmdline.pop_back();
  const pid_t self = ::getpid();
  const auto reaped = testing::reap_orphan(self, 20ms);
  ASSERT_FALSE(reaped);
  EXPECT_EQ(std::string(reaped.message()),
            "waited 20 ms for pid " + std::to_string(self) +
                " to die and be reaped, but it was still there (state 'R', running '" + cmdline +
                "')");
}

}  // namespace
}  // namespace mcpgym::harness
