#pragma once
// The keeper: a small process between the harness and each implementation,
// so that nothing the implementation starts outlives the harness (see
// docs/design.md, "The supervisor", and docs/reliability.md, "Processes").
//
//   harness --fork--> keeper --fork+exec--> implementation --> its descendants
//
// The keeper is a forked child of the harness that never execs, so its code
// (run_keeper and everything it calls) is async-signal-safe: system calls,
// fixed buffers, no allocation, no locks. It is a child subreaper, so a
// descendant that escapes with setsid() or a double fork is re-parented to
// it; it notices the harness's death (PR_SET_PDEATHSIG, and the EOF of its
// channel) and sits in a process group of its own, so a signal to the
// harness's group does not take it down first; and when the implementation's main process ends,
// when the harness asks, or when the harness is gone, it kills the implementation's process group,
// then every descendant it still has (and its cgroup, when it got one), reaps them, reports the
// main process's exit status and exits.
//
// Harness and keeper talk over one SOCK_SEQPACKET socket pair (whole
// messages, and MSG_NOSIGNAL spares the harness a SIGPIPE):
//   harness -> keeper: one byte, kTerminate or kKill;
//   keeper -> harness: KeeperMessage, first kStarted, at the end kExited.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace mcpgym::harness::internal {

// Commands, harness -> keeper.
constexpr char kTerminate = 'T';  // SIGTERM to the implementation's process group
constexpr char kKill = 'K';       // SIGKILL to everything, then report and exit

// Messages, keeper -> harness.
struct KeeperMessage {
  enum Kind : std::int32_t { kStarted = 1, kExited = 2 };
  std::int32_t kind = 0;
  std::int32_t pid = 0;      // kStarted: the implementation's pid
  std::int32_t si_code = 0;  // kExited: CLD_EXITED, CLD_KILLED or CLD_DUMPED
  std::int32_t status = 0;   // kExited: exit code or signal number
};

// Where the implementation's set-up failed, reported through `report_fd`.
enum class Stage : int { kFork = 1, kSetpgid, kPdeathsig, kChdir, kDup, kExec };

struct ChildReport {
  int stage;
  int error;
};

// Everything the keeper needs, prepared before the fork (the keeper only reads it).
struct KeeperPlan {
  pid_t harness = -1;   // the forking process
  int channel_fd = -1;  // the keeper's end of the socket pair
  int report_fd = -1;   // close-on-exec pipe: a ChildReport on failure
  int stdin_fd = -1;    // the implementation's standard descriptors
  int stdout_fd = -1;
  int stderr_fd = -1;
  const char* working_directory = nullptr;  // null: stay
  const char* path = nullptr;               // what to execve
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  // A cgroup v2 directory of the implementation's own (null: none): the
  // implementation joins it through `cgroup_procs` before exec, and the
  // keeper's final sweep writes "1" to `cgroup_kill` and removes `cgroup_dir`.
  const char* cgroup_dir = nullptr;
  const char* cgroup_procs = nullptr;
  const char* cgroup_kill = nullptr;
  bool proc_children = false;  // /proc/<pid>/task/<tid>/children exists
  // LaunchSpec::testing_outlive_harness: when the harness is gone, exit and
  // leave the implementation running; it does not die with the keeper.
  bool outlive_harness = false;
};

// The keeper's whole life; never returns.
[[noreturn]] void run_keeper(const KeeperPlan& plan);

// --- harness side (ordinary code) ---

// Whether this kernel lists children in /proc/<pid>/task/<tid>/children
// (CONFIG_PROC_CHILDREN); otherwise the keeper scans /proc/*/stat.
bool proc_children_supported();

// A new, empty cgroup v2 directory for one implementation, below the
// harness's own cgroup, when the cgroup2 hierarchy is mounted (at
// /sys/fs/cgroup or /sys/fs/cgroup/unified), has cgroup.kill and is writable;
// nullopt otherwise (the keeper then relies on its process tree alone).
std::optional<std::filesystem::path> create_cgroup(const std::string& name);

// Removes a cgroup made by create_cgroup once it is empty; false while it is not.
bool remove_cgroup(const std::filesystem::path& cgroup);

}  // namespace mcpgym::harness::internal
