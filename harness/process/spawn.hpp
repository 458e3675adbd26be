#pragma once
// Starting an implementation: the harness forks a keeper (keeper.hpp) on the
// spawner thread (spawner.hpp), which forks and execs the implementation and
// stays its parent. A set-up or exec failure of the implementation comes back
// through a close-on-exec pipe of our own (stage and errno); its EOF means the
// exec happened. The keeper then reports the implementation's pid, and at the
// end its exit status, over a socket pair (not part of the supervisor's
// interface).
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "harness/process/fd.hpp"

namespace mcpgym::harness::internal {

// The implementation as its keeper started it (see keeper.hpp).
struct Spawned {
  pid_t keeper = -1;
  pid_t pid = -1;  // the implementation's main process
  Fd channel;      // the harness's end of the socket pair
};

// The child's standard descriptors (the harness keeps owning them).
struct ChildStdio {
  int in = -1;
  int out = -1;
  int err = -1;
};

// The program to execve: argv[0] as a shell would find it. A name with a slash
// is a path (relative ones from the working directory, as after `cd`); other
// names are looked up in PATH.
Expected<std::filesystem::path, std::string> resolve_program(
    const std::string& program, const std::optional<std::filesystem::path>& working_directory);

// Forks the keeper on the spawner thread; the keeper forks and execs `path`
// with `argv` in `cgroup` when there is one. Returns once the exec happened
// (or failed: the error says why).
Expected<Spawned, std::string> spawn(const std::filesystem::path& path,
                                     const std::vector<std::string>& argv,
                                     const std::optional<std::filesystem::path>& working_directory,
                                     ChildStdio stdio,
                                     const std::optional<std::filesystem::path>& cgroup,
                                     bool outlive_harness = false);

}  // namespace mcpgym::harness::internal
