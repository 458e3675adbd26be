#pragma once
// MCP Streamable HTTP transport (docs/spec.md HTTP-*, SESS-*, CTRL-009) over
// cpp-httplib, around a Dispatcher. Knows nothing of what a session serves.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "reference/common/expected.hpp"
#include "reference/mcp/application.hpp"
#include "reference/mcp/dispatcher.hpp"
#include "reference/mcp/session_store.hpp"

namespace httplib {
class Server;
class ContentReader;
struct Request;
struct Response;
}  // namespace httplib

namespace mcpgym::mcp {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: the kernel picks a free port
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  // cpp-httplib holds one worker per open keep-alive connection, so this is
  // the number of connections served at once; more wait in the queue.
  int worker_threads = 64;
  bool control_http = true;  // serve GET /control/<name>
  // Answer requests as an SSE stream (text/event-stream) instead of one JSON
  // body: HTTP-008 allows either, and clients must read both.
  bool sse_responses = false;
  std::chrono::milliseconds session_idle_timeout{std::chrono::minutes(10)};
};

class HttpServer {
 public:
  HttpServer(Application& app, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens (connections queue from here on); returns the port.
  Expected<int, std::string> bind();
  // Accepts and serves until stop(). Call after a successful bind().
  void serve();
  // Thread-safe and idempotent; serve() returns soon after.
  void stop();

  int port() const { return port_; }
  const HttpServerOptions& options() const { return options_; }
  SessionStore& sessions() { return store_; }

 private:
  void install_routes();
  void handle_post(const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& content);
  void handle_batch(const httplib::Request& req, httplib::Response& res, const json& batch);
  void handle_delete(const httplib::Request& req, httplib::Response& res);
  void handle_control(const httplib::Request& req, httplib::Response& res);
  void reply_answer(httplib::Response& res, const json& answer) const;
  std::optional<std::string> read_body(httplib::Response& res,
                                       const httplib::ContentReader& content) const;
  bool admit(const httplib::Request& req, httplib::Response& res) const;
  std::shared_ptr<SessionSlot> resolve_session(const httplib::Request& req, httplib::Response& res);
  void reap_idle_sessions();
  std::string payload_too_large_text() const;

  HttpServerOptions options_;
  SessionStore store_;
  Dispatcher dispatcher_;
  std::unique_ptr<httplib::Server> server_;
  bool host_check_;
  int port_ = -1;
  int listen_socket_ = -1;

  std::mutex reaper_mutex_;
  std::condition_variable reaper_wake_;
  bool stopping_ = false;
  std::atomic<bool> serving_{false};
  std::thread reaper_;
};

}  // namespace mcpgym::mcp
