// The keeper (see keeper.hpp). Everything above "harness side" runs in a
// forked copy of a multithreaded harness that never execs: async-signal-safe
// calls only (system calls, fixed buffers in static storage, no allocation,
// no locks, no stdio, no exceptions).
#include "harness/process/keeper.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mcpgym::harness::internal {

namespace {

// ---------------------------------------------------------------------------
// Small text and file helpers (async-signal-safe)

constexpr std::size_t kPathMax = 512;

// A path built from pieces in a fixed buffer: "/proc/" + 123 + "/stat".
class PathText {
 public:
  PathText& add(const char* text) {
    while (*text != '\0' && size_ + 1 < sizeof data_)
      data_[size_++] = *text++;
    data_[size_] = '\0';
    return *this;
  }
  PathText& add(long value) {
    char digits[24];
    int n = 0;
    unsigned long v = value < 0 ? 0UL - static_cast<unsigned long>(value) : value;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    if (value < 0 && size_ + 1 < sizeof data_) data_[size_++] = '-';
    while (n > 0 && size_ + 1 < sizeof data_)
      data_[size_++] = digits[--n];
    data_[size_] = '\0';
    return *this;
  }
  const char* c_str() const { return data_; }

 private:
  char data_[kPathMax] = {};
  std::size_t size_ = 0;
};

// Reads up to `capacity - 1` bytes of a (small, /proc) file, NUL-terminated;
// the number of bytes, or -1.
long read_small_file(const char* path, char* buffer, std::size_t capacity) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  std::size_t got = 0;
  while (got + 1 < capacity) {
    const ssize_t n = ::read(fd, buffer + got, capacity - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  buffer[got] = '\0';
  return static_cast<long>(got);
}

bool write_small_file(const char* path, const char* text) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const std::size_t size = std::strlen(text);
  ssize_t n;
  do {
    n = ::write(fd, text, size);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  return n == static_cast<ssize_t>(size);
}

// A decimal number at `text`, advancing it; -1 when there is none.
long parse_number(const char*& text) {
  while (*text == ' ' || *text == '\n')
    ++text;
  if (*text < '0' || *text > '9') return -1;
  long value = 0;
  while (*text >= '0' && *text <= '9')
    value = value * 10 + (*text++ - '0');
  return value;
}

bool all_digits(const char* name) {
  if (*name == '\0') return false;
  for (; *name != '\0'; ++name) {
    if (*name < '0' || *name > '9') return false;
  }
  return true;
}

// Calls `visit(name)` for each entry of a directory that is a number
// (/proc/<pid>, /proc/<pid>/task/<tid>).
template <class Visit>
void for_each_numeric_entry(const char* directory, Visit&& visit) {
  const int fd = ::open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  alignas(8) static char entries[16384];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, fd, entries, sizeof entries);
    if (n <= 0) break;
    for (long offset = 0; offset < n;) {
      const auto* entry = reinterpret_cast<const dirent64*>(entries + offset);
      if (all_digits(entry->d_name)) visit(entry->d_name);
      offset += entry->d_reclen;
    }
  }
  ::close(fd);
}

// The parent of `pid` from /proc/<pid>/stat; -1 when it cannot be read.
pid_t parent_of(pid_t pid) {
  static char stat[1024];
  if (read_small_file(PathText().add("/proc/").add(pid).add("/stat").c_str(), stat, sizeof stat) <=
      0) {
    return -1;
  }
  const char* close_paren = std::strrchr(stat, ')');  // the name may hold anything but not this
  if (close_paren == nullptr || close_paren[1] == '\0' || close_paren[2] == '\0') return -1;
  const char* fields = close_paren + 3;  // after ") S"
  return static_cast<pid_t>(parse_number(fields));
}

// ---------------------------------------------------------------------------
// Finding and killing descendants

constexpr int kMaxTracked = 32768;  // descendants killed per round; more wait for the next

struct Found {
  pid_t pids[kMaxTracked];
  pid_t parents[kMaxTracked];
  int size = 0;
  void add(pid_t pid, pid_t parent) {
    if (size >= kMaxTracked || pid <= 0) return;
    pids[size] = pid;
    parents[size] = parent;
    ++size;
  }
};

