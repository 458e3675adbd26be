#include "reference/mcp/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <thread>

#include "common/bounded_json.hpp"
#include "common/error_ids.hpp"
#include "common/log.hpp"
#include "common/protocol.hpp"
#include "common/text.hpp"
#include "reference/mcp/http_rules.hpp"
#include "reference/mcp/modern_request.hpp"

namespace mcpgym::mcp {

namespace {

const std::string kSessionHeaderName(kSessionHeader);
const std::string kProtocolHeaderName(kProtocolVersionHeader);
const std::string kJson(kJsonMediaType);
// EVP-009: eval-protocol's client posts to the endpoint with a trailing slash.
const std::string kEndpointWithSlash = std::string(kEndpointPath) + "/";
// EVP-006: the one control route that is a POST.
const std::string kResetSessionPath = std::string(kControlPathPrefix) + "reset_session";

void reply_json(HttpResponseMessage& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), kJson);
}

// HTTP-015: every rejection carries a JSON-RPC error saying why.
void reply_error(HttpResponseMessage& res, int status, const RpcError& error,
                 const json& id = nullptr) {
  reply_json(res, status, make_error(id, error));
}

void reply_transport_error(HttpResponseMessage& res, int status, std::string_view error_id,
                           std::string_view text) {
  reply_error(res, status, rpc_error(code::kTransportError, error_id, text));
}

std::string in_quotes(std::string_view value) {
  return quoted_excerpt(value);
}

// The method of a body holding one JSON-RPC request or notification.
std::optional<std::string> single_message_method(const json* body) {
  if (body == nullptr || !body->is_object()) return std::nullopt;
  auto message = classify(*body);
  if (!message || message->kind == MessageKind::kResponse) return std::nullopt;
  return message->method;
}

}  // namespace

HttpServer::HttpServer(Application& app, HttpServerOptions options)
    : options_(std::move(options)),
      store_(options_.session_idle_timeout),
      dispatcher_(app, store_),
      modern_(app, /*validate_param_headers=*/!options_.header_not_validated),
      transport_(
          transport_options(options_), [this](const Request& req) { return route(req); },
          [this](int status, std::string_view id, const std::string& text,
                 const RequestHead* head) {
            // A request refused for its framing is still seen by on_request, once.
            if (head != nullptr) record(Request{*head, {}}, nullptr);
            Response res;
            // HTTP-015: -32600 for a request that is not valid HTTP, -32000 otherwise.
            const int rpc_code = status == 400 ? code::kInvalidRequest : code::kTransportError;
            reply_error(res, status, rpc_error(rpc_code, id, text));
            res.close = true;
            return res;
          }),
      host_check_(is_loopback_bind_address(options_.host)) {}

HttpServer::~HttpServer() {
  stop();
  if (reaper_.joinable()) reaper_.join();
}

HttpTransportOptions HttpServer::transport_options(const HttpServerOptions& options) {
  HttpTransportOptions t;
  t.host = options.host;
  t.port = options.port;
  t.worker_threads = options.worker_threads;
  t.limits = {options.max_head_bytes, options.max_header_count, options.max_body_bytes};
  t.request_timeout = options.request_timeout;
  t.keep_alive_timeout = options.keep_alive_timeout;
  t.write_timeout = options.write_timeout;
  t.max_connections = std::max<std::size_t>(1, options.max_connections);
  return t;
}

// Which handler serves a request, by path then method. HEAD is served as GET
// without the body (the transport drops it).
HttpResponseMessage HttpServer::route(const Request& req) {
  Response res;
  const std::string& method = req.method() == "HEAD" ? std::string("GET") : req.method();
  const std::string& path = req.path();
  const bool is_endpoint = path == kEndpointPath || path == kEndpointWithSlash;
  // A POST to the endpoint is recorded by handle_post, once its body (and so
  // its JSON-RPC method) is known; every other request here.
  if (!(is_endpoint && method == "POST")) record(req, nullptr);
  if (is_endpoint) {
    if (method == "POST") {
      handle_post(req, res);
    } else if (method == "DELETE") {
      handle_delete(req, res);
    } else {
      handle_not_allowed(req, res, "POST, DELETE",
                         "this server offers no server-to-client SSE stream, use POST (and "
                         "DELETE to end a session)");
    }
    return res;
  }
  if (options_.control_http && path == kResetSessionPath) {
    if (method == "POST") {
      handle_reset_session(req, res);
    } else {
      handle_not_allowed(req, res, "POST", "a session is reset with POST {\"seed\": n}");
    }
    return res;
  }
  if (options_.control_http && path.starts_with(kControlPathPrefix)) {
    if (method == "GET") {
      handle_control(req, res, path.substr(kControlPathPrefix.size()));
    } else {
      handle_not_allowed(req, res, "GET", "the control plane is read with GET");
    }
    return res;
  }
  reply_transport_error(res, 404, err::kNotFound,
                        "Not Found: no endpoint at " + req.method() + " " + excerpt(path) +
                            "; MCP is served at POST " + std::string(kEndpointPath));
  return res;
}

