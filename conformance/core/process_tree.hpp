#pragma once
// Processes the suite looks at by pid through /proc: a proxy's backends, whose
// pids the instrumented backend's audit records. The suite signals only
// processes it started; descends_from() tells which those are, and a
// SeenProcess (pid and start time) is never confused with a later process
// that reuses the pid.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <vector>

namespace mcpgym::conformance {

// Whether `pid` is a descendant of `ancestor` (parent links in /proc).
bool descends_from(pid_t pid, pid_t ancestor);

// The running children of `parent` (every /proc/<pid>/stat whose ppid it is).
std::vector<pid_t> children_of(pid_t parent);

// A process as seen once: its pid and start time (clock ticks since boot).
struct SeenProcess {
  pid_t pid = 0;
  unsigned long long start_time = 0;
};

// The process `pid` now, or nullopt when there is none (or only its zombie).
std::optional<SeenProcess> see_process(pid_t pid);

// Whether the process seen is still running (not ended, not a zombie, its
// pid not reused).
bool still_running(const SeenProcess& process);

// Waits until the process has ended or `timeout` has passed; true when it
// ended. Waits on a pidfd where the kernel has them (no polling then).
bool wait_until_gone(const SeenProcess& process, std::chrono::milliseconds timeout);

}  // namespace mcpgym::conformance