// Appends the children of `parent` (every thread's, from
// /proc/<parent>/task/<tid>/children).
void add_children_listed(pid_t parent, Found& found) {
  PathText tasks;
  tasks.add("/proc/").add(parent).add("/task");
  for_each_numeric_entry(tasks.c_str(), [&](const char* tid) {
    static char list[65536];
    PathText file;
    file.add(tasks.c_str()).add("/").add(tid).add("/children");
    if (read_small_file(file.c_str(), list, sizeof list) <= 0) return;
    for (const char* at = list;;) {
      const long child = parse_number(at);
      if (child < 0) break;
      found.add(static_cast<pid_t>(child), parent);
    }
  });
}

// The same without CONFIG_PROC_CHILDREN: every /proc/<pid>/stat whose ppid is `parent`.
void add_children_scanned(pid_t parent, Found& found) {
  for_each_numeric_entry("/proc", [&](const char* name) {
    const char* at = name;
    const auto pid = static_cast<pid_t>(parse_number(at));
    if (parent_of(pid) == parent) found.add(pid, parent);
  });
}

// SIGKILL through a pidfd, after checking that the process the pidfd holds
// is still `parent`'s child: a pid read from /proc may have been reused by a
// stranger since, and only our own descendants may be signalled. Without
// pidfds, only direct children (whose pids their zombies pin) are signalled;
// the others are re-parented to this subreaper as their parents die and are
// killed in a later round.
bool kill_if_child_of(pid_t pid, pid_t parent, pid_t self) {
  const long pidfd = ::syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) {
    if (parent != self) return false;
    ::kill(pid, SIGKILL);
    return true;
  }
  const bool ours = parent_of(pid) == parent;
  if (ours) ::syscall(SYS_pidfd_send_signal, static_cast<int>(pidfd), SIGKILL, nullptr, 0);
  ::close(static_cast<int>(pidfd));
  return ours;
}

// One round: SIGKILL to every descendant found, walking down from this
// process (a child's children are listed before it is killed, since a dead
// process lists none).
void kill_descendants(bool proc_children) {
  static Found found;
  found.size = 0;
  const pid_t self = ::getpid();
  auto add_children = [&](pid_t parent) {
    if (proc_children) {
      add_children_listed(parent, found);
    } else {
      add_children_scanned(parent, found);
    }
  };
  add_children(self);
  for (int i = 0; i < found.size; ++i) {
    const pid_t pid = found.pids[i];
    add_children(pid);
    kill_if_child_of(pid, found.parents[i], self);
  }
}

// ---------------------------------------------------------------------------
// Removing a cgroup

// Removes a cgroup directory and the cgroups below it (an implementation that
// is itself a harness makes its own), deepest first; true once it is gone.
bool remove_cgroup_tree(const char* directory, int depth) {
  constexpr int kMaxDepth = 16;
  if (depth > kMaxDepth) return false;
  for (int pass = 0; pass < 3; ++pass) {  // removing entries may hide others from one pass
    if (::rmdir(directory) == 0 || errno == ENOENT) return true;
    if (errno != EBUSY && errno != ENOTEMPTY) return false;
    const int fd = ::open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    alignas(8) char entries[4096];
    for (;;) {
      const long n = ::syscall(SYS_getdents64, fd, entries, sizeof entries);
      if (n <= 0) break;
      for (long offset = 0; offset < n;) {
        const auto* entry = reinterpret_cast<const dirent64*>(entries + offset);
        offset += entry->d_reclen;
        if (entry->d_type != DT_DIR || std::strcmp(entry->d_name, ".") == 0 ||
            std::strcmp(entry->d_name, "..") == 0) {
          continue;
        }
        PathText child;
        child.add(directory).add("/").add(entry->d_name);
        remove_cgroup_tree(child.c_str(), depth + 1);
      }
    }
    ::close(fd);
  }
  return ::rmdir(directory) == 0 || errno == ENOENT;
}

// ---------------------------------------------------------------------------
// The keeper

struct Keeper {
  const KeeperPlan* plan = nullptr;
  int signals = -1;  // signalfd for SIGCHLD and SIGTERM; -1: poll sigpending instead
  pid_t main = -1;
  bool main_exited = false;  // its status is known
  bool main_reaped = false;  // its pid (and process-group id) may be reused
  KeeperMessage exited{KeeperMessage::kExited, 0, 0, 0};

