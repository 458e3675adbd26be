#pragma once
// Logged output of an implementation: its pipes copied into bounded logs by
// threads of the harness (not part of the supervisor's interface).
#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/expected.hpp"
#include "harness/process/bounded_log.hpp"
#include "harness/process/fd.hpp"

namespace mcpgym::harness::internal {

// Bytes read after finish() before giving up on a writer that survived.
inline constexpr std::size_t kFinalDrainLimit = 1 << 20;

// Copies a pipe into a BoundedLog on a thread of its own, so that a chatty
// child never blocks on a full pipe, until finish() once the child is gone.
class LogDrain {
 public:
  LogDrain(Fd source, BoundedLog log) : source_(std::move(source)), log_(std::move(log)) {}
  LogDrain(const LogDrain&) = delete;
  LogDrain& operator=(const LogDrain&) = delete;
  ~LogDrain() { finish(); }

  int source_fd() const { return source_.get(); }
  // Before start(): whoever reads source_fd() itself logs what it read here.
  void log(std::string_view data) { log_.write(data); }

  // From now on a thread of its own copies the pipe into the log.
  void start();

  // Copies into the log what the pipe holds now (up to kFinalDrainLimit
  // bytes), so that a reader of the log file sees everything the child wrote
  // before the call. Before start() it does nothing.
  void flush();

  // Once every writer is gone: reads what the pipe still holds (at most
  // kFinalDrainLimit bytes, so a writer that somehow survived cannot keep us
  // here), then ends. Idempotent. Before start() it does nothing: the pipe is
  // still the readiness wait's to read.
  void finish();

 private:
  // One read of the pipe into the log, under io_mu_: what it copied, 0 at
  // EOF, -1 when nothing is there (EAGAIN) or on an error (errno says which).
  ssize_t copy_once(std::vector<char>& buffer);

  // `wake_` (an eventfd) and `finish_` say the same; without an eventfd (none
  // could be made) the flag is polled.
  void run();

  Fd source_;
  BoundedLog log_;
  Fd wake_;
  std::mutex io_mu_;  // one reader of the pipe at a time, so the log keeps the order
  std::atomic<bool> started_{false};
  std::atomic<bool> finish_{false};
  std::thread thread_;
};

// A pipe whose read end a LogDrain copies into a bounded log at `path`; the
// write end is the child's.
struct LoggedPipe {
  Fd child_end;
  std::unique_ptr<LogDrain> drain;
};

Expected<LoggedPipe, std::string> logged_pipe(const std::filesystem::path& path,
                                              std::size_t limit_bytes);

}  // namespace mcpgym::harness::internal
