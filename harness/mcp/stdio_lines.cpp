// StdioLines (stdio_lines.hpp): poll() with a deadline on the stdout pipe,
// writes that survive a child that has exited.
#include "harness/mcp/stdio_lines.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "harness/http/sigpipe_guard.hpp"

namespace mcpgym::harness {

StdioLines::StdioLines(std::unique_ptr<Process> process, Observer observe)
    : process_(std::move(process)), observe_(std::move(observe)) {}

void StdioLines::observe(const std::string& what) const {
  if (observe_) observe_(what);
}

bool StdioLines::write_line(const std::string& line) {
  observe("stdin <- " + excerpt(line, 200));
  const std::string text = line + "\n";
  SigpipeGuard no_sigpipe;  // the child may have exited
  for (std::size_t done = 0; done < text.size();) {
    const int fd = process_->stdin_fd();
    if (fd < 0) return false;
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<std::string> StdioLines::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      observe("stdout -> " + excerpt(line, 300));
      return line;
    }
    if (eof_ || buffer_.size() > kMaxLine) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{process_->stdout_fd(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    const ssize_t n = ::read(process_->stdout_fd(), chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      eof_ = true;
      if (!buffer_.empty()) buffer_ += '\n';  // a last line without a newline
      continue;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<nlohmann::json> StdioLines::read_message(std::chrono::milliseconds timeout) {
  for (int i = 0; i < 20; ++i) {
    auto line = read_line(timeout);
    if (!line) return std::nullopt;
    nlohmann::json m = parse_json_or_discarded(*line);
    if (!m.is_discarded()) return m;
  }
  return std::nullopt;
}

}  // namespace mcpgym::harness
