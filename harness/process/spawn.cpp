#include "harness/process/spawn.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "harness/process/keeper.hpp"
#include "harness/process/spawner.hpp"

extern char** environ;

namespace mcpgym::harness::internal {

namespace {

bool is_executable_file(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

// "'<path>'", built by appending: g++ 12 at -O3 reports a false -Wrestrict overlap
// for `"'" + p.string()` (operator+ inserting into the front of a temporary).
std::string quoted_path(const std::filesystem::path& p) {
  std::string text = "'";
  text += p.native();
  text += '\'';
  return text;
}

std::string stage_text(Stage stage) {
  switch (stage) {
    case Stage::kFork:
      return "fork";
    case Stage::kSetpgid:
      return "setpgid(0, 0)";
    case Stage::kPdeathsig:
      return "prctl(PR_SET_PDEATHSIG)";
    case Stage::kChdir:
      return "chdir";
    case Stage::kDup:
      return "dup2";
    case Stage::kExec:
      return "execve";
  }
  return "set-up";
}

// The strings a KeeperPlan points into, kept alive until the keeper is forked.
struct PlanText {
  std::string path;
  std::string working_directory;
  std::vector<char*> argv;  // into the caller's argv, null-terminated
  std::string cgroup_dir;
  std::string cgroup_procs;
  std::string cgroup_kill;
};

PlanText plan_text(const std::filesystem::path& path, const std::vector<std::string>& argv,
                   const std::optional<std::filesystem::path>& working_directory,
                   const std::optional<std::filesystem::path>& cgroup) {
  PlanText text;
  text.path = path.string();
  if (working_directory) text.working_directory = working_directory->string();
  for (const auto& word : argv)
    text.argv.push_back(const_cast<char*>(word.c_str()));
  text.argv.push_back(nullptr);
  if (cgroup) {
    text.cgroup_dir = cgroup->string();
    text.cgroup_procs = (*cgroup / "cgroup.procs").string();
    text.cgroup_kill = (*cgroup / "cgroup.kill").string();
  }
  return text;
}

// What the keeper needs, all of it ready before the fork: after it, the keeper
// may only make async-signal-safe calls.
KeeperPlan keeper_plan(PlanText& text, bool has_working_directory, bool has_cgroup,
                       ChildStdio stdio, int channel_fd, int report_fd) {
  KeeperPlan plan;
  plan.harness = ::getpid();
  plan.channel_fd = channel_fd;
  plan.report_fd = report_fd;
  plan.stdin_fd = stdio.in;
  plan.stdout_fd = stdio.out;
  plan.stderr_fd = stdio.err;
  plan.working_directory = has_working_directory ? text.working_directory.c_str() : nullptr;
  plan.path = text.path.c_str();
  plan.argv = text.argv.data();
  plan.envp = environ;
  if (has_cgroup) {
    plan.cgroup_dir = text.cgroup_dir.c_str();
    plan.cgroup_procs = text.cgroup_procs.c_str();
    plan.cgroup_kill = text.cgroup_kill.c_str();
  }
  plan.proc_children = proc_children_supported();
  return plan;
}

// The harness's end and the keeper's end of the keeper's socket pair.
struct Channel {
  Fd harness_end;
  Fd keeper_end;
};

Expected<Channel, std::string> make_channel() {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return unexpected("socketpair(2) failed: " + errno_text(errno));
  }
  Channel channel{above_stdio(pair[0]), above_stdio(pair[1])};
  if (!channel.harness_end || !channel.keeper_end) {
    return unexpected("fcntl(2) failed: " + errno_text(errno));
  }
  return channel;
}

// Forks the keeper on the spawner thread: its pid, or the fork's errno.
Expected<pid_t, std::string> fork_keeper(const KeeperPlan& plan) {
  pid_t keeper = -1;
  int fork_error = 0;
  run_on_spawner_thread([&] {
    keeper = ::fork();
    if (keeper == 0) run_keeper(plan);  // never returns
    if (keeper < 0) fork_error = errno;
  });
  if (keeper < 0) return unexpected("fork(2) failed: " + errno_text(fork_error));
  return keeper;
}

void reap(pid_t keeper) {
  int raw = 0;
  while (::waitpid(keeper, &raw, 0) < 0 && errno == EINTR) {
  }
}

// The child's report of a failed set-up or exec, or nothing once the report
// pipe closed on exec (or when the keeper ended).
std::optional<ChildReport> read_child_report(int report_fd) {
  ChildReport report{};
  ssize_t n;
  do {
    n = ::read(report_fd, &report, sizeof report);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof report)) return std::nullopt;
  return report;
}

std::string describe_failure(const ChildReport& report, const PlanText& text) {
  const auto stage = static_cast<Stage>(report.stage);
  if (stage == Stage::kChdir) {
    return "cannot enter the working directory '" + text.working_directory +
           "': " + errno_text(report.error);
  }
  if (stage == Stage::kExec) {
    return "execve('" + text.path + "') failed: " + errno_text(report.error);
  }
  return "the child's " + stage_text(stage) + " failed: " + errno_text(report.error);
}

// The implementation's pid, from the keeper's first message.
std::optional<pid_t> await_started(int channel_fd) {
  KeeperMessage started{};
  ssize_t n;
  do {
    n = ::recv(channel_fd, &started, sizeof started, 0);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof started) || started.kind != KeeperMessage::kStarted) {
    return std::nullopt;
  }
  return started.pid;
}

}  // namespace

