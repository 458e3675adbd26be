#pragma once
// MCP stdio transport (docs/spec.md STDIO-*): newline-delimited JSON-RPC on a
// pair of file descriptors, one session per process, the same Dispatcher as HTTP.
#include <cstddef>
#include <optional>
#include <string>

#include "reference/mcp/application.hpp"
#include "reference/mcp/dispatcher.hpp"
#include "reference/mcp/modern_dispatcher.hpp"
#include "reference/mcp/session_store.hpp"

namespace mcpgym::mcp {

class StdioServer {
 public:
  // A line longer than this (newline excluded) is answered with one
  // -32600 error and dropped, without being kept in memory (STDIO-006).
  static constexpr std::size_t kDefaultMaxLineBytes = 4 * 1024 * 1024;

  explicit StdioServer(Application& app, std::size_t max_line_bytes = kDefaultMaxLineBytes);
  ~StdioServer();
  StdioServer(const StdioServer&) = delete;
  StdioServer& operator=(const StdioServer&) = delete;

  // Serves until end of input or stop(). Returns false if writing failed.
  bool serve(int in_fd, int out_fd);
  // Thread-safe; serve() returns after the message in hand, if any.
  void stop();

 private:
  std::optional<json> handle_line(std::string_view line);
  json line_too_long() const;
  std::optional<json> handle_message(const json& message);

  SessionStore store_;
  Dispatcher dispatcher_;
  ModernDispatcher modern_;
  std::shared_ptr<SessionSlot> session_;
  std::size_t max_line_bytes_;
  int wake_pipe_[2] = {-1, -1};
};

}  // namespace mcpgym::mcp
