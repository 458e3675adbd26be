#include "reference/mcp/http_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "reference/common/log.hpp"
#include "reference/mcp/errors.hpp"
#include "reference/mcp/http_rules.hpp"
#include "reference/mcp/protocol.hpp"

namespace mcpgym::mcp {

namespace {

const std::string kSessionHeaderName(kSessionHeader);
const std::string kProtocolHeaderName(kProtocolVersionHeader);
const std::string kJson(kJsonMediaType);

void reply_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), kJson.c_str());
}

// HTTP-015: every rejection carries a JSON-RPC error saying why.
void reply_error(httplib::Response& res, int status, const RpcError& error,
                 const json& id = nullptr) {
  reply_json(res, status, make_error(id, error));
}

void reply_transport_error(httplib::Response& res, int status, std::string_view error_id,
                           std::string_view text) {
  reply_error(res, status, rpc_error(code::kTransportError, error_id, text));
}

std::string in_quotes(std::string_view value) {
  return "\"" + excerpt(value) + "\"";
}

// The method of a body holding one JSON-RPC request or notification.
std::optional<std::string> single_message_method(const json* body) {
  if (body == nullptr || !body->is_object()) return std::nullopt;
  auto message = classify(*body);
  if (!message || message->kind == MessageKind::kResponse) return std::nullopt;
  return message->method;
}

// What cpp-httplib adds to a request's headers itself; none was received.
bool is_httplib_pseudo_header(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
         name == "LOCAL_PORT";
}

