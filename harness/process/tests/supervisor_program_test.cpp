// launch() with built programs: the reference backend (HTTP and stdio) and the
// orphan probe (children die with the harness, even when it is SIGKILLed).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness/process/supervisor.hpp"
#include "harness/process/tests/support.hpp"
#include "reference/common/fd_io.hpp"

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
  const bool died = reap_orphan(child, 5s);
  if (!died) kill_leftover(child);
  EXPECT_TRUE(died) << "pid " << child << " (sleep 1000) was still alive 5 s after its parent, "
                    << "the probe pid " << probe->pid() << ", was killed with SIGKILL: "
                    << "PR_SET_PDEATHSIG did not take effect";
  EXPECT_EQ(probe->stop().describe(), "killed by signal 9 (SIGKILL)");
}

}  // namespace
}  // namespace mcpgym::harness