// The program to execve: argv[0] as a shell would find it. A name with a slash
// is a path (relative ones from the working directory, as after `cd`); other
// names are looked up in PATH.
Expected<std::filesystem::path, std::string> resolve_program(
    const std::string& program, const std::optional<std::filesystem::path>& working_directory) {
  namespace fs = std::filesystem;
  if (program.empty()) return unexpected(std::string("the program name is empty"));
  if (program.find('/') != std::string::npos) {
    fs::path p(program);
    if (p.is_relative()) {
      std::error_code ec;
      const fs::path base = working_directory ? *working_directory : fs::current_path(ec);
      p = fs::absolute(base / p, ec).lexically_normal();
    }
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      const int error = errno;  // before building the message allocates
      return unexpected(quoted_path(p) + " does not exist (" + errno_text(error) +
                        "); check the path");
    }
    if (S_ISDIR(st.st_mode)) return unexpected(quoted_path(p) + " is a directory");
    if (::access(p.c_str(), X_OK) != 0) {
      const int error = errno;  // before building the message allocates
      return unexpected(quoted_path(p) + " is not executable (" + errno_text(error) +
                        "); make it executable or run it through its interpreter");
    }
    return p;
  }
  const char* env_path = std::getenv("PATH");
  const std::string search = env_path != nullptr ? env_path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = std::min(search.find(':', begin), search.size());
    const std::string dir = search.substr(begin, end - begin);
    std::error_code ec;
    const fs::path candidate = fs::absolute(fs::path(dir.empty() ? "." : dir) / program, ec);
    if (!ec && is_executable_file(candidate)) return candidate;
    if (end == search.size()) break;
    begin = end + 1;
  }
  return unexpected("'" + program + "' was not found in PATH (" + search +
                    "); give its absolute path or add its directory to PATH");
}

Expected<Spawned, std::string> spawn(const std::filesystem::path& path,
                                     const std::vector<std::string>& argv,
                                     const std::optional<std::filesystem::path>& working_directory,
                                     ChildStdio stdio,
                                     const std::optional<std::filesystem::path>& cgroup,
                                     bool outlive_harness) {
  auto report = make_pipe();
  if (!report) return unexpected(report.error());
  auto channel = make_channel();
  if (!channel) return unexpected(channel.error());
  PlanText text = plan_text(path, argv, working_directory, cgroup);
  KeeperPlan plan = keeper_plan(text, working_directory.has_value(), cgroup.has_value(), stdio,
                                channel->keeper_end.get(), report->write.get());
  plan.outlive_harness = outlive_harness;

  const auto keeper = fork_keeper(plan);
  channel->keeper_end.reset();
  report->write.reset();
  if (!keeper) return unexpected(keeper.error());
  if (const auto failure = read_child_report(report->read.get())) {
    reap(*keeper);
    return unexpected(describe_failure(*failure, text));
  }
  const auto pid = await_started(channel->harness_end.get());
  if (!pid) {
    reap(*keeper);
    return unexpected(std::string("its keeper process ended before starting it"));
  }
  return Spawned{*keeper, *pid, std::move(channel->harness_end)};
}

}  // namespace mcpgym::harness::internal
