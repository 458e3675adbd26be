#pragma once
// MCP Streamable HTTP transport (docs/spec.md HTTP-*, SESS-*, CTRL-009) over
// cpp-httplib, around a Dispatcher. Knows nothing of what a session serves.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

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

// One HTTP request as received, for an audit trail (--audit-dir).
struct RequestRecord {
  std::string method;  // "POST", "GET", ...
  std::string path;
  // As received, names lower-cased, ordered by name (cpp-httplib's own
  // REMOTE_ADDR-style entries left out).
  std::vector<std::pair<std::string, std::string>> headers;
  // The JSON-RPC method when the body is a single request or notification.
  std::optional<std::string> rpc_method;
};

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

  // Observers, called on the worker thread serving the request (so possibly
  // on many threads at once) and before it is answered. Empty: none.
  // Every request received, once; a POST to the endpoint once its body is read.
  std::function<void(const RequestRecord&)> on_request;
  // Every session created by a successful initialize, before it is answered.
  std::function<void(const std::string& session_id, Session& session)> on_session;

  // Testing only (--lenient-accept): skips HTTP-003's 406 check, so that an
  // instrumented backend can observe what a client or proxy sends.
  bool lenient_accept = false;
  // Testing only (--fault new-session-per-request), reproducing "session ids
  // that change per request": every POST in a session other than initialize
  // is served by a brand-new session made from the original's initialize
  // params, and answered with the new id. The old id stays valid.
  bool new_session_per_request = false;
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
  std::shared_ptr<SessionSlot> resolve_post_session(const httplib::Request& req,
                                                    httplib::Response& res);
  void after_initialize(const std::string& id, const json& params);
  std::shared_ptr<SessionSlot> fresh_session_like(const std::string& id, httplib::Response& res);
  void record(const httplib::Request& req, const json* body) const;
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

  // new_session_per_request: the initialize params of every session.
  std::mutex initialize_params_mutex_;
  std::unordered_map<std::string, json> initialize_params_;
};

}  // namespace mcpgym::mcp
