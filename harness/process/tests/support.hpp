#pragma once
// Helpers for the supervisor's tests: temporary directories, subreaping,
// reading with deadlines. Nothing here sleeps for a fixed time to wait for
// something; every wait ends on an event or a deadline.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/testing/temp_dir.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::harness::testing {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

using mcpgym::test_support::TempDir;

// While alive, orphaned descendants are reparented to this test process, so it
// can reap them and know for sure that they died.
class Subreaper {
 public:
  Subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 1); }
  ~Subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
  Subreaper(const Subreaper&) = delete;
  Subreaper& operator=(const Subreaper&) = delete;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// The tests' usual deadline for an exit they expect.
inline std::optional<ExitStatus> wait_for_exit(Process& process,
                                               std::chrono::milliseconds deadline = 5s) {
  return process.wait_exit(deadline);
}

// Whether `pid` no longer exists (not even as a zombie).
inline bool pid_gone(pid_t pid) {
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

// What /proc says of `pid` now, for a failed wait's message: "state 'S'
// (sleeping), running 'sleep 1000'", or "no /proc entry".
inline std::string process_seen(pid_t pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  std::string stat = read_file(proc + "/stat");
  const auto paren = stat.rfind(')');
  if (stat.empty() || paren == std::string::npos || paren + 2 >= stat.size()) {
    return "no /proc entry";
  }
  std::string cmdline = read_file(proc + "/cmdline");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  while (!cmdline.empty() && cmdline.back() == ' ')
    cmdline.pop_back();
  return std::string("state '") + stat[paren + 2] + "', running '" + cmdline + "'";
}

// Waits until `pid`, a descendant orphaned to this (subreaper) process, has
// died and been reaped here. On failure it says how long it waited and what
// /proc showed of the pid last.
inline ::testing::AssertionResult reap_orphan(pid_t pid, std::chrono::milliseconds deadline = 5s) {
  const auto end = Clock::now() + deadline;
  for (;;) {
    const pid_t r = ::waitpid(pid, nullptr, WNOHANG);
    if (r == pid) return ::testing::AssertionSuccess();
    // Reaped by its own parent.
    if (r < 0 && errno == ECHILD && pid_gone(pid)) return ::testing::AssertionSuccess();
    if (Clock::now() >= end) {
      return ::testing::AssertionFailure()
             << "waited " << deadline.count() << " ms for pid " << pid
             << " to die and be reaped, but it was still there (" << process_seen(pid) << ")";
    }
    std::this_thread::sleep_for(2ms);  // polling interval
  }
}

// Kills and reaps a descendant a failed test would otherwise leave behind.
inline void kill_leftover(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);
  reap_orphan(pid, 2s);
}

// The pid a script wrote to `path` (atomically, by renaming a finished file
// into place); nullopt if it is not there by the deadline.
inline std::optional<pid_t> wait_for_pid_file(const std::filesystem::path& path,
                                              std::chrono::milliseconds deadline = 5s) {
  const auto end = Clock::now() + deadline;
  for (;;) {
    const std::string text = read_file(path);
    if (!text.empty()) return static_cast<pid_t>(std::stol(text));
    if (Clock::now() >= end) return std::nullopt;
    std::this_thread::sleep_for(2ms);  // polling interval
  }
}

// Writes three scripts into `dir` for the no-orphans tests, all ignoring SIGTERM:
//   escape.sh PIDFILE  writes its pid to PIDFILE and sleeps;
//   server.sh DIR [exit]  starts escape.sh in a session of its own (setsid:
//     DIR/escaped.pid) and as a double-forked daemon, re-parented at once
//     (setsid too: DIR/daemon.pid), writes DIR/server.pid, waits for both pid
//     files, prints the readiness line, then sleeps (or, with `exit`, exits 0);
//   wrapper.sh DIR [exit]  runs server.sh as its child, without exec.
inline void write_escaping_server(const std::filesystem::path& dir) {
  write_file(dir / "escape.sh",
             "trap '' TERM\n"
             "echo $$ > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"\n"
             "exec sleep 1000\n");
  write_file(
      dir / "server.sh",
      "trap '' TERM\n"
      "setsid sh \"$1/escape.sh\" \"$1/escaped.pid\" &\n"
      "(setsid sh \"$1/escape.sh\" \"$1/daemon.pid\" &)\n"
      "echo $$ > \"$1/server.tmp\" && mv \"$1/server.tmp\" \"$1/server.pid\"\n"
      "while [ ! -e \"$1/escaped.pid\" ] || [ ! -e \"$1/daemon.pid\" ]; do sleep 0.01; done\n"
      "echo \"listening on http://127.0.0.1:1/mcp\"\n"
      "if [ \"$2\" = exit ]; then exit 0; fi\n"
      "exec sleep 1000\n");
  write_file(dir / "wrapper.sh",
             "sh \"$1/server.sh\" \"$@\"\n"
             "exit $?\n");
}

// Kills (by PID) and reaps, when the test ends, whatever a failed test left
// running; harmless for pids that are gone already.
class Leftovers {
 public:
  ~Leftovers() {
    for (const pid_t pid : pids_) {
      if (!pid_gone(pid)) kill_leftover(pid);
    }
  }
  void add(pid_t pid) { pids_.push_back(pid); }

 private:
  std::vector<pid_t> pids_;
};

// One line from `fd` (without its newline); nullopt at the deadline or EOF.
inline std::optional<std::string> read_line(int fd, std::string& pending,
                                            std::chrono::milliseconds deadline = 5s) {
  const auto end = Clock::now() + deadline;
  for (;;) {
    if (const auto nl = pending.find('\n'); nl != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    pending.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace mcpgym::harness::testing
