// Launching, watching and stopping implementations under test.
//
// Spawning: the harness forks a keeper (keeper.hpp), which forks and execs the
// implementation and stays its parent: a child subreaper that kills and reaps
// everything the implementation started once it ends, when the harness asks,
// or when the harness dies, even by SIGKILL. A set-up or exec failure of the
// implementation comes back through a close-on-exec pipe of our own (stage and
// errno); its EOF means the exec happened. The keeper then reports the
// implementation's pid, and at the end its exit status, over a socket pair.
//
// Every fork happens on one process-lifetime "spawner" thread: Linux sends
// PR_SET_PDEATHSIG when the *thread* that forked the child exits, not the
// process, so a keeper forked from a short-lived worker thread would take its
// implementation down when that thread ends. The spawner thread ends only with
// the process.
//
// Reaping the implementation is the keeper's; the harness reaps only the
// keeper, after its exit report. (Anyone setting SIGCHLD to SIG_IGN or calling
// waitpid(-1) in the harness may steal the keeper's status, which no longer
// matters: the implementation's status comes over the socket.)
#include "harness/process/supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <regex>
#include <thread>

#include "common/fd_io.hpp"
#include "common/log.hpp"
#include "harness/process/bounded_log.hpp"
#include "harness/process/internal.hpp"
#include "harness/process/keeper.hpp"

extern char** environ;

namespace mcpgym::harness {

namespace {

using Clock = std::chrono::steady_clock;
using internal::BoundedLog;
using internal::ChildReport;
using internal::KeeperMessage;
using internal::KeeperPlan;
using internal::kKill;
using internal::kTerminate;
using internal::Stage;
using std::chrono::milliseconds;

constexpr std::size_t kMessageTailLines = 10;      // stderr lines quoted in a LaunchError
constexpr std::size_t kMaxMatchedLine = 4096;      // longer lines are matched on their start
constexpr milliseconds kFailedLaunchGrace{1000};   // stopping a process that never got ready
constexpr milliseconds kExitPollInterval{2};       // waiting for an exit after SIGTERM
constexpr milliseconds kReadinessSlice{10};        // how often readiness checks for an exit
constexpr std::size_t kFinalDrainLimit = 1 << 20;  // bytes read after stop() before giving up
constexpr std::size_t kMinLogLimit = 64 * 1024;    // one read of a pipe: smaller caps mean little

std::string errno_text(int err) {
  return std::strerror(err);
}

// ---------------------------------------------------------------------------
// File descriptors

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Our descriptors never sit on 0, 1 or 2 (a harness may have closed its own
// stdin), so dup2 onto the child's standard descriptors never meets itself.
Fd above_stdio(int fd) {
  if (fd < 0 || fd > 2) return Fd(fd);
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return Fd(moved);
}

struct Pipe {
  Fd read;
  Fd write;
};

Expected<Pipe, std::string> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return unexpected("pipe2(2) failed: " + errno_text(errno));
  Pipe p{above_stdio(fds[0]), above_stdio(fds[1])};
  if (!p.read || !p.write) return unexpected("fcntl(2) failed: " + errno_text(errno));
  return p;
}

// ---------------------------------------------------------------------------
// Threads that never take asynchronous signals (those belong to whoever waits
// for them, e.g. TerminationSignals); faults still reach their handlers.

template <class F>
std::thread start_quiet_thread(F&& body) {
  sigset_t quiet;
  sigset_t old;
  ::sigfillset(&quiet);
  for (const int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) {
    ::sigdelset(&quiet, sig);
  }
  ::pthread_sigmask(SIG_SETMASK, &quiet, &old);
  struct Restore {
    sigset_t* mask;
    ~Restore() { ::pthread_sigmask(SIG_SETMASK, mask, nullptr); }
  } restore{&old};
  return std::thread(std::forward<F>(body));
}

// ---------------------------------------------------------------------------
// The spawner thread (see the top of the file).

class Spawner {
 public:
  static Spawner& instance() {
    // Never destroyed: the thread must outlive every child, so it runs until
    // the process ends (reachable through this pointer, so no leak report).
    static Spawner* const spawner = new Spawner();
    return *spawner;
  }