// Every other method on our paths still passes the Origin/Host gate first
// (HTTP-010/011), then gets 405 naming what is allowed.
void HttpServer::handle_not_allowed(const Request& req, Response& res, const std::string& allow,
                                    std::string_view hint) const {
  if (!admit(req, res)) return;
  res.set_header("Allow", allow);
  reply_transport_error(
      res, 405, err::kMethodNotAllowed,
      "Method Not Allowed: " + req.method() + " " + excerpt(req.path()) + "; " + std::string(hint));
}

// HTTP-010 and HTTP-011, before anything else looks at the request.
bool HttpServer::admit(const Request& req, Response& res) const {
  return admit_origin(req, res) && admit_host(req, res);
}

// HTTP-010: a browser page's Origin must be a loopback one.
bool HttpServer::admit_origin(const Request& req, Response& res) const {
  if (req.has_header("Origin")) {
    const std::string origin = req.header("Origin");
    if (!is_loopback_origin(origin)) {
      reply_transport_error(res, 403, err::kForbiddenOrigin,
                            "Forbidden: Origin " + in_quotes(origin) +
                                " is not a loopback origin; only local pages may call this server");
      return false;
    }
  }
  return true;
}

// HTTP-011: while listening on loopback, the Host must be a loopback one (DNS rebinding).
bool HttpServer::admit_host(const Request& req, Response& res) const {
  if (host_check_ && req.has_header("Host")) {
    const std::string host = req.header("Host");
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

bool HttpServer::admit_control(const Request& req, Response& res) const {
  return (options_.control_skips_origin || admit_origin(req, res)) && admit_host(req, res);
}

std::shared_ptr<SessionSlot> HttpServer::resolve_session(const Request& req, Response& res) {
  if (!req.has_header(kSessionHeaderName)) {
    reply_transport_error(res, 400, err::kMissingSession,
                          "Bad Request: missing " + kSessionHeaderName +
                              " header; send the id returned by initialize, or initialize first");
    return nullptr;
  }
  const std::string id = req.header(kSessionHeaderName);
  auto slot = store_.find(id);
  if (!slot) {
    reply_transport_error(res, 404, err::kUnknownSession,
                          "Not Found: session " + in_quotes(id) +
                              " does not exist (never created, deleted or expired); initialize a "
                              "new session");
    return nullptr;
  }
  if (req.has_header(kProtocolHeaderName)) {
    const std::string version = req.header(kProtocolHeaderName);
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
std::shared_ptr<SessionSlot> HttpServer::resolve_post_session(const Request& req, Response& res) {
  auto slot = resolve_session(req, res);
  if (!slot || !options_.new_session_per_request) return slot;
  auto fresh = fresh_session_like(req.header(kSessionHeaderName), res);
  return fresh ? fresh : slot;
}

// new-session-per-request: a session created from the initialize params of
// session `id` (so a fresh environment, all state lost), announced in the
// response's Mcp-Session-Id. Null when `id` has no params on record.
std::shared_ptr<SessionSlot> HttpServer::fresh_session_like(const std::string& id, Response& res) {
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
  res.set_header(kSessionHeaderName, *created.session_id);
  log_debug("session " + *created.session_id + " created in place of " + id);
  return store_.find(*created.session_id);
}

void HttpServer::record(const Request& req, const json* body) const {
  if (!options_.on_request) return;
  RequestRecord record{req.method(), req.path(), {}, single_message_method(body)};
  for (const auto& [name, value] : req.head.headers)
    record.headers.emplace_back(lower(name), value);
  std::stable_sort(record.headers.begin(), record.headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  options_.on_request(record);
}

void HttpServer::handle_post(const Request& req, Response& res) {
  // Parsed now for the on_request observer; judged below, after the header checks.
  // Bounded (docs/spec.md HTTP-020): a body nesting deeper than the limit is
  // refused before any tree is built, since every later walk of the value
  // (copies, dumps, forwarding) recurses.
  const std::string& raw = req.body;
  JsonLimits limits;
  limits.max_bytes = std::max(limits.max_bytes, options_.max_body_bytes);
  const auto parsed = parse_json(raw, limits);
  record(req, parsed ? &*parsed : nullptr);
  if (!admit(req, res)) return;
  const std::string accept = req.header("Accept");
  if (!options_.lenient_accept && !accept_lists_json_and_sse(accept)) {
    reply_transport_error(res, 406, err::kNotAcceptable,
                          "Not Acceptable: the Accept header must list both application/json and "
                          "text/event-stream; got " +
                              in_quotes(accept));
    return;
  }
  const std::string content_type = req.header("Content-Type");
  if (!is_json_content_type(content_type)) {
    reply_transport_error(res, 415, err::kUnsupportedMediaType,
                          "Unsupported Media Type: Content-Type must be application/json; got " +
                              in_quotes(content_type));
    return;
  }
  if (!parsed && parsed.error().problem == JsonProblem::kInvalid) {
    reply_error(res, 400,
                rpc_error(code::kParseError, err::kParseError,
                          "Parse error: the body is not valid JSON: " + in_quotes(raw)));
    return;
  }
  if (!parsed) {
    // Valid or not, the text was refused unparsed; its message names the limit.
    reply_error(res, 400, RpcError{code::kInvalidRequest, parsed.error().message, nullptr});
    return;
  }
  const json& body = *parsed;
  if (has_modern_element(body)) {
    reply_error(res, 400,
                rpc_error(code::kInvalidRequest, err::kModernBatchRejected,
                          "Invalid Request: JSON-RPC batches are not part of MCP " +
                              std::string(kModernVersion) + "; send one request per POST"));
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
  // MODERN-001: the body decides the era, before any session header.
  if (is_modern(*message)) {
    handle_modern_post(req, res, *message);
    return;
  }
  if (message->kind == MessageKind::kRequest && message->method == "initialize") {
    if (req.has_header(kSessionHeaderName)) {
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
      res.set_header(kSessionHeaderName, *initialized.session_id);
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

void HttpServer::handle_batch(const Request& req, Response& res, const json& batch) {
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

// A modern request belongs to no session: a stray Mcp-Session-Id is ignored,
// and none is minted or echoed.
void HttpServer::handle_modern_post(const Request& req, Response& res, const Message& message) {
  const HeaderLookup headers = [&req](std::string_view name) -> std::optional<std::string> {
    if (!req.has_header(name)) return std::nullopt;
    return req.header(name);
  };
  auto answer = modern_.handle(message, &headers);
  if (!answer) {
    res.status = 202;  // a notification: accepted, no body
  } else if (answer->http_status == 200) {
    reply_answer(res, answer->response);
  } else {
    reply_json(res, answer->http_status, answer->response);
  }
}

// The answer to a POST that carried requests. In SSE mode it is a complete
// stream as the TypeScript SDK sends one: a comment, a priming event with an
// id and empty data (what a client would resume from), then the response as a
// "message" event; the stream ends with the response.
void HttpServer::reply_answer(Response& res, const json& answer) const {
  if (!options_.sse_responses) {
    reply_json(res, 200, answer);
    return;
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_content(": mcpgym-frozenlake\n\nid: 0\ndata:\n\nevent: message\nid: 1\ndata: " +
                      answer.dump() + "\n\n",
                  std::string(kSseMediaType));
}

void HttpServer::handle_delete(const Request& req, Response& res) {
  if (!admit(req, res)) return;
  // The same session and version checks as every other request (SESS-004/005, HTTP-012).
  if (!resolve_session(req, res)) return;
  const std::string id = req.header(kSessionHeaderName);
  store_.erase(id);
  if (options_.new_session_per_request) {
    std::lock_guard lock(initialize_params_mutex_);
    initialize_params_.erase(id);
  }
  log_debug("session " + id + " deleted");
  res.status = 200;
}

void HttpServer::handle_control(const Request& req, Response& res, const std::string& name) {
  if (!admit_control(req, res)) return;
  if (options_.strict_get && !admit_strict_get(req, res)) return;
  // HANDLE-011: ?env_id=<handle> reads the modern control plane; without it,
  // a session's (CTRL-009), exactly as before the modern era.
  const auto handle = query_parameter(req.head.target, "env_id");
  if (handle && !handle->empty()) {
    handle_control_by_handle(res, name, *handle);
    return;
  }
  // An empty ?env_id= names no handle; with no session either, say what is missing.
  // (No query and no session keeps CTRL-009's missing-session answer.)
  if (handle && !req.has_header(kSessionHeaderName)) {
    reply_transport_error(res, 400, err::kModernMissingHandle,
                          "Bad Request: GET /control/" + excerpt(name) +
                              " needs ?env_id=<handle> (an environment made by env_create) or an " +
                              kSessionHeaderName + " header (a legacy session)");
    return;
  }
  if (served_by_application(req, res, name)) return;
  auto slot = resolve_session(req, res);
  if (!slot) return;
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

// EVP-006: the session's environment starts a new episode with the body's seed.
void HttpServer::handle_reset_session(const Request& req, Response& res) {
  if (!admit_control(req, res)) return;
  if (served_by_application(req, res, "reset_session")) return;
  auto slot = resolve_session(req, res);
  if (!slot) return;
  auto body = parse_json(req.body);
  if (!body || !body->is_object()) {
    reply_transport_error(res, 400, err::kInvalidResetBody,
                          "Bad Request: the body of POST /control/reset_session must be a JSON "
                          "object such as {\"seed\": 42}");
    return;
  }
  Outcome outcome = unexpected(RpcError{});
  {
    std::lock_guard lock(slot->mutex);
    outcome = slot->session->reset_session(*body);
  }
  if (outcome) {
    reply_json(res, 200, *outcome);
  } else if (outcome.error().code == code::kInvalidParams) {
    reply_error(res, 400, outcome.error());
  } else if (outcome.error().code == code::kMethodNotFound) {
    reply_error(res, 501, outcome.error());
  } else {
    reply_error(res, 502, outcome.error());
  }
}

// Application::serve_control: a convention in which the application names
// what the session header points at answers the control route itself.
bool HttpServer::served_by_application(const Request& req, Response& res, std::string_view name) {
  ControlRequest request{name, std::nullopt, req.body};
  if (req.has_header(kSessionHeaderName)) request.key = req.header(kSessionHeaderName);
  auto reply = dispatcher_.application().serve_control(request);
  if (!reply) return false;
  reply_json(res, reply->status, reply->body);
  return true;
}

void HttpServer::handle_control_by_handle(Response& res, const std::string& name,
                                          const std::string& handle) {
  Outcome outcome = unexpected(RpcError{});
  try {
    outcome = dispatcher_.application().read_control_by_handle(name, handle);
  } catch (const std::exception& e) {
    outcome = unexpected(
        rpc_error(code::kInternalError, err::kInternalError,
                  "Internal error while reading control " + excerpt(name) + ": " + e.what()));
  }
  if (outcome) {
    reply_json(res, 200, *outcome);
  } else if (outcome.error().code == code::kInternalError) {
    reply_error(res, 500, outcome.error());
  } else {
    reply_transport_error(res, 404, err::kModernUnknownHandle,
                          "Not Found: no control " + in_quotes(name) + " for env_id " +
                              in_quotes(handle) +
                              " (unknown, closed or expired handle, or a name other than reward, "
                              "status, info, initial_state); create one with env_create");
  }
}

// --strict-get: what a strict server answers a GET whose headers do not fit it.
bool HttpServer::admit_strict_get(const Request& req, Response& res) const {
  const std::string accept = req.header("Accept");
  if (!accept_lists_json(accept)) {
    reply_transport_error(res, 406, err::kNotAcceptable,
                          "Not Acceptable: the Accept header of a GET must list "
                          "application/json; got " +
                              in_quotes(accept));
    return false;
  }
  if (req.has_header("Content-Type")) {
    reply_transport_error(res, 415, err::kUnsupportedMediaType,
                          "Unsupported Media Type: a GET carries no body, so no Content-Type; "
                          "got " +
                              in_quotes(req.header("Content-Type")));
    return false;
  }
  return true;
}

Expected<int, std::string> HttpServer::bind() {
  auto port = transport_.bind();
  if (port) port_ = *port;
  return port;
}

void HttpServer::serve() {
  {
    std::lock_guard lock(reaper_mutex_);
    if (stopping_) return;  // stopped between bind() and serve()
    if (store_.idle_timeout().count() > 0) {
      reaper_ = std::thread([this] { reap_idle_sessions(); });
    }
  }
  transport_.serve();
}

void HttpServer::stop() {
  {
    std::lock_guard lock(reaper_mutex_);
    stopping_ = true;
  }
  reaper_wake_.notify_all();
  transport_.stop();
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
