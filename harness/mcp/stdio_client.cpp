// MCP over stdio (docs/spec.md STDIO-001..003): newline-delimited JSON-RPC on
// the pipes of a process, every read and write bounded by the call's deadline.
#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>

#include "common/bounded_buffer.hpp"
#include "harness/mcp/client.hpp"
#include "harness/mcp/client_internal.hpp"

namespace mcpgym::harness {

namespace {

using detail::Answer;
using detail::excerpt;
using detail::kReceivedExcerpt;
using detail::kSentExcerpt;
using detail::make_error;
using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
}

class StdioMcpClient final : public detail::ClientBase {
 public:
  StdioMcpClient(Process& process, ClientOptions options)
      : ClientBase(std::move(options)), process_(process) {}

  Result<void> notify(const std::string& method, const json& params) override {
    if (auto error = unusable(method)) return unexpected(std::move(*error));
    const std::string line = detail::message_text(method, params);
    const auto deadline = Clock::now() + options_.timeout;
    if (auto error = write_line(method, line, deadline)) return unexpected(std::move(*error));
    return {};
  }

  Result<json> read_control_http(const std::string& name) override {
    return unexpected(make_error(CallErrorKind::kUnsupported, "GET /control/" + name,
                                 "the HTTP control plane needs the HTTP transport; on stdio "
                                 "read the control:// resources"));
  }

  // Ends the server's input (Process::close_stdin()); the server then sees end
  // of input, which ends a stdio server (STDIO-003).
  Result<void> close() override {
    if (closed_) return {};
    closed_ = true;
    process_.close_stdin();
    return {};
  }

  const std::optional<std::string>& session_id() const override { return no_session_; }

 protected:
  Expected<Answer, CallError> roundtrip(const std::string& method, const json& params) override {
    if (auto error = unusable(method)) return unexpected(std::move(*error));
    const std::int64_t id = next_id();
    const std::string line = detail::message_text(method, params, id);
    const auto deadline = Clock::now() + options_.timeout;
    if (auto error = write_line(method, line, deadline)) return unexpected(std::move(*error));
    Answer answer;
    answer.sent = excerpt(line, kSentExcerpt);
    auto outcome = await_response(method, id, answer, deadline);
    // Whatever went wrong, the answer to `id` may still come; the next call skips it.
    if (!outcome) abandoned_.insert(id);
    return outcome;
  }

 private:
  Expected<Answer, CallError> await_response(const std::string& method, std::int64_t id,
                                             Answer& answer, Clock::time_point deadline) {
    for (;;) {
      auto next = read_line(method, answer.sent, deadline);
      if (!next) return unexpected(std::move(next).error());
      const std::string& text = *next;
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
      answer.received = excerpt(text, kReceivedExcerpt);
      auto parsed = detail::parse_untrusted(text, "a line on stdout", options_.json_limits);
      if (!parsed) {
        return unexpected(
            answer_error(CallErrorKind::kBadResponse, method, std::move(parsed).error(), answer));
      }
      json message = std::move(*parsed);
      if (detail::is_server_message(message)) continue;  // server notifications and requests
      // A late answer to a request that failed earlier belongs to nobody now.
      if (message.is_object()) {
        const auto other = message.find("id");
        if (other != message.end() && other->is_number_integer() && *other != id &&
            abandoned_.erase(other->get<std::int64_t>()) == 1) {
          continue;
        }
      }
      auto result = detail::check_response(std::move(message), id);
      if (!result) {
        CallError e = std::move(result).error();
        e.method = method;
        e.sent = answer.sent;
        e.received = answer.received;
        return unexpected(std::move(e));
      }
      answer.result = std::move(*result);
      return std::move(answer);
    }
  }

  std::optional<CallError> unusable(const std::string& method) const {
    if (closed_) {
      return make_error(CallErrorKind::kClosed, method,
                        "the client was closed (its stdin is closed); launch a new process");
    }
    if (!broken_.empty()) return make_error(CallErrorKind::kClosed, method, broken_);
    if (process_.stdin_fd() < 0 || process_.stdout_fd() < 0) {
      return make_error(CallErrorKind::kClosed, method,
                        "the process has no stdin/stdout pipes (launch it with stdio_pipes)");
    }
    return std::nullopt;
  }