  void record_main(int si_code, int status) {
    if (main_exited) return;
    main_exited = true;
    exited.pid = main;
    exited.si_code = si_code;
    exited.status = status;
  }

  void send(const KeeperMessage& message) const {
    ssize_t n;
    do {
      n = ::send(plan->channel_fd, &message, sizeof message, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
  }

  // While the main process is unreaped, its zombie pins the group id.
  void signal_main_group(int sig) const {
    if (main_reaped) return;
    if (::kill(-main, sig) != 0 && errno == ESRCH) ::kill(main, sig);
  }

  // Consumes pending SIGCHLD/SIGTERM; true when SIGTERM (the harness's death) came.
  bool take_signals() const {
    bool terminate = false;
    if (signals >= 0) {
      signalfd_siginfo info[8];
      for (;;) {
        const ssize_t n = ::read(signals, info, sizeof info);
        if (n <= 0) break;
        for (std::size_t i = 0; i < static_cast<std::size_t>(n) / sizeof info[0]; ++i) {
          if (info[i].ssi_signo == SIGTERM) terminate = true;
        }
      }
      return terminate;
    }
    sigset_t pending;
    ::sigemptyset(&pending);
    return ::sigpending(&pending) == 0 && ::sigismember(&pending, SIGTERM) == 1;
  }

  // Reaps exited descendants other than the main process; true once the
  // main process has exited (left unreaped, its status recorded).
  bool reap_until_main_exits() {
    for (;;) {
      siginfo_t info{};
      int r;
      do {
        r = ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT);
      } while (r < 0 && errno == EINTR);
      if (r != 0 || info.si_pid == 0) return false;
      if (info.si_pid == main) {
        record_main(info.si_code, info.si_status);
        return true;
      }
      while (::waitpid(info.si_pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
  }

  // Reaps whatever has exited, noting the main process's status; true once
  // this process has no children left.
  bool reap_all() {
    for (;;) {
      int raw = 0;
      const pid_t pid = ::waitpid(-1, &raw, WNOHANG);
      if (pid > 0) {
        if (pid == main) {
          if (WIFEXITED(raw)) {
            record_main(CLD_EXITED, WEXITSTATUS(raw));
          } else {
            record_main(WCOREDUMP(raw) ? CLD_DUMPED : CLD_KILLED, WTERMSIG(raw));
          }
          main_reaped = true;
        }
        continue;
      }
      if (pid < 0 && errno == EINTR) continue;
      return pid < 0 && errno == ECHILD;
    }
  }

  void wait_a_little() const {
    pollfd fd{signals, POLLIN, 0};
    ::poll(&fd, signals >= 0 ? 1 : 0, 10);
    (void)take_signals();
  }

  // Kills everything (process group, cgroup, every descendant), reaps it
  // all, reports the main process's status and exits.
  [[noreturn]] void finish() {
    signal_main_group(SIGKILL);
    for (;;) {
      if (plan->cgroup_kill != nullptr) write_small_file(plan->cgroup_kill, "1");
      kill_descendants(plan->proc_children);
      if (reap_all()) break;
      wait_a_little();
    }
    if (plan->cgroup_dir != nullptr) {
      // Emptied, a cgroup becomes removable a moment later.
      for (int attempt = 0; attempt < 50 && !remove_cgroup_tree(plan->cgroup_dir, 0); ++attempt) {
        wait_a_little();
      }
    }
    // Unread commands would make the harness's next read fail (ECONNRESET).
    char command;
    while (::recv(plan->channel_fd, &command, 1, MSG_DONTWAIT) > 0) {
    }
    if (!main_exited) record_main(CLD_EXITED, -1);  // cannot happen: the main process was a child
    send(exited);
    ::_exit(0);
  }

  // The harness is gone: clean up, unless told to leave the implementation
  // running (testing only).
  [[noreturn]] void harness_gone() {
    if (plan->outlive_harness) ::_exit(0);
    finish();
  }

  [[noreturn]] void watch() {
    for (;;) {
      if (take_signals()) harness_gone();  // SIGTERM: PR_SET_PDEATHSIG
      if (reap_until_main_exits()) {
        signal_main_group(SIGKILL);  // while its zombie pins the group id
        finish();
      }
      pollfd fds[2] = {{plan->channel_fd, POLLIN, 0}, {signals, POLLIN, 0}};
      const int ready = ::poll(fds, signals >= 0 ? 2 : 1, signals >= 0 ? -1 : 10);
      if (ready < 0 && errno != EINTR) finish();
      if (ready <= 0 || fds[0].revents == 0) continue;
      char command = 0;
      const ssize_t n = ::recv(plan->channel_fd, &command, 1, MSG_DONTWAIT);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) harness_gone();  // EOF
      if (command == kTerminate) signal_main_group(SIGTERM);
      if (command == kKill) finish();
    }
  }
};

// Closes every descriptor but the plan's (a keeper must not hold other
// keepers' channels or the harness's sockets).
void close_all_but(const KeeperPlan& plan) {
  int keep[] = {plan.channel_fd, plan.report_fd, plan.stdin_fd, plan.stdout_fd, plan.stderr_fd};
  constexpr int kKeep = sizeof keep / sizeof keep[0];
  for (int i = 1; i < kKeep; ++i) {  // insertion sort: five numbers
    for (int j = i; j > 0 && keep[j - 1] > keep[j]; --j) {
      const int t = keep[j];
      keep[j] = keep[j - 1];
      keep[j - 1] = t;
    }
  }
  unsigned first = 3;
  for (const int fd : keep) {
    if (fd < 0 || static_cast<unsigned>(fd) < first) continue;
    if (static_cast<unsigned>(fd) > first) ::close_range(first, fd - 1, 0);
    first = static_cast<unsigned>(fd) + 1;
  }
  ::close_range(first, ~0U, 0);
}

[[noreturn]] void fail(const KeeperPlan& plan, Stage stage, int err) {
  const ChildReport report{static_cast<int>(stage), err};
  [[maybe_unused]] const ssize_t ignored = ::write(plan.report_fd, &report, sizeof report);
  ::_exit(127);
}

// Forks the implementation, straight into its cgroup when it has one
// (clone3 with CLONE_INTO_CGROUP, Linux 5.7: joining at birth is cheap, while
// moving a running process costs an RCU grace period, about 5 ms here); else,
// or when the kernel refuses, a plain fork (`in_cgroup` stays false).
pid_t fork_implementation(const KeeperPlan& plan, bool& in_cgroup) {
  if (plan.cgroup_dir != nullptr) {
    const int cgroup = ::open(plan.cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgroup >= 0) {
      clone_args args{};
      args.flags = CLONE_INTO_CGROUP;
      args.exit_signal = SIGCHLD;
      args.cgroup = static_cast<std::uint64_t>(cgroup);
      const long pid = ::syscall(SYS_clone3, &args, sizeof args);
      if (pid == 0) {
        in_cgroup = true;
        ::close(cgroup);
        return 0;
      }
      ::close(cgroup);
      if (pid > 0) {
        in_cgroup = true;
        return static_cast<pid_t>(pid);
      }
    }
  }
  return ::fork();
}

// The implementation's side of the keeper's fork: set-up, then execve.
[[noreturn]] void exec_implementation(const KeeperPlan& plan, pid_t keeper, bool in_cgroup) {
  // A clean signal state: the keeper blocks everything, and the harness may
  // ignore SIGPIPE; both would survive exec.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) {
      struct sigaction dfl {};
      dfl.sa_handler = SIG_DFL;
      ::sigemptyset(&dfl.sa_mask);
      ::sigaction(sig, &dfl, nullptr);
    }
  }
  // Own process group, so a stop's SIGTERM reaches its children too.
  if (::setpgid(0, 0) != 0) fail(plan, Stage::kSetpgid, errno);
  // Die with the keeper, even if it is SIGKILLed...
  if (!plan.outlive_harness) {
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail(plan, Stage::kPdeathsig, errno);
    // ...including when it died before the line above ran.
    if (::getppid() != keeper) ::_exit(127);
  }
  // Best effort: without the cgroup, the keeper's process tree still holds it.
  if (!in_cgroup && plan.cgroup_procs != nullptr) write_small_file(plan.cgroup_procs, "0");
  if (plan.working_directory != nullptr && ::chdir(plan.working_directory) != 0) {
    fail(plan, Stage::kChdir, errno);
  }
  if (::dup2(plan.stdin_fd, 0) < 0 || ::dup2(plan.stdout_fd, 1) < 0 ||
      ::dup2(plan.stderr_fd, 2) < 0) {
    fail(plan, Stage::kDup, errno);
  }
  // Descriptors someone opened without O_CLOEXEC must not leak into the
  // implementation (a leaked pipe end would hide another child's EOF).
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);  // best effort
  ::execve(plan.path, plan.argv, plan.envp);
  fail(plan, Stage::kExec, errno);
}

}  // namespace

