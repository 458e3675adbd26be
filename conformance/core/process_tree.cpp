#include "conformance/core/process_tree.hpp"

#include <dirent.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <string>
#include <thread>

namespace mcpgym::conformance {
namespace {

// The fields of /proc/<pid>/stat the suite needs.
struct Stat {
  pid_t ppid = 0;
  char state = '?';
  unsigned long long start_time = 0;
};

std::optional<Stat> read_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // pid (comm) state ppid ...: comm may hold spaces and parentheses.
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return std::nullopt;
  std::string rest = line.substr(close + 2);
  Stat stat;
  stat.state = rest.empty() ? '?' : rest[0];
  // Fields after comm, counted from 3 (state): ppid is field 4, starttime 22.
  std::size_t field = 3;
  std::size_t pos = 0;
  while (pos < rest.size() && field <= 22) {
    const std::size_t end = std::min(rest.find(' ', pos), rest.size());
    const std::string word = rest.substr(pos, end - pos);
    try {
      if (field == 4) stat.ppid = static_cast<pid_t>(std::stol(word));
      if (field == 22) stat.start_time = std::stoull(word);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    ++field;
    pos = end + 1;
  }
  return stat;
}

bool is_gone_state(char state) {
  return state == 'Z' || state == 'X' || state == 'x';
}

}  // namespace

bool descends_from(pid_t pid, pid_t ancestor) {
  for (int depth = 0; depth < 64 && pid > 1; ++depth) {
    const auto stat = read_stat(pid);
    if (!stat) return false;
    if (stat->ppid == ancestor) return true;
    pid = stat->ppid;
  }
  return false;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return children;
  while (const dirent* entry = ::readdir(proc)) {
    const std::string name = entry->d_name;
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    const auto stat = read_stat(pid);
    if (stat && stat->ppid == parent && !is_gone_state(stat->state)) children.push_back(pid);
  }
  ::closedir(proc);
  return children;
}

std::optional<SeenProcess> see_process(pid_t pid) {
  const auto stat = read_stat(pid);
  if (!stat || is_gone_state(stat->state)) return std::nullopt;
  return SeenProcess{pid, stat->start_time};
}

bool still_running(const SeenProcess& process) {
  const auto now = see_process(process.pid);
  return now && now->start_time == process.start_time;
}

bool wait_until_gone(const SeenProcess& process, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, process.pid, 0));
  if (fd >= 0) {
    // Opened after the process was seen: if the pid was reused since, the
    // start time says so.
    bool gone = !still_running(process);
    for (auto left = timeout; !gone && left.count() > 0;) {
      pollfd p{fd, POLLIN, 0};
      (void)::poll(&p, 1, static_cast<int>(left.count()));  // EINTR: look again
      gone = !still_running(process);
      left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
    }
    ::close(fd);
    return gone;
  }
  // No pidfds (Linux < 5.3): look every 20 ms.
  while (still_running(process)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace mcpgym::conformance
