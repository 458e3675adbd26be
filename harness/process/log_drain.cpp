#include "harness/process/log_drain.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "harness/process/quiet_thread.hpp"

namespace mcpgym::harness::internal {

void LogDrain::start() {
  if (!source_ || thread_.joinable()) return;
  // Non-blocking: flush() and the thread both read, each after its own poll.
  ::fcntl(source_.get(), F_SETFL, ::fcntl(source_.get(), F_GETFL) | O_NONBLOCK);
  wake_.reset(::eventfd(0, EFD_CLOEXEC));
  if (wake_) wake_ = above_stdio(wake_.release());
  started_.store(true);
  thread_ = start_quiet_thread([this] { run(); });
}

void LogDrain::flush() {
  if (!started_.load()) return;
  std::lock_guard lock(io_mu_);
  std::vector<char> buffer(64 * 1024);
  for (std::size_t copied = 0; source_ && copied < kFinalDrainLimit;) {
    const ssize_t n = copy_once(buffer);
    if (n <= 0) break;
    copied += static_cast<std::size_t>(n);
  }
}

void LogDrain::finish() {
  if (!thread_.joinable()) return;
  finish_.store(true);
  if (wake_) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t ignored = ::write(wake_.get(), &one, sizeof one);
  }
  thread_.join();
  std::lock_guard lock(io_mu_);
  source_.reset();
  wake_.reset();
}

ssize_t LogDrain::copy_once(std::vector<char>& buffer) {
  ssize_t n;
  do {
    n = ::read(source_.get(), buffer.data(), buffer.size());
  } while (n < 0 && errno == EINTR);
  // A failing log (disk full) must not stop the draining.
  if (n > 0) log_.write(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  return n;
}

void LogDrain::run() {
  const int out = source_.get();
  const int wake = wake_.get();
  std::vector<char> buffer(64 * 1024);
  bool finishing = false;
  std::size_t after_stop = 0;
  for (;;) {
    if (!finishing && finish_.load()) finishing = true;
    pollfd fds[2] = {{out, POLLIN, 0}, {wake, POLLIN, 0}};
    const int timeout = finishing ? 0 : wake >= 0 ? -1 : 50;
    const int ready = ::poll(fds, finishing || wake < 0 ? 1 : 2, timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (ready == 0) {
      if (finishing) return;  // nothing is left
      continue;
    }
    if (!finishing && wake >= 0 && (fds[1].revents & POLLIN) != 0) finishing = true;
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    ssize_t n;
    {
      std::lock_guard lock(io_mu_);
      n = copy_once(buffer);
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) continue;  // flush() took it
      return;
    }
    if (n == 0) return;
    if (finishing && (after_stop += static_cast<std::size_t>(n)) > kFinalDrainLimit) return;
  }
}
Expected<LoggedPipe, std::string> logged_pipe(const std::filesystem::path& path,
                                              std::size_t limit_bytes) {
  auto log = BoundedLog::open(path, limit_bytes);
  if (!log) return unexpected(log.error());
  auto pipe = make_pipe();
  if (!pipe) return unexpected(pipe.error());
  return LoggedPipe{std::move(pipe->write),
                    std::make_unique<LogDrain>(std::move(pipe->read), std::move(*log))};
}

}  // namespace mcpgym::harness::internal
