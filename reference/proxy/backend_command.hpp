#pragma once
// How the proxy starts a backend (docs/spec.md PROXY-006, PROXY-007): the
// command template resolved once, at start-up, against the directory the
// proxy was started from, and checked, so that a missing script stops the
// proxy before it listens instead of failing every session later.
#include <filesystem>
#include <optional>
#include <string>

#include "common/expected.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::proxy {

struct BackendOptions {
  std::optional<std::string> backend_template;  // --backend 'COMMAND {port} {seed} {config}'
  std::optional<std::string> server_script;     // --server-script PATH
  std::string interpreter = "python3";          // --interpreter, with --server-script
  std::filesystem::path start_directory;        // where the proxy was started
  // Testing only (--fault script-relative-to-exe), reproducing a proxy that
  // resolved the backend script against the wrong directory: relative paths
  // resolve against this directory instead of start_directory (a --backend
  // command still runs in start_directory).
  std::optional<std::filesystem::path> resolve_against;
  // Lean backends (--backend-threads): a --backend whose program is the
  // reference backend (mcpgym-frozenlake, mcpgym-gym) and whose template gives
  // no --threads gets "--threads N" appended; 0 leaves its default (64 worker
  // threads, far more than one session needs: 128 backends started at once
  // made 8,192 threads).
  int reference_backend_threads = 4;
};

// Whether `program` is the reference backend, by its file name.
bool is_reference_backend(const std::filesystem::path& program);

// The launch template and working directory; errors start with
// [mcpgym.proxy.bad_backend] and name the resolved absolute path.
// (Below, "the start directory" is resolve_against when that is set.)
//   --server-script S: INTERPRETER /abs/S --port {port} --seed {seed}, run in S's directory.
//   --backend T: T with its program made absolute (relative to the start
//   directory) or found on PATH, run in the start directory; plus
//   "--threads N" for a reference backend (reference_backend_threads).
Expected<harness::LaunchSpec, std::string> resolve_backend(const BackendOptions& options);

}  // namespace mcpgym::proxy