[[noreturn]] void run_keeper(const KeeperPlan& plan) {
  sigset_t all;
  ::sigfillset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;  // SIG_IGN would let the kernel reap our children
  ::sigemptyset(&dfl.sa_mask);
  ::sigaction(SIGCHLD, &dfl, nullptr);
  ::prctl(PR_SET_NAME, "mcpgym-keeper");
  // SIGTERM (blocked, read from the signalfd) when the harness's spawner
  // thread, which lives as long as the harness, is gone.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != plan.harness) ::_exit(0);  // gone already: nothing was started
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  // Out of the harness's process group: a signal to that whole group (a
  // terminal's ^C, `kill -9 -<pgid>`) is the harness's to handle, and must not
  // take the keeper down before it has cleaned up.
  ::setpgid(0, 0);
  close_all_but(plan);

  Keeper keeper;
  keeper.plan = &plan;
  sigset_t watched;
  ::sigemptyset(&watched);
  ::sigaddset(&watched, SIGCHLD);
  ::sigaddset(&watched, SIGTERM);
  keeper.signals = ::signalfd(-1, &watched, SFD_CLOEXEC | SFD_NONBLOCK);

  const pid_t self = ::getpid();
  bool in_cgroup = false;
  const pid_t main = fork_implementation(plan, in_cgroup);
  if (main == 0) exec_implementation(plan, self, in_cgroup);
  if (main < 0) fail(plan, Stage::kFork, errno);
  keeper.main = main;
  keeper.send(KeeperMessage{KeeperMessage::kStarted, main, 0, 0});
  // The implementation has its copies; ours would hide its EOF from the harness.
  for (const int fd : {plan.report_fd, plan.stdin_fd, plan.stdout_fd, plan.stderr_fd}) {
    ::close(fd);
  }
  keeper.watch();
}

