#include "reference/programs/tests/support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/process.hpp>
#include <cerrno>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bp = boost::process;

namespace mcpgym::wiretest {

namespace {

using Clock = std::chrono::steady_clock;

void set_cloexec(int fd) {
  if (fd >= 0) ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

int remaining_ms(Clock::time_point end) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

std::string ExitStatus::describe() const {
  return exited ? "exit status " + std::to_string(code)
                : "killed by signal " + std::to_string(code);
}

struct ChildProcess::Impl {
  TempDir dir;
  std::filesystem::path stderr_path = dir.path() / "stderr.txt";
  bp::pipe out;
  std::optional<bp::pipe> in;
  bp::child child;
  std::optional<ExitStatus> status;

  std::optional<ExitStatus> poll_exit() {
    if (status) return status;
    std::error_code ec;
    if (child.running(ec) || ec) return std::nullopt;
    const int raw = child.native_exit_code();
    status = WIFEXITED(raw) ? ExitStatus{true, WEXITSTATUS(raw)} : ExitStatus{false, WTERMSIG(raw)};
    return status;
  }
};

ChildProcess::ChildProcess(const std::string& executable, const std::vector<std::string>& args,
                           bool with_stdin)
    : impl_(std::make_unique<Impl>()) {
  // Writing to the stdin of a child that has exited must fail, not kill the test.
  ::signal(SIGPIPE, SIG_IGN);
  // The ends this process keeps must not leak into this or any later child.
  set_cloexec(impl_->out.native_source());
  if (with_stdin) {
    impl_->in.emplace();
    set_cloexec(impl_->in->native_sink());
    impl_->child = bp::child(bp::exe = executable, bp::args = args, bp::std_out > impl_->out,
                             bp::std_err > impl_->stderr_path, bp::std_in < *impl_->in);
  } else {
    impl_->child = bp::child(bp::exe = executable, bp::args = args, bp::std_out > impl_->out,
                             bp::std_err > impl_->stderr_path, bp::std_in < bp::null);
  }
}

ChildProcess::~ChildProcess() {
  close_stdin();
  if (!impl_->poll_exit()) {
    ::kill(impl_->child.id(), SIGKILL);  // only the child this object started
    std::error_code ignored;
    impl_->child.wait(ignored);
  }
}

pid_t ChildProcess::pid() const {
  return impl_->child.id();
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds deadline) {
  const auto end = Clock::now() + deadline;
  for (;;) {
    if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    if (stdout_eof_) return std::nullopt;
    pollfd fd{impl_->out.native_source(), POLLIN, 0};
    const int ready = ::poll(&fd, 1, remaining_ms(end));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char buffer[4096];
    const ssize_t n = ::read(fd.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      stdout_eof_ = true;
      continue;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string ChildProcess::read_rest(std::chrono::milliseconds deadline) {
  const auto end = Clock::now() + deadline;
  std::string out;
  while (!stdout_eof_) {
    if (auto line = read_line(std::chrono::milliseconds(remaining_ms(end)))) {
      out += *line + "\n";
    } else if (!stdout_eof_) {
      throw std::runtime_error("stdout of the child was still open after " +
                               std::to_string(deadline.count()) + " ms");
    }
  }
  out += pending_;
  pending_.clear();
  return out;
}

void ChildProcess::write_stdin(std::string_view text) {
  if (!impl_->in || impl_->in->native_sink() < 0) throw std::runtime_error("stdin is not a pipe");
  const int fd = impl_->in->native_sink();
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("writing to the child's stdin failed");
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void ChildProcess::close_stdin() {
  if (impl_->in && impl_->in->native_sink() >= 0) {
    ::close(impl_->in->native_sink());
    impl_->in->assign_sink(-1);
  }
}

void ChildProcess::send_signal(int signal) {
  if (!impl_->poll_exit()) ::kill(impl_->child.id(), signal);
}

std::optional<ExitStatus> ChildProcess::wait_for_exit(std::chrono::milliseconds deadline) {
  const auto end = Clock::now() + deadline;
  for (;;) {
    if (auto status = impl_->poll_exit()) return status;
    if (Clock::now() >= end) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval
  }
}

std::string ChildProcess::stderr_text() const {
  std::ifstream in(impl_->stderr_path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int wait_for_listening_line(ChildProcess& child, std::chrono::milliseconds deadline) {
  const auto line = child.read_line(deadline);
  static const std::regex kReady(R"(listening on http://127\.0\.0\.1:([0-9]+)/mcp)");
  std::smatch match;
  if (!line || !std::regex_match(*line, match, kReady)) {
    throw std::runtime_error("waited " + std::to_string(deadline.count()) +
                             " ms for 'listening on http://127.0.0.1:<port>/mcp' on stdout; got " +
                             (line                    ? "'" + *line + "'"
                              : child.stdout_closed() ? "end of stdout"
                                                      : "nothing") +
                             "; stderr: " + child.stderr_text());
  }
  return std::stoi(match[1]);
}

}  // namespace mcpgym::wiretest
