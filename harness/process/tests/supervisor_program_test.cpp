// launch() with built programs: the reference backend (HTTP and stdio) and the
// orphan probe (children die with the harness, even when it is SIGKILLed).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <map>

#include "common/fd_io.hpp"
#include "harness/process/supervisor.hpp"
#include "harness/process/tests/support.hpp"

extern char** environ;

namespace mcpgym::harness {
namespace {

using namespace std::chrono_literals;
using namespace testing;

const std::string kBackend = MCPGYM_FROZENLAKE_BIN;
const std::string kProbe = MCPGYM_SUPERVISOR_PROBE_BIN;

class ProgramSupervisor : public ::testing::Test {
 protected:
  LaunchSpec spec(std::string command, std::string name = "backend") const {
    LaunchSpec s;
    s.command = std::move(command);
    s.log_directory = dir_.path() / "logs";
    s.name = std::move(name);
    s.ready_timeout = 10'000ms;
    return s;
  }
  TempDir dir_;
};

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// 'R', 'S', 'Z', ... from /proc/<pid>/stat; 0 when there is no such process.
char process_state(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? 0 : stat[paren + 2];
}

// The parent of `pid` from /proc/<pid>/stat; -1 when there is no such process.
pid_t parent_of(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 4 >= stat.size()) return -1;
  return static_cast<pid_t>(std::stol(stat.substr(paren + 4)));
}

// `program args...` started with posix_spawn in a process group of its own,
// stdout to a pipe: no supervisor (and so no keeper of the test's) stands
// between the test and it.
struct DirectChild {
  pid_t pid = -1;
  int stdout_fd = -1;
  ~DirectChild() {
    if (stdout_fd >= 0) ::close(stdout_fd);
  }
};

DirectChild spawn_directly(const std::vector<std::string>& argv) {
  DirectChild child;
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return child;
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawnattr_t attributes;
  ::posix_spawnattr_init(&attributes);
  ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  ::posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<char*> args;
  for (const auto& word : argv)
    args.push_back(const_cast<char*>(word.c_str()));
  args.push_back(nullptr);
  if (::posix_spawn(&child.pid, argv[0].c_str(), &actions, &attributes, args.data(), environ) !=
      0) {
    child.pid = -1;
  }
  ::posix_spawnattr_destroy(&attributes);
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  child.stdout_fd = out[0];
  return child;
}

TEST_F(ProgramSupervisor, BackendWithAPickedPort) {
  auto launched = launch(spec("'" + kBackend + "' --port {port} --log-level warn"));
  ASSERT_TRUE(launched.has_value()) << launched.error();
  auto& p = *launched;
  ASSERT_TRUE(p->port().has_value());
  EXPECT_EQ(p->url(), "http://127.0.0.1:" + std::to_string(*p->port()) + "/mcp");
  EXPECT_EQ(p->argv(), (std::vector<std::string>{kBackend, "--port", std::to_string(*p->port()),
                                                 "--log-level", "warn"}));
  EXPECT_TRUE(accepts_connections(*p->port()));
  EXPECT_EQ(p->stop().describe(), "exit status 0");  // REF-002: SIGTERM is a clean shutdown
  EXPECT_EQ(read_file(p->stdout_log()), "listening on " + p->url() + "\n");
  EXPECT_TRUE(std::filesystem::exists(p->stderr_log()));
}

TEST_F(ProgramSupervisor, BackendWithAGivenPort) {
  const auto port = pick_free_port();
  ASSERT_TRUE(port.has_value()) << port.error();
  auto s = spec("'" + kBackend + "' --port {port}");
  s.values["port"] = std::to_string(*port);
  auto launched = launch(s);
  ASSERT_TRUE(launched.has_value()) << launched.error();
  EXPECT_EQ((*launched)->port(), *port);
  EXPECT_EQ((*launched)->url(), "http://127.0.0.1:" + std::to_string(*port) + "/mcp");
  EXPECT_TRUE(accepts_connections(*port));
}

TEST_F(ProgramSupervisor, BackendRefusingAFlagExitsEarly) {
  auto s = spec("'" + kBackend + "' --port {port} --no-such-flag");
  s.values["port"] = "41241";
  auto launched = launch(s);
  ASSERT_FALSE(launched.has_value());
  const std::string stderr_text = read_file(dir_.path() / "logs" / "backend.stderr.log");
  ASSERT_FALSE(stderr_text.empty());
  std::string tail;
  for (std::size_t begin = 0; begin < stderr_text.size();) {
    const std::size_t end = stderr_text.find('\n', begin);
    tail += "\n  " + stderr_text.substr(begin, end - begin);
    begin = end == std::string::npos ? stderr_text.size() : end + 1;
  }
  EXPECT_EQ(launched.error(), "[mcpgym.process.exited_early] '" + kBackend +
                                  " --port 41241 --no-such-flag' exited with exit status 2 "
                                  "before becoming ready (waited for a stdout line matching "
                                  "'listening on (http://\\S+)'; it printed no stdout line); "
                                  "last lines of stderr:" +
                                  tail);
}

TEST_F(ProgramSupervisor, BackendOverStdio) {
  auto s = spec("'" + kBackend + "' --transport stdio");
  s.stdio_pipes = true;
  s.readiness.kind = ReadinessKind::kNone;
  auto launched = launch(s);
  ASSERT_TRUE(launched.has_value()) << launched.error();
  auto& p = *launched;
  ASSERT_TRUE(write_all(p->stdin_fd(), R"({"jsonrpc":"2.0","id":1,"method":"ping"})"
                                       "\n"));
  std::string pending;
  const auto line = read_line(p->stdout_fd(), pending);
  ASSERT_TRUE(line.has_value()) << "no answer to ping; stderr: " << p->stderr_tail();
  EXPECT_NE(line->find(R"("id":1)"), std::string::npos) << *line;
  EXPECT_NE(line->find(R"("result")"), std::string::npos) << *line;
  p->close_stdin();
  const auto status = wait_for_exit(*p);
  ASSERT_TRUE(status.has_value()) << "the backend did not end at the end of its input";
  EXPECT_EQ(status->describe(), "exit status 0");
}

TEST_F(ProgramSupervisor, ChildrenDieWithAHarnessKilledBySigkill) {
  Subreaper subreaper;  // the probe's orphaned child is reparented here
  auto s = spec("'" + kProbe + "' '" + (dir_.path() / "probe-logs").string() + "'", "probe");
  s.readiness.pattern = "^child ([0-9]+)$";
  auto launched = launch(s);
  ASSERT_TRUE(launched.has_value()) << launched.error();
  auto& probe = *launched;
  const pid_t child = std::stoi(probe->url());

  const char state = process_state(child);
  EXPECT_TRUE(state != 0 && state != 'Z')
      << "pid " << child << ", launched from a thread of the probe that has since ended, died "
      << "with that thread (state '" << state << "')";

  ASSERT_EQ(::kill(probe->pid(), SIGKILL), 0);
  const auto died = reap_orphan(child, 5s);
  if (!died) kill_leftover(child);
  EXPECT_TRUE(died) << "pid " << child << " (sleep 1000) outlived its parent, the probe pid "
                    << probe->pid() << ", killed with SIGKILL: "
                    << "PR_SET_PDEATHSIG did not take effect";
  EXPECT_EQ(probe->stop().describe(), "killed by signal 9 (SIGKILL)");
}

// The probe is a harness that launches a wrapper which does not exec its
// server; the server ignores SIGTERM and has a setsid() descendant and a
// double-forked daemon. When the probe (or its whole process group) is
// killed with SIGKILL, its keeper (re-parented to this subreaper) must kill
// all of them.
void expect_nothing_survives_a_sigkilled_harness(const TempDir& dir, bool whole_group) {
  Subreaper subreaper;  // declared first: Leftovers below reap while it still holds
  Leftovers leftovers;
  write_escaping_server(dir.path());
  const std::string command = "sh " + template_word((dir.path() / "wrapper.sh").string()) + " " +
                              template_word(dir.path().string()) + " stay";
  DirectChild probe = spawn_directly({kProbe, (dir.path() / "probe-logs").string(), command});
  ASSERT_GT(probe.pid, 0) << "posix_spawn of " << kProbe << " failed";
  leftovers.add(probe.pid);
  std::string pending;
  const auto line = read_line(probe.stdout_fd, pending, 10s);
  ASSERT_TRUE(line.has_value() && line->rfind("child ", 0) == 0)
      << "the probe printed no child pid: " << line.value_or("(nothing)");
  std::map<std::string, pid_t> pids{{"wrapper.sh", std::stoi(line->substr(6))}};
  leftovers.add(pids["wrapper.sh"]);
  for (const char* name : {"server.pid", "escaped.pid", "daemon.pid"}) {
    const auto pid = wait_for_pid_file(dir.path() / name);
    ASSERT_TRUE(pid.has_value()) << name << " was not written";
    leftovers.add(*pid);
    pids[name] = *pid;
  }
  const pid_t keeper = parent_of(pids["wrapper.sh"]);
  ASSERT_GT(keeper, 0);
  leftovers.add(keeper);
  EXPECT_EQ(read_file("/proc/" + std::to_string(keeper) + "/comm"), "mcpgym-keeper\n");
  EXPECT_EQ(parent_of(keeper), probe.pid);

  // whole_group: the keeper is not in the probe's group, and must survive to clean up.
  ASSERT_EQ(::kill(whole_group ? -probe.pid : probe.pid, SIGKILL), 0);
  int raw = 0;
  ASSERT_EQ(::waitpid(probe.pid, &raw, 0), probe.pid);
  for (const auto& [name, pid] : pids) {
    EXPECT_TRUE(reap_orphan(pid, 5s))
        << name << " (pid " << pid << ") still runs 5 s after its harness was killed";
  }
  EXPECT_TRUE(reap_orphan(keeper, 5s)) << "the keeper (pid " << keeper << ") did not end";
}

TEST_F(ProgramSupervisor, EverythingTheImplementationStartedDiesWithAHarnessKilledBySigkill) {
  expect_nothing_survives_a_sigkilled_harness(dir_, false);
}

TEST_F(ProgramSupervisor, EverythingTheImplementationStartedDiesWithAHarnessGroupKilledBySigkill) {
  expect_nothing_survives_a_sigkilled_harness(dir_, true);
}

}  // namespace
}  // namespace mcpgym::harness
