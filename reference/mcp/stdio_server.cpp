#include "reference/mcp/stdio_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "common/bounded_json.hpp"
#include "common/error_ids.hpp"
#include "common/fd_io.hpp"
#include "common/protocol.hpp"

namespace mcpgym::mcp {

StdioServer::StdioServer(Application& app, std::size_t max_line_bytes)
    : store_(std::chrono::milliseconds(0)),
      dispatcher_(app, store_),
      modern_(app),
      max_line_bytes_(max_line_bytes) {
  if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
}

StdioServer::~StdioServer() {
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

void StdioServer::stop() {
  const char byte = 1;
  [[maybe_unused]] auto n = ::write(wake_pipe_[1], &byte, 1);
}

bool StdioServer::serve(int in_fd, int out_fd) {
  std::string pending;
  // Inside a line that was too long and already answered: drop up to its newline.
  bool dropping = false;
  char buffer[64 * 1024];
  for (;;) {
    pollfd fds[2] = {{in_fd, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (fds[1].revents != 0) return true;
    const ssize_t n = ::read(in_fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    if (n == 0) {
      // End of input: a final line without a newline still counts.
      if (!pending.empty() && !dropping) {
        if (auto answer = handle_line(pending)) {
          return write_all(out_fd, answer->dump() + "\n");
        }
      }
      return true;
    }
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      if (dropping) {
        dropping = false;
        continue;
      }
      if (auto answer = handle_line(std::string_view(pending).substr(start, nl - start))) {
        // dump() escapes control characters, so the line holds no raw newline (STDIO-001).
        if (!write_all(out_fd, answer->dump() + "\n")) return false;
      }
    }
    pending.erase(0, start);
    if (dropping) {
      pending.clear();
    } else if (pending.size() > max_line_bytes_) {
      // Answered now, once; the rest of the line is dropped as it comes.
      if (!write_all(out_fd, line_too_long().dump() + "\n")) return false;
      pending.clear();
      dropping = true;
    }
  }
}

std::optional<json> StdioServer::handle_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return std::nullopt;
  if (line.size() > max_line_bytes_) return line_too_long();
  // Bounded: a line nesting deeper than the limit is refused before any tree
  // is built, since every later walk of the value recurses.
  JsonLimits limits;
  limits.max_bytes = std::max(limits.max_bytes, max_line_bytes_);
  auto parsed = parse_json(line, limits);
  if (!parsed && parsed.error().problem == JsonProblem::kInvalid) {
    return make_error(
        nullptr, rpc_error(code::kParseError, err::kParseError,
                           "Parse error: the line is not valid JSON: \"" + excerpt(line) + "\""));
  }
  if (!parsed) {
    return make_error(nullptr, RpcError{code::kInvalidRequest, parsed.error().message, nullptr});
  }
  const json message = *std::move(parsed);
  if (!message.is_array()) return handle_message(message);
  if (!session_) {
    return make_error(nullptr, rpc_error(code::kInvalidRequest, err::kNotInitialized,
                                         "Invalid Request: a batch before initialize; send "
                                         "initialize first, on its own"));
  }
  auto answers = dispatcher_.handle_batch(*session_, message);
  if (!answers) return make_error(nullptr, answers.error());
  return *std::move(answers);
}

json StdioServer::line_too_long() const {
  return make_error(nullptr,
                    rpc_error(code::kInvalidRequest, err::kLineTooLong,
                              "Invalid Request: a line exceeds " + std::to_string(max_line_bytes_) +
                                  " bytes; it was dropped unread up to its newline"));
}

std::optional<json> StdioServer::handle_message(const json& raw) {
  auto message = classify(raw);
  if (!message) return make_error(message.error().id, message.error().error);
  // MCP 2026-07-28 stdio: a line whose _meta names its version is served on
  // its own, without initialize, before or after a legacy session began.
  if (is_modern(*message)) {
    auto answer = modern_.handle(*message, nullptr);
    if (!answer) return std::nullopt;
    return std::move(answer->response);
  }
  if (session_) return dispatcher_.handle(*session_, *message);
  if (message->kind == MessageKind::kRequest && message->method == "initialize") {
    auto initialized = dispatcher_.initialize(*message);
    if (initialized.session_id) session_ = store_.find(*initialized.session_id);
    return initialized.response;
  }
  return dispatcher_.handle_uninitialized(*message);
}

}  // namespace mcpgym::mcp
