#pragma once
// MCP Streamable HTTP transport (docs/spec.md HTTP-*, SESS-*, CTRL-009) over
// the project's own HTTP/1.1 server (http_transport.hpp), around a
// Dispatcher. Knows nothing of what a session serves.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/expected.hpp"
#include "reference/mcp/application.hpp"
#include "reference/mcp/dispatcher.hpp"
#include "reference/mcp/http_transport.hpp"
#include "reference/mcp/modern_dispatcher.hpp"
#include "reference/mcp/session_store.hpp"

namespace mcpgym::mcp {

// One HTTP request as received, for an audit trail (--audit-dir).
struct RequestRecord {
  std::string method;  // "POST", "GET", ...
  std::string path;
  // As received, names lower-cased, ordered by name (stable: repeated
  // fields keep their order).
  std::vector<std::pair<std::string, std::string>> headers;
  // The JSON-RPC method when the body is a single request or notification.
  std::optional<std::string> rpc_method;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: the kernel picks a free port
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  // Requests computed at once. Open connections cost no worker: only a
  // complete request is handed to one (docs/design.md).
  int worker_threads = 64;
  // Hostile or slow clients (docs/spec.md HTTP-016..HTTP-020): a request's
  // head is capped (431), its whole read has a deadline from its first byte
  // to its last (408), an idle keep-alive connection is closed, an answer the
  // client does not read in time is dropped, and past max_connections the
  // connection waiting longest for a complete request is closed (503 to a
  // new one when all are at a worker).
  std::size_t max_head_bytes = 64 * 1024;
  std::size_t max_header_count = 100;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds keep_alive_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
  std::size_t max_connections = 512;
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
  // Testing only (--strict-get): GET /control/<name> is refused as a strict
  // FastMCP or TypeScript SDK server refuses a header-poor GET: 406 when its
  // Accept does not list application/json (a bare */* does not count), 415
  // when it carries a Content-Type (a GET has no body to describe).
  bool strict_get = false;
  // Testing only (--fault new-session-per-request), reproducing "session ids
  // that change per request": every POST in a session other than initialize
  // is served by a brand-new session made from the original's initialize
  // params, and answered with the new id. The old id stays valid.
  bool new_session_per_request = false;
  // Testing only (--fault header-not-validated), against HANDLE-007: a modern
  // tools/call's Mcp-Param-* headers are not checked against the arguments
  // that the tool's inputSchema annotates with x-mcp-header.
  bool header_not_validated = false;
  // Testing only (--fault control-skips-origin), reproducing eval-protocol's
  // custom routes, which FastMCP serves outside its transport's checks:
  // /control/* and /control/reset_session take any Origin (against HTTP-010).
  bool control_skips_origin = false;
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
  using Request = HttpRequestMessage;
  using Response = HttpResponseMessage;

  static HttpTransportOptions transport_options(const HttpServerOptions& options);
  Response route(const Request& req);
  void handle_post(const Request& req, Response& res);
  void handle_batch(const Request& req, Response& res, const json& batch);
  void handle_modern_post(const Request& req, Response& res, const Message& message);
  void handle_control_by_handle(Response& res, const std::string& name, const std::string& handle);
  void handle_delete(const Request& req, Response& res);
  void handle_control(const Request& req, Response& res, const std::string& name);
  void handle_reset_session(const Request& req, Response& res);
  bool served_by_application(const Request& req, Response& res, std::string_view name);
  void handle_not_allowed(const Request& req, Response& res, const std::string& allow,
                          std::string_view hint) const;
  void reply_answer(Response& res, const json& answer) const;
  bool admit(const Request& req, Response& res) const;
  bool admit_origin(const Request& req, Response& res) const;
  bool admit_host(const Request& req, Response& res) const;
  // admit() for the control routes (the control-skips-origin fault lets any Origin through).
  bool admit_control(const Request& req, Response& res) const;
  bool admit_strict_get(const Request& req, Response& res) const;
  std::shared_ptr<SessionSlot> resolve_session(const Request& req, Response& res);
  std::shared_ptr<SessionSlot> resolve_post_session(const Request& req, Response& res);
  void after_initialize(const std::string& id, const json& params);
  std::shared_ptr<SessionSlot> fresh_session_like(const std::string& id, Response& res);
  void record(const Request& req, const json* body) const;
  void reap_idle_sessions();

  HttpServerOptions options_;
  SessionStore store_;
  Dispatcher dispatcher_;
  ModernDispatcher modern_;
  HttpTransport transport_;
  bool host_check_;
  int port_ = -1;

  std::mutex reaper_mutex_;
  std::condition_variable reaper_wake_;
  bool stopping_ = false;
  std::thread reaper_;

  // new_session_per_request: the initialize params of every session.
  std::mutex initialize_params_mutex_;
  std::unordered_map<std::string, json> initialize_params_;
};

}  // namespace mcpgym::mcp