  // Writes in pieces of at most PIPE_BUF bytes, each once poll says there is
  // room, so a peer that stops reading costs the deadline, not a hang.
  std::optional<CallError> write_line(const std::string& method, const std::string& message,
                                      Clock::time_point deadline) {
    const std::string sent = excerpt(message, kSentExcerpt);
    const std::string line = message + "\n";
    std::string_view rest = line;
    const int fd = process_.stdin_fd();
    SigpipeGuard guard;
    while (!rest.empty()) {
      pollfd p{fd, POLLOUT, 0};
      const int ready = ::poll(&p, 1, remaining_ms(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        if (rest.size() != line.size()) {
          broken_ = "an earlier message was only partly written to stdin before its deadline";
        }
        return make_error(CallErrorKind::kTransport, method,
                          "the process did not read its stdin within " +
                              std::to_string(options_.timeout.count()) + " ms",
                          sent);
      }
      // POLLERR on a pipe's write end: the reader is gone, and write() says EPIPE.
      const ssize_t n =
          ready < 0 ? -1 : ::write(fd, rest.data(), std::min<std::size_t>(rest.size(), PIPE_BUF));
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0 && errno == EPIPE) {
        broken_ = "the process closed its stdin";
        return make_error(CallErrorKind::kClosed, method, broken_, sent);
      }
      if (n < 0) {
        return make_error(
            CallErrorKind::kTransport, method,
            std::string("writing to the process's stdin failed: ") + std::strerror(errno), sent);
      }
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    return std::nullopt;
  }

  // The next line from stdout (without its newline), waiting until the deadline.
  Expected<std::string, CallError> read_line(const std::string& method, const std::string& sent,
                                             Clock::time_point deadline) {
    const int fd = process_.stdout_fd();
    char chunk[64 * 1024];
    for (;;) {
      if (const auto nl = buffer_.find('\n', scanned_); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        scanned_ = 0;
        return line;
      }
      scanned_ = buffer_.size();
      if (eof_) {
        if (!buffer_.empty()) {  // a last line without its newline still counts
          std::string line = std::move(buffer_);
          buffer_.clear();
          scanned_ = 0;
          return line;
        }
        broken_ = "the process closed its stdout";
        return unexpected(make_error(CallErrorKind::kClosed, method, broken_, sent));
      }
      // A server that sends gigabytes without a newline costs the cap, not the memory.
      if (buffer_.size() > options_.max_line_bytes) {
        broken_ = "[mcpgym.client.line_too_long] the process wrote more than " +
                  std::to_string(options_.max_line_bytes) +
                  " bytes (max_line_bytes) to stdout without a newline; the rest was not read and "
                  "the stream cannot be used any more";
        std::string received = excerpt(buffer_, kReceivedExcerpt);
        buffer_.clear();
        buffer_.shrink_to_fit();
        return unexpected(
            make_error(CallErrorKind::kBadResponse, method, broken_, sent, 0, std::move(received)));
      }
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, remaining_ms(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) {
        return unexpected(make_error(
            CallErrorKind::kTransport, method,
            std::string("waiting for the process's stdout failed: ") + std::strerror(errno), sent));
      }
      if (ready == 0) {
        return unexpected(make_error(
            CallErrorKind::kTransport, method,
            "no answer on stdout within " + std::to_string(options_.timeout.count()) + " ms", sent,
            0, excerpt(buffer_, kReceivedExcerpt)));
      }
      // Never more than one byte past the cap is buffered.
      const std::size_t room =
          options_.max_line_bytes + 1 - std::min(buffer_.size(), options_.max_line_bytes);
      const ssize_t n = ::read(fd, chunk, std::min(sizeof chunk, room));
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) {
        return unexpected(make_error(
            CallErrorKind::kTransport, method,
            std::string("reading the process's stdout failed: ") + std::strerror(errno), sent));
      }
      if (n == 0) {
        eof_ = true;
        continue;
      }
      // Lines grow within their cap: two clients reading endless lines at
      // once must not each hold twice the cap while the buffer doubles.
      reserve_within(buffer_, static_cast<std::size_t>(n), options_.max_line_bytes + 1, 0);
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  Process& process_;
  std::string buffer_;       // bytes read from stdout but not yet consumed
  std::size_t scanned_ = 0;  // buffer_[0, scanned_) holds no newline
  std::set<std::int64_t> abandoned_;
  std::string broken_;  // why the stream cannot be used any more
  bool eof_ = false;
  bool closed_ = false;
  const std::optional<std::string> no_session_;
};

}  // namespace

std::unique_ptr<McpClient> connect_stdio(Process& process, ClientOptions options) {
  return std::make_unique<StdioMcpClient>(process, std::move(options));
}

}  // namespace mcpgym::harness