// ---------------------------------------------------------------------------
// harness side

bool proc_children_supported() {
  static const bool supported = ::access("/proc/thread-self/children", R_OK) == 0;
  return supported;
}

namespace {

// The directory of the harness's own cgroup in a cgroup2 hierarchy that we
// may write; empty otherwise.
std::filesystem::path own_cgroup_directory() {
  namespace fs = std::filesystem;
  std::string relative;
  {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("0::", 0) == 0) relative = line.substr(3);
    }
  }
  if (relative.empty() || relative.find("..") != std::string::npos) return {};
  for (const char* mount : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    struct statfs fs_info {};
    if (::statfs(mount, &fs_info) != 0 ||
        fs_info.f_type != static_cast<decltype(fs_info.f_type)>(CGROUP2_SUPER_MAGIC)) {
      continue;
    }
    const fs::path directory = fs::path(mount) / fs::path(relative).relative_path();
    if (::access(directory.c_str(), W_OK) == 0) return directory;
  }
  return {};
}

}  // namespace

std::optional<std::filesystem::path> create_cgroup(const std::string& name) {
  static const std::filesystem::path base = own_cgroup_directory();
  static std::atomic<bool> usable{true};  // false once a cgroup came without cgroup.kill
  static std::atomic<unsigned> counter{0};
  if (base.empty() || !usable.load()) return std::nullopt;
  const auto directory = base / ("mcpgym-" + std::to_string(::getpid()) + "-" +
                                 std::to_string(counter++) + "-" + name);
  if (::mkdir(directory.c_str(), 0755) != 0) return std::nullopt;
  // cgroup.kill (Linux 5.14) is the point; the root cgroup has none, so ask a child.
  if (::access((directory / "cgroup.kill").c_str(), W_OK) != 0) {
    usable.store(false);
    ::rmdir(directory.c_str());
    return std::nullopt;
  }
  return directory;
}

bool remove_cgroup(const std::filesystem::path& cgroup) {
  return remove_cgroup_tree(cgroup.c_str(), 0);
}

}  // namespace mcpgym::harness::internal