  // Runs `job` on the spawner thread and waits for it.
  void run(const std::function<void()>& job) {
    Job entry{&job, false};
    std::unique_lock lock(mu_);
    queue_.push_back(&entry);
    work_.notify_one();
    done_.wait(lock, [&] { return entry.done; });
  }

 private:
  struct Job {
    const std::function<void()>* fn;
    bool done;
  };

  Spawner() {
    start_quiet_thread([this] { loop(); }).detach();
  }

  [[noreturn]] void loop() {
    for (;;) {
      std::unique_lock lock(mu_);
      work_.wait(lock, [&] { return !queue_.empty(); });
      Job* job = queue_.front();
      queue_.pop_front();
      lock.unlock();
      (*job->fn)();
      lock.lock();
      job->done = true;
      done_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable done_;
  std::deque<Job*> queue_;
};

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
  while (!internal::remove_cgroup(cgroup) && Clock::now() < deadline) {
    std::this_thread::sleep_for(kExitPollInterval);
  }
}

// ---------------------------------------------------------------------------
// Exit statuses

ExitStatus status_from(const KeeperMessage& message) {
  if (message.si_code == CLD_EXITED) return ExitStatus{false, message.status};
  return ExitStatus{true, message.status};  // CLD_KILLED, CLD_DUMPED
}

// ---------------------------------------------------------------------------
// Reading files

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

std::string indented_lines(const std::string& text) {
  std::string out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "\n  " + internal::excerpt(line, 300);
    begin = end + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Logs

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

  void start() {
    if (!source_ || thread_.joinable()) return;
    // Non-blocking: flush() and the thread both read, each after its own poll.
    ::fcntl(source_.get(), F_SETFL, ::fcntl(source_.get(), F_GETFL) | O_NONBLOCK);
    wake_.reset(::eventfd(0, EFD_CLOEXEC));
    if (wake_) wake_ = above_stdio(wake_.release());
    started_.store(true);
    thread_ = start_quiet_thread([this] { run(); });
  }

  // Copies into the log what the pipe holds now (up to kFinalDrainLimit
  // bytes), so that a reader of the log file sees everything the child wrote
  // before the call. Before start() it does nothing.
  void flush() {
    if (!started_.load()) return;
    std::lock_guard lock(io_mu_);
    std::vector<char> buffer(64 * 1024);
    for (std::size_t copied = 0; source_ && copied < kFinalDrainLimit;) {
      const ssize_t n = copy_once(buffer);
      if (n <= 0) break;
      copied += static_cast<std::size_t>(n);
    }
  }

  // Once every writer is gone: reads what the pipe still holds (at most
  // kFinalDrainLimit bytes, so a writer that somehow survived cannot keep us
  // here), then ends. Idempotent. Before start() it does nothing: the pipe is
  // still the readiness wait's to read.
  void finish() {
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

 private:
  // One read of the pipe into the log, under io_mu_: what it copied, 0 at
  // EOF, -1 when nothing is there (EAGAIN) or on an error (errno says which).
  ssize_t copy_once(std::vector<char>& buffer) {
    ssize_t n;
    do {
      n = ::read(source_.get(), buffer.data(), buffer.size());
    } while (n < 0 && errno == EINTR);
    // A failing log (disk full) must not stop the draining.
    if (n > 0) log_.write(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    return n;
  }

  // `wake_` (an eventfd) and `finish_` say the same; without an eventfd (none
  // could be made) the flag is polled.
  void run() {
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

  Fd source_;
  BoundedLog log_;
  Fd wake_;
  std::mutex io_mu_;  // one reader of the pipe at a time, so the log keeps the order
  std::atomic<bool> started_{false};
  std::atomic<bool> finish_{false};
  std::thread thread_;
};

// ---------------------------------------------------------------------------
// The process

// The implementation as its keeper started it (see keeper.hpp).
struct Spawned {
  pid_t keeper = -1;
  pid_t pid = -1;  // the implementation's main process
  Fd channel;      // the harness's end of the socket pair
};

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
              std::filesystem::path stdout_log, std::filesystem::path stderr_log, Streams streams)
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

  ~ProcessImpl() override {
    stop(std::chrono::seconds(2));  // the interface's default grace
    std::lock_guard lock(stdin_mu_);
    streams_.stdin_write.reset();
  }

  pid_t pid() const override { return pid_; }
  const std::vector<std::string>& argv() const override { return argv_; }
  std::optional<int> port() const override { return port_; }
  const std::string& url() const override { return url_; }

  std::optional<ExitStatus> poll_exit() override {
    std::lock_guard lock(mu_);
    observe_exit_locked(false);
    return status_;
  }

  ExitStatus stop(milliseconds grace) override {
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

  std::string stderr_tail(std::size_t lines) const override {
    streams_.stderr_drain->flush();
    return read_tail(stderr_log_, lines);
  }
  void flush_logs() override {
    if (streams_.stdout_drain) streams_.stdout_drain->flush();
    streams_.stderr_drain->flush();
  }
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
  void start_stdout_drain() {
    if (!streams_.stdout_drain) return;
    streams_.stdout_drain->start();
    // An exit seen during the readiness wait found nothing to finish yet.
    std::lock_guard lock(mu_);
    if (status_) streams_.stdout_drain->finish();
  }

 private:
  // MSG_NOSIGNAL: a keeper that is gone must not cost the harness a SIGPIPE.
  void tell_keeper(char command) {
    ssize_t n;
    do {
      n = ::send(channel_.get(), &command, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
  }

  // Whether the process has exited. The keeper reports it once the main
  // process has ended and everything it left has been killed and reaped;
  // then the keeper is reaped, the logs are drained to their end and the
  // cgroup is removed.
  bool observe_exit_locked(bool block) {
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
    int raw = 0;
    while (::waitpid(keeper_, &raw, 0) < 0 && errno == EINTR) {
    }
    if (streams_.stdout_drain) streams_.stdout_drain->finish();
    streams_.stderr_drain->finish();
    if (cgroup_) internal::remove_cgroup(*cgroup_);
    return true;
  }

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

// ---------------------------------------------------------------------------
// launch()

std::string bad_spec(const std::string& text) {
  return "[mcpgym.process.bad_spec] " + text;
}

bool is_executable_file(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

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
      return unexpected("'" + p.string() + "' does not exist (" + errno_text(errno) +
                        "); check the path");
    }
    if (S_ISDIR(st.st_mode)) return unexpected("'" + p.string() + "' is a directory");
    if (::access(p.c_str(), X_OK) != 0) {
      return unexpected("'" + p.string() + "' is not executable (" + errno_text(errno) +
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

// The paths a KeeperPlan points into, kept alive until the keeper is forked.
struct CgroupPaths {
  std::string directory;
  std::string procs;
  std::string kill;
};

// Forks the keeper on the spawner thread; the keeper forks and execs `path`
// with `argv`. Returns once the exec happened (or failed: the error says why).
Expected<Spawned, std::string> spawn(const std::filesystem::path& path,
                                     const std::vector<std::string>& argv,
                                     const std::optional<std::filesystem::path>& working_directory,
                                     int stdin_fd, int stdout_fd, int stderr_fd,
                                     const std::optional<std::filesystem::path>& cgroup) {
  auto report = make_pipe();
  if (!report) return unexpected(report.error());
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return unexpected("socketpair(2) failed: " + errno_text(errno));
  }
  Fd channel = above_stdio(pair[0]);
  Fd keeper_end = above_stdio(pair[1]);
  if (!channel || !keeper_end) return unexpected("fcntl(2) failed: " + errno_text(errno));

  std::vector<char*> argv_ptrs;
  for (const auto& word : argv)
    argv_ptrs.push_back(const_cast<char*>(word.c_str()));
  argv_ptrs.push_back(nullptr);
  const std::string path_text = path.string();
  const std::string dir_text = working_directory ? working_directory->string() : std::string();
  CgroupPaths cgroup_paths;
  if (cgroup) {
    cgroup_paths = {cgroup->string(), (*cgroup / "cgroup.procs").string(),
                    (*cgroup / "cgroup.kill").string()};
  }

  KeeperPlan plan;
  plan.harness = ::getpid();
  plan.channel_fd = keeper_end.get();
  plan.report_fd = report->write.get();
  plan.stdin_fd = stdin_fd;
  plan.stdout_fd = stdout_fd;
  plan.stderr_fd = stderr_fd;
  plan.working_directory = working_directory ? dir_text.c_str() : nullptr;
  plan.path = path_text.c_str();
  plan.argv = argv_ptrs.data();
  plan.envp = environ;
  if (cgroup) {
    plan.cgroup_dir = cgroup_paths.directory.c_str();
    plan.cgroup_procs = cgroup_paths.procs.c_str();
    plan.cgroup_kill = cgroup_paths.kill.c_str();
  }
  plan.proc_children = internal::proc_children_supported();

  pid_t keeper = -1;
  int fork_error = 0;
  Spawner::instance().run([&] {
    keeper = ::fork();
    if (keeper == 0) internal::run_keeper(plan);  // never returns
    if (keeper < 0) fork_error = errno;
  });
  keeper_end.reset();
  report->write.reset();
  if (keeper < 0) return unexpected("fork(2) failed: " + errno_text(fork_error));
  auto reap_keeper = [keeper] {
    int raw = 0;
    while (::waitpid(keeper, &raw, 0) < 0 && errno == EINTR) {
    }
  };

  // The report pipe closes on exec (or when the keeper ends); a report says what failed.
  ChildReport child_report{};
  ssize_t n;
  do {
    n = ::read(report->read.get(), &child_report, sizeof child_report);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof child_report)) {
    reap_keeper();
    const auto stage = static_cast<Stage>(child_report.stage);
    if (stage == Stage::kChdir) {
      return unexpected("cannot enter the working directory '" + dir_text +
                        "': " + errno_text(child_report.error));
    }
    if (stage == Stage::kExec) {
      return unexpected("execve('" + path_text + "') failed: " + errno_text(child_report.error));
    }
    return unexpected("the child's " + stage_text(stage) +
                      " failed: " + errno_text(child_report.error));
  }
  KeeperMessage started{};
  do {
    n = ::recv(channel.get(), &started, sizeof started, 0);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof started) || started.kind != KeeperMessage::kStarted) {
    reap_keeper();
    return unexpected(std::string("its keeper process ended before starting it"));
  }
  return Spawned{keeper, started.pid, std::move(channel)};
}

std::string lines_word(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " stdout line" : " stdout lines");
}

// "exited with exit status 3" / "was killed by signal 9 (SIGKILL)"
std::string ended(const ExitStatus& status) {
  return (status.signaled ? "was " : "exited with ") + status.describe();
}

std::string stderr_part(const Process& process) {
  const std::string tail = process.stderr_tail(kMessageTailLines);
  if (tail.empty()) return "; its stderr was empty";
  return "; last lines of stderr:" + indented_lines(tail);
}

// Waits for a readiness line. On success sets the URL; otherwise an error
// (the caller's unique_ptr then stops the process).
Expected<void, std::string> await_stdout_line(ProcessImpl& process, const LaunchSpec& spec,
                                              const std::regex& pattern,
                                              const std::string& default_url,
                                              Clock::time_point deadline) {
  const std::string command = internal::display_command(process.argv());
  const int fd = process.stdout_read_fd();
  std::string pending;
  std::size_t lines = 0;
  std::string last_line;
  bool eof = false;
  std::vector<char> buffer(64 * 1024);

  auto what_we_waited_for = [&] {
    std::string text =
        "(waited for a stdout line matching '" + internal::excerpt(spec.readiness.pattern) + "'; ";
    if (lines == 0) return text + "it printed no stdout line)";
    return text + "it printed " + lines_word(lines) + " and none matched, the last: '" +
           internal::excerpt(last_line) + "')";
  };
  // True once a line matched.
  auto consume = [&](bool at_eof) {
    for (;;) {
      std::size_t nl = pending.find('\n');
      if (nl == std::string::npos) {
        if (pending.size() > kMaxMatchedLine || (at_eof && !pending.empty())) {
          nl = pending.size();
        } else {
          return false;
        }
      }
      std::string line = pending.substr(0, nl);
      pending.erase(0, std::min(nl + 1, pending.size()));
      if (!line.empty() && line.back() == '\r') line.pop_back();
      ++lines;
      if (line.size() > kMaxMatchedLine) line.resize(kMaxMatchedLine);
      std::smatch match;
      if (std::regex_search(line, match, pattern)) {
        process.set_url(match.size() > 1 && match[1].matched ? match[1].str() : default_url);
        return true;
      }
      last_line = std::move(line);
    }
  };

  for (;;) {
    if (consume(eof)) return {};
    const auto exited = process.poll_exit();
    if (exited && eof) {
      return unexpected("[mcpgym.process.exited_early] " + command + " " + ended(*exited) +
                        " before becoming ready " + what_we_waited_for() + stderr_part(process));
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      if (exited) {
        return unexpected("[mcpgym.process.exited_early] " + command + " " + ended(*exited) +
                          " before becoming ready " + what_we_waited_for() + stderr_part(process));
      }
      const ExitStatus stopped = process.stop(kFailedLaunchGrace);
      return unexpected("[mcpgym.process.not_ready] " + command + " did not become ready within " +
                        std::to_string(spec.ready_timeout.count()) + " ms " + what_we_waited_for() +
                        " and was stopped (" + stopped.describe() +
                        "); if it is only slow, raise the ready timeout" + stderr_part(process));
    }
    const auto slice =
        std::min(std::chrono::duration_cast<milliseconds>(deadline - now), kReadinessSlice);
    if (eof) {
      std::this_thread::sleep_for(slice);
      continue;
    }
    pollfd pfd{fd, POLLIN, 0};
    const int ready =
        ::poll(&pfd, 1, static_cast<int>(std::max<milliseconds::rep>(slice.count(), 1)));
    if (ready < 0 && errno != EINTR) {
      eof = true;  // cannot happen with a valid pipe; treat as closed
      continue;
    }
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno != EINTR && errno != EAGAIN) eof = true;
      continue;
    }
    if (n == 0) {
      eof = true;
      continue;
    }
    const std::string_view data(buffer.data(), static_cast<std::size_t>(n));
    process.log_stdout(data);
    pending.append(data);
  }
}

Expected<void, std::string> await_probe(ProcessImpl& process, const LaunchSpec& spec,
                                        const std::string& url, Clock::time_point deadline) {
  const std::string command = internal::display_command(process.argv());
  std::size_t calls = 0;
  auto what_we_waited_for = [&] {
    return "(waited for probe('" + internal::excerpt(url) + "') to succeed; it was called " +
           std::to_string(calls) + (calls == 1 ? " time)" : " times)");
  };
  auto exited_early = [&](const ExitStatus& status) {
    return "[mcpgym.process.exited_early] " + command + " " + ended(status) +
           " before becoming ready " + what_we_waited_for() + stderr_part(process);
  };
  milliseconds backoff{10};
  for (;;) {
    if (const auto exited = process.poll_exit()) return unexpected(exited_early(*exited));
    bool ok = false;
    try {
      ok = spec.readiness.probe(url);
    } catch (const std::exception& e) {
      log_debug("[mcpgym.process] readiness probe threw: " + std::string(e.what()));
    }
    ++calls;
    if (ok) return {};
    // Sleep the backoff, noticing an exit within a slice.
    const auto wake = std::min(deadline, Clock::now() + backoff);
    for (;;) {
      if (const auto exited = process.poll_exit()) return unexpected(exited_early(*exited));
      const auto now = Clock::now();
      if (now >= wake) break;
      std::this_thread::sleep_for(std::min(
          std::chrono::duration_cast<milliseconds>(wake - now) + milliseconds(1), kReadinessSlice));
    }
    if (Clock::now() >= deadline) {
      const ExitStatus stopped = process.stop(kFailedLaunchGrace);
      return unexpected("[mcpgym.process.not_ready] " + command + " did not become ready within " +
                        std::to_string(spec.ready_timeout.count()) + " ms " + what_we_waited_for() +
                        " and was stopped (" + stopped.describe() +
                        "); if it is only slow, raise the ready timeout" + stderr_part(process));
    }
    backoff = std::min(backoff * 2, milliseconds(200));
  }
}

// A pipe whose read end a LogDrain copies into a bounded log at `path`; the
// write end is the child's.
struct LoggedPipe {
  Fd child_end;
  std::unique_ptr<LogDrain> drain;
};

Expected<LoggedPipe, std::string> logged_pipe(const std::filesystem::path& path,
                                              std::size_t limit_bytes) {
  auto log = BoundedLog::open(path, limit_bytes);
  if (!log) return unexpected(log.error());
  auto pipe = make_pipe();
  if (!pipe) return unexpected(pipe.error());
  return LoggedPipe{std::move(pipe->write),
                    std::make_unique<LogDrain>(std::move(pipe->read), std::move(*log))};
}

std::optional<int> parse_port(const std::string& text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 65535) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<ExitStatus> Process::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto status = poll_exit()) return status;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kExitPollInterval);  // a short poll: no pidfd here
  }
}