std::string lower_case(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

HttpServer::HttpServer(Application& app, HttpServerOptions options)
    : options_(std::move(options)),
      store_(options_.session_idle_timeout),
      dispatcher_(app, store_),
      server_(std::make_unique<httplib::Server>()),
      host_check_(is_loopback_bind_address(options_.host)) {
  install_routes();
}

HttpServer::~HttpServer() {
  stop();
  if (reaper_.joinable()) reaper_.join();
}

void HttpServer::install_routes() {
  auto& s = *server_;
  const int threads = std::max(1, options_.worker_threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  // Without TCP_NODELAY, delayed ACKs cap a keep-alive connection at ~25 requests/s.
  s.set_tcp_nodelay(true);
  // cpp-httplib closes a keep-alive connection after 5 requests by default;
  // a rollout sends thousands over one connection.
  s.set_keep_alive_max_count(1'000'000);
  s.set_payload_max_length(options_.max_body_bytes);
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second server
  // bind the same port and silently take half the connections.
  s.set_socket_options([this](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_socket_ = sock;
  });

  const std::string endpoint(kEndpointPath);
  if (options_.on_request) {
    // A POST to the endpoint is recorded by handle_post, once its body (and
    // so its JSON-RPC method) is known; every other request here.
    s.set_pre_routing_handler([this, endpoint](const httplib::Request& q, httplib::Response&) {
      if (q.method != "POST" || q.path != endpoint) record(q, nullptr);
      return httplib::Server::HandlerResponse::Unhandled;
    });
  }
  s.Post(endpoint, [this](const httplib::Request& q, httplib::Response& r,
                          const httplib::ContentReader& content) { handle_post(q, r, content); });
  s.Delete(endpoint,
           [this](const httplib::Request& q, httplib::Response& r) { handle_delete(q, r); });
  // Every other method on our paths still passes the Origin/Host gate first
  // (HTTP-010/011), then gets 405 naming what is allowed.
  auto not_allowed = [this](std::string allow, std::string hint) {
    return [this, allow, hint](const httplib::Request& q, httplib::Response& r) {
      if (!admit(q, r)) return;
      r.set_header("Allow", allow);
      reply_transport_error(
          r, 405, err::kMethodNotAllowed,
          "Method Not Allowed: " + q.method + " " + excerpt(q.path) + "; " + hint);
    };
  };
  const auto mcp_405 = not_allowed("POST, DELETE",
                                   "this server offers no server-to-client SSE stream, use POST "
                                   "(and DELETE to end a session)");
  s.Get(endpoint, mcp_405);
  s.Put(endpoint, mcp_405);
  s.Patch(endpoint, mcp_405);
  s.Options(endpoint, mcp_405);
  if (options_.control_http) {
    const std::string control = std::string(kControlPathPrefix) + "(.*)";
    s.Get(control,
          [this](const httplib::Request& q, httplib::Response& r) { handle_control(q, r); });
    const auto control_405 = not_allowed("GET", "the control plane is read with GET");
    s.Post(control, control_405);
    s.Put(control, control_405);
    s.Patch(control, control_405);
    s.Delete(control, control_405);
    s.Options(control, control_405);
  }

  s.set_error_handler(
      httplib::Server::HandlerWithResponse([this](const httplib::Request& q, httplib::Response& r) {
        if (!r.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (r.status == 413) {
          reply_transport_error(r, 413, err::kPayloadTooLarge, payload_too_large_text());
        } else if (r.status == 404) {
          reply_transport_error(r, 404, err::kNotFound,
                                "Not Found: no endpoint at " + q.method + " " + excerpt(q.path) +
                                    "; MCP is served at POST " + std::string(kEndpointPath));
        } else {
          reply_transport_error(
              r, r.status, err::kInvalidRequest,
              "HTTP " + std::to_string(r.status) + " for " + q.method + " " + excerpt(q.path));
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
}

// HTTP-010 and HTTP-011, before anything else looks at the request.
bool HttpServer::admit(const httplib::Request& req, httplib::Response& res) const {
  if (req.has_header("Origin")) {
    const std::string origin = req.get_header_value("Origin");
    if (!is_loopback_origin(origin)) {
      reply_transport_error(res, 403, err::kForbiddenOrigin,
                            "Forbidden: Origin " + in_quotes(origin) +
                                " is not a loopback origin; only local pages may call this server");
      return false;
    }
  }
  if (host_check_ && req.has_header("Host")) {
    const std::string host = req.get_header_value("Host");
    if (!is_loopback_host(host)) {
      reply_transport_error(res, 403, err::kForbiddenHost,
                            "Forbidden: Host " + in_quotes(host) +
                                " is not a loopback host while the server listens on " +
                                options_.host + " (DNS-rebinding protection)");
      return false;
    }
  }
  return true;
}

std::shared_ptr<SessionSlot> HttpServer::resolve_session(const httplib::Request& req,
                                                         httplib::Response& res) {
  if (!req.has_header(kSessionHeaderName.c_str())) {
    reply_transport_error(res, 400, err::kMissingSession,
                          "Bad Request: missing " + kSessionHeaderName +
                              " header; send the id returned by initialize, or initialize first");
    return nullptr;
  }
  const std::string id = req.get_header_value(kSessionHeaderName.c_str());
  auto slot = store_.find(id);
  if (!slot) {
    reply_transport_error(res, 404, err::kUnknownSession,
                          "Not Found: session " + in_quotes(id) +
                              " does not exist (never created, deleted or expired); initialize a "
                              "new session");
    return nullptr;
  }
  if (req.has_header(kProtocolHeaderName.c_str())) {
    const std::string version = req.get_header_value(kProtocolHeaderName.c_str());
    if (!is_supported_version(version)) {
      reply_transport_error(res, 400, err::kUnsupportedProtocolVersion,
                            "Bad Request: unsupported " + kProtocolHeaderName + " " +
                                in_quotes(version) + "; this session negotiated " +
                                slot->protocol_version);
      return nullptr;
    }
  }
  return slot;
}

// A new session's bookkeeping for the testing options: its initialize params
// (new-session-per-request) and the on_session observer.
void HttpServer::after_initialize(const std::string& id, const json& params) {
  if (options_.new_session_per_request) {
    std::lock_guard lock(initialize_params_mutex_);
    initialize_params_[id] = params;
  }
  if (auto slot = options_.on_session ? store_.find(id) : nullptr) {
    std::lock_guard lock(slot->mutex);
    options_.on_session(id, *slot->session);
  }
}

// The session a POST is served by: the one its header names, or under the
// new-session-per-request fault a brand-new one made like it.
std::shared_ptr<SessionSlot> HttpServer::resolve_post_session(const httplib::Request& req,
                                                              httplib::Response& res) {
  auto slot = resolve_session(req, res);
  if (!slot || !options_.new_session_per_request) return slot;
  auto fresh = fresh_session_like(req.get_header_value(kSessionHeaderName.c_str()), res);
  return fresh ? fresh : slot;
}

// new-session-per-request: a session created from the initialize params of
// session `id` (so a fresh environment, all state lost), announced in the
// response's Mcp-Session-Id. Null when `id` has no params on record.
std::shared_ptr<SessionSlot> HttpServer::fresh_session_like(const std::string& id,
                                                            httplib::Response& res) {
  json params;
  {
    std::lock_guard lock(initialize_params_mutex_);
    auto it = initialize_params_.find(id);
    if (it == initialize_params_.end()) return nullptr;
    params = it->second;
  }
  const Message initialize{MessageKind::kRequest, 0, "initialize", &params};
  auto created = dispatcher_.initialize(initialize);
  if (!created.session_id) return nullptr;
  {
    std::lock_guard lock(initialize_params_mutex_);
    initialize_params_[*created.session_id] = params;
  }
  res.set_header(kSessionHeaderName.c_str(), *created.session_id);
  log_debug("session " + *created.session_id + " created in place of " + id);
  return store_.find(*created.session_id);
}

void HttpServer::record(const httplib::Request& req, const json* body) const {
  if (!options_.on_request) return;
  RequestRecord record{req.method, req.path, {}, single_message_method(body)};
  for (const auto& [name, value] : req.headers) {
    if (!is_httplib_pseudo_header(name)) record.headers.emplace_back(lower_case(name), value);
  }
  options_.on_request(record);
}

// cpp-httplib enforces the limit itself only for a Content-Length body (and
// then skips it, keeping the connection usable); a chunked body is counted
// here. When the body breaks off, the connection is closed, since the rest of
// it is still in the socket.
std::optional<std::string> HttpServer::read_body(httplib::Response& res,
                                                 const httplib::ContentReader& content) const {
  std::string raw;
  bool too_large = false;
  const bool complete = content([&](const char* data, std::size_t length) {
    if (raw.size() + length > options_.max_body_bytes) {
      too_large = true;
      return false;
    }
    raw.append(data, length);
    return true;
  });
  if (complete) return raw;
  res.set_header("Connection", "close");
  if (too_large || res.status == 413) {
    reply_transport_error(res, 413, err::kPayloadTooLarge, payload_too_large_text());
  } else {
    reply_error(res, 400,
                rpc_error(code::kInvalidRequest, err::kInvalidRequest,
                          "Invalid Request: the request body could not be read completely"));
  }
  return std::nullopt;
}

void HttpServer::handle_post(const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& content) {
  // The body is read first, whatever the verdict: a body left unread in the
  // socket would be parsed as the next request on this keep-alive connection.
  auto raw = read_body(res, content);
  if (!raw) {
    record(req, nullptr);
    return;
  }
  // Parsed now for the on_request observer; judged below, after the header checks.
  const json body = json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  record(req, &body);
  if (!admit(req, res)) return;
  const std::string accept = req.get_header_value("Accept");
  if (!options_.lenient_accept && !accept_lists_json_and_sse(accept)) {
    reply_transport_error(res, 406, err::kNotAcceptable,
                          "Not Acceptable: the Accept header must list both application/json and "
                          "text/event-stream; got " +
                              in_quotes(accept));
    return;
  }
  const std::string content_type = req.get_header_value("Content-Type");
  if (!is_json_content_type(content_type)) {
    reply_transport_error(res, 415, err::kUnsupportedMediaType,
                          "Unsupported Media Type: Content-Type must be application/json; got " +
                              in_quotes(content_type));
    return;
  }
  if (body.is_discarded()) {
    reply_error(res, 400,
                rpc_error(code::kParseError, err::kParseError,
                          "Parse error: the body is not valid JSON: " + in_quotes(*raw)));
    return;
  }
  if (body.is_array()) {
    handle_batch(req, res, body);
    return;
  }
  auto message = classify(body);
  if (!message) {
    reply_error(res, 400, message.error().error, message.error().id);
    return;
  }
  if (message->kind == MessageKind::kRequest && message->method == "initialize") {
    if (req.has_header(kSessionHeaderName.c_str())) {
      reply_error(res, 400,
                  rpc_error(code::kInvalidRequest, err::kSessionOnInitialize,
                            "Invalid Request: initialize must not carry an " + kSessionHeaderName +
                                " header; a session is initialized once, so start a new one "
                                "without the header"),
                  message->id);
      return;
    }
    auto initialized = dispatcher_.initialize(*message);
    if (initialized.session_id) {
      res.set_header(kSessionHeaderName.c_str(), *initialized.session_id);
      log_debug("session " + *initialized.session_id + " created");
      after_initialize(*initialized.session_id, *message->params);
    }
    reply_answer(res, initialized.response);
    return;
  }
  auto slot = resolve_post_session(req, res);
  if (!slot) return;
  auto answer = dispatcher_.handle(*slot, *message);
  if (!answer) {
    res.status = 202;  // HTTP-007: accepted, no body
    return;
  }
  reply_answer(res, *answer);
}

void HttpServer::handle_batch(const httplib::Request& req, httplib::Response& res,
                              const json& batch) {
  auto slot = resolve_post_session(req, res);
  if (!slot) return;
  auto answers = dispatcher_.handle_batch(*slot, batch);
  if (!answers) {
    reply_error(res, 400, answers.error());
  } else if (!*answers) {
    res.status = 202;  // only notifications and responses
  } else {
    reply_answer(res, **answers);
  }
}

// The answer to a POST that carried requests. In SSE mode it is a complete
// stream as the TypeScript SDK sends one: a comment, a priming event with an
// id and empty data (what a client would resume from), then the response as a
// "message" event; the stream ends with the response.
void HttpServer::reply_answer(httplib::Response& res, const json& answer) const {
  if (!options_.sse_responses) {
    reply_json(res, 200, answer);
    return;
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_content(": mcpgym-frozenlake\n\nid: 0\ndata:\n\nevent: message\nid: 1\ndata: " +
                      answer.dump() + "\n\n",
                  std::string(kSseMediaType).c_str());
}

void HttpServer::handle_delete(const httplib::Request& req, httplib::Response& res) {
  if (!admit(req, res)) return;
  // The same session and version checks as every other request (SESS-004/005, HTTP-012).
  if (!resolve_session(req, res)) return;
  const std::string id = req.get_header_value(kSessionHeaderName.c_str());
  store_.erase(id);
  if (options_.new_session_per_request) {
    std::lock_guard lock(initialize_params_mutex_);
    initialize_params_.erase(id);
  }
  log_debug("session " + id + " deleted");
  res.status = 200;
}

void HttpServer::handle_control(const httplib::Request& req, httplib::Response& res) {
  if (!admit(req, res)) return;
  auto slot = resolve_session(req, res);
  if (!slot) return;
  const std::string name = req.matches[1];
  Outcome outcome = unexpected(RpcError{});
  {
    std::lock_guard lock(slot->mutex);
    outcome = slot->session->read_control(name);
  }
  if (outcome) {
    reply_json(res, 200, *outcome);
  } else if (outcome.error().code == code::kResourceNotFound) {
    reply_transport_error(res, 404, err::kUnknownControl,
                          "Not Found: no control " + in_quotes(name) +
                              "; expected one of reward, status, info, initial_state");
  } else {
    reply_error(res, 502, outcome.error());
  }
}

Expected<int, std::string> HttpServer::bind() {
  const int port = options_.port == 0
                       ? server_->bind_to_any_port(options_.host)
                       : (server_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port < 0) {
    return unexpected("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                      " (address in use, or not an address of this machine)");
  }
  port_ = port;
  // cpp-httplib listens with a backlog of 5: a burst of clients connecting at
  // once (a rollout starting 16 environments) overflows it, and their
  // handshakes stall for a SYN retransmission or fail. Listening again on the
  // bound socket only raises the backlog.
  if (listen_socket_ >= 0) ::listen(listen_socket_, SOMAXCONN);
  return port;
}

void HttpServer::serve() {
  {
    std::lock_guard lock(reaper_mutex_);
    if (stopping_) return;  // stopped between bind() and serve()
    serving_ = true;
  }
  if (store_.idle_timeout().count() > 0) {
    reaper_ = std::thread([this] { reap_idle_sessions(); });
  }
  server_->listen_after_bind();
  serving_ = false;
}

void HttpServer::stop() {
  {
    std::lock_guard lock(reaper_mutex_);
    stopping_ = true;
  }
  reaper_wake_.notify_all();
  // cpp-httplib ignores stop() until its accept loop runs. serve() checks
  // stopping_ before it starts that loop, so the only window left is inside
  // listen_after_bind(), before the loop: wait it out.
  while (serving_ && !server_->is_running())
    std::this_thread::yield();
  server_->stop();
}

std::string HttpServer::payload_too_large_text() const {
  return "Payload Too Large: the request body exceeds " + std::to_string(options_.max_body_bytes) +
         " bytes (the server's --max-body)";
}

// Expiry itself is exact (find() refuses an idle session); the sweep only
// frees the memory of sessions nobody asks for again.
void HttpServer::reap_idle_sessions() {
  const auto period = std::clamp(store_.idle_timeout() / 4, std::chrono::milliseconds(10),
                                 std::chrono::milliseconds(30'000));
  std::unique_lock lock(reaper_mutex_);
  while (!reaper_wake_.wait_for(lock, period, [this] { return stopping_; })) {
    lock.unlock();
    if (const auto n = store_.expire_idle(); n > 0) {
      log_info(std::to_string(n) + " idle session(s) expired");
    }
    lock.lock();
  }
}

}  // namespace mcpgym::mcp
