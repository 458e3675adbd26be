#include "harness/process/process_impl.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "common/fd_io.hpp"
#include "common/log.hpp"
#include "harness/process/internal.hpp"
#include "harness/process/keeper.hpp"

namespace mcpgym::harness {

std::optional<ExitStatus> Process::wait_exit(std::chrono::milliseconds timeout) {
  using internal::Clock;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto status = poll_exit()) return status;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(internal::kExitPollInterval);  // a short poll: no pidfd here
  }
}

namespace internal {

namespace {

bool write_all_to_file(const std::filesystem::path& path, std::string_view text) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  return fd && write_all(fd.get(), text);
}

// Kills a cgroup's processes and removes it once they are gone (cgroup.kill
// does not wait), giving up after a second.
void kill_cgroup(const std::filesystem::path& cgroup) {
  constexpr milliseconds kEmptyingDeadline{1000};
  write_all_to_file(cgroup / "cgroup.kill", "1");
  const auto deadline = Clock::now() + kEmptyingDeadline;
  while (!remove_cgroup(cgroup) && Clock::now() < deadline) {
    std::this_thread::sleep_for(kExitPollInterval);
  }
}

ExitStatus status_from(const KeeperMessage& message) {
  if (message.si_code == CLD_EXITED) return ExitStatus{false, message.status};
  return ExitStatus{true, message.status};  // CLD_KILLED, CLD_DUMPED
}

}  // namespace

std::string read_tail(const std::filesystem::path& path, std::size_t lines) {
  if (lines == 0) return "";
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return "";
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return "";
  constexpr off_t kMaxRead = 4 << 20;  // lines beyond 4 MiB from the end are not looked for
  const off_t size = st.st_size;
  off_t start = size;
  off_t chunk_size = 8192;  // doubles, so reading back is linear in what is read
  std::string data;
  for (;;) {
    const off_t from = std::max<off_t>(0, start - chunk_size);
    chunk_size *= 2;
    std::string chunk(static_cast<std::size_t>(start - from), '\0');
    std::size_t got = 0;
    while (got < chunk.size()) {
      const ssize_t n =
          ::pread(fd.get(), chunk.data() + got, chunk.size() - got, from + static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    chunk.resize(got);
    data.insert(0, chunk);
    start = from;
    // Count line starts from the end; a final newline ends the last line.
    std::size_t end = data.size();
    if (end > 0 && data[end - 1] == '\n') --end;
    std::size_t found = 0;
    std::size_t pos = end;
    while (pos > 0) {
      const std::size_t nl = data.rfind('\n', pos - 1);
      if (nl == std::string::npos) break;
      if (++found == lines) return data.substr(nl + 1);
      pos = nl;
    }
    if (start == 0) return data;
    if (size - start >= kMaxRead) {
      const std::size_t first = data.find('\n');
      return first == std::string::npos ? data : data.substr(first + 1);
    }
  }
}

ProcessImpl::ProcessImpl(Spawned spawned, std::optional<std::filesystem::path> cgroup,
                         std::vector<std::string> argv, std::optional<int> port,
                         std::filesystem::path stdout_log, std::filesystem::path stderr_log,
                         Streams streams)
    : pid_(spawned.pid),
      keeper_(spawned.keeper),
      channel_(std::move(spawned.channel)),
      cgroup_(std::move(cgroup)),
      argv_(std::move(argv)),
      port_(port),
      stdout_log_(std::move(stdout_log)),
      stderr_log_(std::move(stderr_log)),
      streams_(std::move(streams)) {
  streams_.stderr_drain->start();  // stderr is never read by anyone else
}

ProcessImpl::~ProcessImpl() {
  stop(std::chrono::seconds(2));  // the interface's default grace
  std::lock_guard lock(stdin_mu_);
  streams_.stdin_write.reset();
}

std::optional<ExitStatus> ProcessImpl::poll_exit() {
  std::lock_guard lock(mu_);
  observe_exit_locked(false);
  return status_;
}

ExitStatus ProcessImpl::stop(milliseconds grace) {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    if (!observe_exit_locked(false)) tell_keeper(kTerminate);
  }
  const auto deadline = Clock::now() + grace;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (observe_exit_locked(false)) break;
      if (Clock::now() >= deadline) {
        tell_keeper(kKill);
        observe_exit_locked(true);
        break;
      }
    }
    std::this_thread::sleep_for(kExitPollInterval);
  }
  std::lock_guard lock(mu_);
  return *status_;
}

std::string ProcessImpl::stderr_tail(std::size_t lines) const {
  streams_.stderr_drain->flush();
  return read_tail(stderr_log_, lines);
}

void ProcessImpl::flush_logs() {
  if (streams_.stdout_drain) streams_.stdout_drain->flush();
  streams_.stderr_drain->flush();
}

void ProcessImpl::start_stdout_drain() {
  if (!streams_.stdout_drain) return;
  streams_.stdout_drain->start();
  // An exit seen during the readiness wait found nothing to finish yet.
  std::lock_guard lock(mu_);
  if (status_) streams_.stdout_drain->finish();
}

void ProcessImpl::tell_keeper(char command) {
  ssize_t n;
  do {
    n = ::send(channel_.get(), &command, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
}

bool ProcessImpl::observe_exit_locked(bool block) {
  if (status_) return true;
  KeeperMessage message{};
  ssize_t n;
  do {
    n = ::recv(channel_.get(), &message, sizeof message, block ? 0 : MSG_DONTWAIT);
    // ECONNRESET: the keeper ended with a command of ours unread; the
    // error is reported once, then what it sent can be read.
  } while ((n < 0 && (errno == EINTR || errno == ECONNRESET)) ||
           (n == static_cast<ssize_t>(sizeof message) && message.kind != KeeperMessage::kExited));
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
  if (n == static_cast<ssize_t>(sizeof message)) {
    status_ = status_from(message);
  } else {
    log_warn("[mcpgym.process] the keeper (pid " + std::to_string(keeper_) + ") of pid " +
             std::to_string(pid_) + " (" + internal::display_command(argv_) +
             ") ended without reporting an exit status; was it killed?");
    status_ = ExitStatus{false, -1};
    // What the keeper could not sweep, its cgroup still holds.
    if (cgroup_) kill_cgroup(*cgroup_);
  }
  clean_up_after_exit();
  return true;
}

void ProcessImpl::clean_up_after_exit() {
  int raw = 0;
  while (::waitpid(keeper_, &raw, 0) < 0 && errno == EINTR) {
  }
  if (streams_.stdout_drain) streams_.stdout_drain->finish();
  streams_.stderr_drain->finish();
  if (cgroup_) remove_cgroup(*cgroup_);
}

}  // namespace internal

}  // namespace mcpgym::harness
