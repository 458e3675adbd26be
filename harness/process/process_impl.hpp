#pragma once
// The Process that launch() hands out: an implementation under its keeper,
// its logs and, with stdio_pipes, its stdin and stdout (not part of the
// supervisor's interface).
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/process/fd.hpp"
#include "harness/process/log_drain.hpp"
#include "harness/process/spawn.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::harness::internal {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often an exit is looked for while waiting for one (no pidfd here).
inline constexpr milliseconds kExitPollInterval{2};

struct Streams {
  // stdio_pipes
  Fd stdin_write;
  Fd stdout_read_for_client;
  // logged stdout (absent with stdio_pipes) and stderr
  std::unique_ptr<LogDrain> stdout_drain;
  std::unique_ptr<LogDrain> stderr_drain;
};

class ProcessImpl final : public Process {
 public:
  ProcessImpl(Spawned spawned, std::optional<std::filesystem::path> cgroup,
              std::vector<std::string> argv, std::optional<int> port,
              std::filesystem::path stdout_log, std::filesystem::path stderr_log, Streams streams);

  ~ProcessImpl() override;

  pid_t pid() const override { return pid_; }
  const std::vector<std::string>& argv() const override { return argv_; }
  std::optional<int> port() const override { return port_; }
  const std::string& url() const override { return url_; }

  std::optional<ExitStatus> poll_exit() override;

  ExitStatus stop(milliseconds grace) override;

  std::string stderr_tail(std::size_t lines) const override;
  void flush_logs() override;
  const std::filesystem::path& stdout_log() const override { return stdout_log_; }
  const std::filesystem::path& stderr_log() const override { return stderr_log_; }

  int stdin_fd() const override {
    std::lock_guard lock(stdin_mu_);
    return streams_.stdin_write.get();
  }
  int stdout_fd() const override { return streams_.stdout_read_for_client.get(); }
  void close_stdin() override {
    std::lock_guard lock(stdin_mu_);
    streams_.stdin_write.reset();
  }

  // --- used by launch() before the Process is handed out ---

  void set_url(std::string url) { url_ = std::move(url); }
  // The logged stdout, for the readiness wait to read before start_stdout_drain(); -1 with stdio.
  int stdout_read_fd() const {
    return streams_.stdout_drain ? streams_.stdout_drain->source_fd() : -1;
  }
  void log_stdout(std::string_view data) {
    if (streams_.stdout_drain) streams_.stdout_drain->log(data);
  }
  // From now on a background thread copies stdout to its log.
  void start_stdout_drain();

 private:
  // MSG_NOSIGNAL: a keeper that is gone must not cost the harness a SIGPIPE.
  void tell_keeper(char command);

  // Whether the process has exited. The keeper reports it once the main
  // process has ended and everything it left has been killed and reaped;
  // then the keeper is reaped, the logs are drained to their end and the
  // cgroup is removed.
  bool observe_exit_locked(bool block);
  // Once the exit is known: reaps the keeper, drains the logs to their end
  // and removes the cgroup.
  void clean_up_after_exit();

  const pid_t pid_;
  const pid_t keeper_;
  Fd channel_;
  const std::optional<std::filesystem::path> cgroup_;
  const std::vector<std::string> argv_;
  const std::optional<int> port_;
  std::string url_;
  const std::filesystem::path stdout_log_;
  const std::filesystem::path stderr_log_;

  mutable std::mutex stdin_mu_;
  Streams streams_;

  std::mutex stop_mu_;  // one stop() at a time
  std::mutex mu_;       // status_ and waiting
  std::optional<ExitStatus> status_;
};

// The last `lines` lines of the file at `path` (looked for in its last 4 MiB).
std::string read_tail(const std::filesystem::path& path, std::size_t lines);

}  // namespace mcpgym::harness::internal