Expected<std::unique_ptr<Process>, std::string> launch(const LaunchSpec& spec) {
  namespace fs = std::filesystem;
  const auto started = Clock::now();

  // --- the spec ---
  if (spec.name.empty() || spec.name == "." || spec.name == ".." ||
      spec.name.find('/') != std::string::npos || spec.name.find('\0') != std::string::npos) {
    return unexpected(bad_spec("the name '" + internal::excerpt(spec.name) +
                               "' cannot name log files; use a plain file name such as 'server'"));
  }
  if (spec.log_directory.empty()) {
    return unexpected(bad_spec("'" + spec.name + "' has no log directory; set log_directory"));
  }
  if (spec.log_limit_bytes < kMinLogLimit) {
    return unexpected(bad_spec("'" + spec.name + "' has a log limit of " +
                               std::to_string(spec.log_limit_bytes) + " bytes; use at least " +
                               std::to_string(kMinLogLimit)));
  }
  const Readiness& readiness = spec.readiness;
  if (spec.stdio_pipes && readiness.kind != ReadinessKind::kNone) {
    return unexpected(bad_spec(
        "'" + spec.name +
        "' uses stdio_pipes, whose stdout belongs to the protocol; set readiness.kind to kNone"));
  }
  std::optional<std::regex> pattern;
  if (readiness.kind == ReadinessKind::kStdoutLine) {
    try {
      pattern.emplace(readiness.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return unexpected(bad_spec("the readiness pattern '" + internal::excerpt(readiness.pattern) +
                                 "' is not a valid ECMAScript regular expression: " + e.what()));
    }
  }
  const bool uses_port = uses_placeholder(spec.command, "port");
  if (readiness.kind == ReadinessKind::kProbe) {
    if (!readiness.probe) return unexpected(bad_spec("readiness kProbe needs a probe function"));
    if (!uses_port) {
      return unexpected(
          bad_spec("readiness kProbe polls http://127.0.0.1:{port}/mcp, but the "
                   "command template does not use {port}"));
    }
  }

  // --- the command ---
  std::map<std::string, std::string> values = spec.values;
  std::optional<int> port;
  if (uses_port) {
    if (const auto given = values.find("port"); given != values.end()) {
      port = parse_port(given->second);
      if (!port) {
        return unexpected(bad_spec("the value of {port}, '" + internal::excerpt(given->second) +
                                   "', is not a TCP port (1-65535)"));
      }
    } else {
      auto picked = pick_free_port();
      if (!picked) return unexpected(picked.error());
      port = *picked;
      values["port"] = std::to_string(*port);
    }
  }
  auto argv = expand_command(spec.command, values);
  if (!argv) return unexpected(argv.error());
  const std::string command = internal::display_command(*argv);
  auto spawn_failed = [&](const std::string& why) {
    return "[mcpgym.process.spawn_failed] cannot start " + command + ": " + why;
  };

  if (spec.working_directory) {
    std::error_code ec;
    if (!fs::is_directory(*spec.working_directory, ec)) {
      return unexpected(spawn_failed("the working directory '" + spec.working_directory->string() +
                                     "' does not exist or is not a directory"));
    }
  }
  auto program = resolve_program(argv->front(), spec.working_directory);
  if (!program) return unexpected(spawn_failed(program.error()));

  // --- logs and pipes ---
  {
    std::error_code ec;
    fs::create_directories(spec.log_directory, ec);
    if (ec) {
      return unexpected(spawn_failed("cannot create the log directory '" +
                                     spec.log_directory.string() + "': " + ec.message()));
    }
  }
  const fs::path stderr_path = spec.log_directory / (spec.name + ".stderr.log");
  const fs::path stdout_path =
      spec.stdio_pipes ? fs::path() : spec.log_directory / (spec.name + ".stdout.log");
  auto stderr_pipe = logged_pipe(stderr_path, spec.log_limit_bytes);
  if (!stderr_pipe) return unexpected(spawn_failed(stderr_pipe.error()));

  Streams streams;
  streams.stderr_drain = std::move(stderr_pipe->drain);
  Fd child_stdin;
  Fd child_stdout;
  if (spec.stdio_pipes) {
    // Writing to a child that has died must be an error, not the harness's death.
    static std::once_flag ignore_sigpipe;
    std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
    auto in = make_pipe();
    if (!in) return unexpected(spawn_failed(in.error()));
    auto out = make_pipe();
    if (!out) return unexpected(spawn_failed(out.error()));
    child_stdin = std::move(in->read);
    streams.stdin_write = std::move(in->write);
    child_stdout = std::move(out->write);
    streams.stdout_read_for_client = std::move(out->read);
  } else {
    child_stdin = above_stdio(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!child_stdin)
      return unexpected(spawn_failed("cannot open /dev/null: " + errno_text(errno)));
    auto out = logged_pipe(stdout_path, spec.log_limit_bytes);
    if (!out) return unexpected(spawn_failed(out.error()));
    child_stdout = std::move(out->child_end);
    streams.stdout_drain = std::move(out->drain);
  }

  // --- spawn ---
  const auto cgroup = internal::create_cgroup(spec.name);
  auto spawned = spawn(*program, *argv, spec.working_directory, child_stdin.get(),
                       child_stdout.get(), stderr_pipe->child_end.get(), cgroup);
  child_stdin.reset();
  child_stdout.reset();
  stderr_pipe->child_end.reset();
  if (!spawned) {
    if (cgroup) internal::remove_cgroup(*cgroup);
    return unexpected(spawn_failed(spawned.error()));
  }

  auto process = std::make_unique<ProcessImpl>(std::move(*spawned), cgroup, std::move(*argv), port,
                                               stdout_path, stderr_path, std::move(streams));
  const std::string default_url =
      port ? "http://127.0.0.1:" + std::to_string(*port) + "/mcp" : std::string();
  const auto deadline = started + spec.ready_timeout;

  // --- readiness ---
  switch (readiness.kind) {
    case ReadinessKind::kStdoutLine: {
      auto ready = await_stdout_line(*process, spec, *pattern, default_url, deadline);
      if (!ready) return unexpected(std::move(ready).error());
      process->start_stdout_drain();
      break;
    }
    case ReadinessKind::kProbe: {
      process->start_stdout_drain();
      auto ready = await_probe(*process, spec, default_url, deadline);
      if (!ready) return unexpected(std::move(ready).error());
      process->set_url(default_url);
      break;
    }
    case ReadinessKind::kNone:
      process->start_stdout_drain();
      if (!spec.stdio_pipes) process->set_url(default_url);
      break;
  }
  return std::unique_ptr<Process>(std::move(process));
}

}  // namespace mcpgym::harness
