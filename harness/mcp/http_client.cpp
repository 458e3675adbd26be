// MCP Streamable HTTP (docs/spec.md HTTP-008, SESS-001, CTRL-009) over RawHttpClient.
#include <cctype>
#include <string>

#include "common/protocol.hpp"
#include "common/text.hpp"
#include "harness/mcp/client.hpp"
#include "harness/mcp/client_internal.hpp"
#include "harness/mcp/sse.hpp"

namespace mcpgym::harness {

namespace {

using detail::Answer;
using detail::excerpt;
using detail::kReceivedExcerpt;
using detail::kSentExcerpt;
using detail::make_error;

constexpr std::string_view kBadUrl = "[mcpgym.client.bad_url] ";

struct Endpoint {
  std::string host;
  int port = 80;
  std::string path;
};

Expected<Endpoint, std::string> parse_url(const std::string& url) {
  const auto fail = [&](const std::string& why) {
    return unexpected(std::string(kBadUrl) + "cannot use \"" + excerpt(url, 200) + "\": " + why);
  };
  const std::string_view scheme = "http://";
  if (lower(url.substr(0, scheme.size())) != scheme) {
    return fail("expected http://host:port/path (https and other schemes are not supported)");
  }
  std::string_view rest(url);
  rest.remove_prefix(scheme.size());
  const auto authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view path =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const auto hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  if (authority.find('@') != std::string_view::npos)
    return fail("user information is not supported");
  Endpoint endpoint;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("an IPv6 address without its closing ']'");
    endpoint.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) return fail("an empty port");
    }
  } else {
    const auto colon = authority.find(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return fail("an empty port");
    }
  }
  if (endpoint.host.empty()) return fail("no host");
  for (char c : endpoint.host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return fail("the host has a space or a non-ASCII character");
  }
  if (!port_text.empty()) {
    long port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535)
        return fail("the port is not a number from 1 to 65535");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return fail("the port is not a number from 1 to 65535");
    endpoint.port = static_cast<int>(port);
  }
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return fail("the path has a space or a non-ASCII character");
  }
  endpoint.path = path.empty() ? "/" : std::string(path);
  if (endpoint.path.front() == '?') endpoint.path.insert(0, "/");
  return endpoint;
}

bool is_visible_ascii(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return false;
  }
  return !text.empty();
}

// RFC 3986 unreserved characters stay, every other byte is percent-encoded.
std::string encode_path_segment(std::string_view segment) {
  std::string out;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : segment) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

// The JSON-RPC error object of an HTTP-level rejection's body, when it has one (HTTP-015).
std::optional<json> rpc_error_of(const std::string& body) {
  auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) return std::nullopt;
  const auto error = parsed->find("error");
  if (error == parsed->end() || !error->is_object()) return std::nullopt;
  return std::move(*error);
}

// Reads an event stream as it arrives and stops it at the response to
// request `id`: message events whose data is a request or notification from
// the server are skipped, as are events with empty data (priming) and other
// event types. A server that keeps the stream open after its answer costs
// nothing more.
class StreamWatch {
 public:
  StreamWatch(std::int64_t id, const JsonLimits& limits) : id_(id), limits_(limits) {}

  // A BodyObserver: true once the response (or a data that is not JSON) came.
  bool see(const HttpExchange& so_far, std::string_view fresh) {
    if (so_far.status != 200 || media_type(so_far.header("Content-Type")) != mcp::kSseMediaType) {
      return false;
    }
    std::vector<SseEvent> events;
    parser_.feed(fresh, events);
    for (auto& event : events) {
      ++events_seen_;
      if (event.event != "message" || event.data.empty()) continue;
      auto message = detail::parse_untrusted(event.data, "a message event's data", limits_);
      if (!message) {
        outcome_ = unexpected(message.error().ends_with(" is not JSON")
                                  ? message.error() + ": " + excerpt(event.data, 100)
                                  : std::move(message).error());
        return true;
      }
      if (detail::is_server_message(*message)) continue;
      outcome_ = std::move(*message);  // the response; check_response judges its id
      return true;
    }
    return false;
  }

  // The response, or why the stream held none.
  Expected<json, std::string> response() && {
    if (outcome_) return std::move(*outcome_);
    return unexpected("the event stream (" + std::to_string(events_seen_) +
                      " event(s)) holds no response to request " + std::to_string(id_));
  }

 private:
  std::int64_t id_;
  const JsonLimits& limits_;
  SseParser parser_;
  std::size_t events_seen_ = 0;
  std::optional<Expected<json, std::string>> outcome_;
};

class HttpMcpClient final : public detail::ClientBase {
 public:
  HttpMcpClient(Endpoint endpoint, ClientOptions options)
      : ClientBase(std::move(options)),
        endpoint_(std::move(endpoint)),
        http_(endpoint_.host, endpoint_.port, options_.timeout, options_.http_limits) {}

  Result<void> notify(const std::string& method, const json& params) override {
    if (closed_) return unexpected(closed_error(method));
    const std::string body = detail::message_text(method, params);
    const std::string sent = "POST " + endpoint_.path + " " + excerpt(body, kSentExcerpt);
    auto exchange = send({"POST", endpoint_.path, post_headers(), body});
    if (!exchange) {
      return unexpected(make_error(CallErrorKind::kTransport, method, exchange.error(), sent));
    }
    if (exchange->status != 202) {
      CallError e = make_error(CallErrorKind::kHttpStatus, method,
                               "the server answered HTTP " + std::to_string(exchange->status) +
                                   " where 202 Accepted was expected for a notification",
                               sent, exchange->status, excerpt(exchange->body, kReceivedExcerpt));
      e.rpc_error = rpc_error_of(exchange->body);
      return unexpected(std::move(e));
    }
    return {};
  }

  Result<json> read_control_http(const std::string& name) override {
    return get_control("/control/" + encode_path_segment(name));
  }

  // HANDLE-011: the environment is named in the query, not by a session.
  Result<json> read_env_control_http(const std::string& name, const std::string& env_id) override {
    return get_control("/control/" + encode_path_segment(name) +
                       "?env_id=" + encode_path_segment(env_id));
  }

  // EVP-006: the route's JSON answer, keyed as the reads are.
  Result<json> post_control_http(const std::string& name, const json& body) override {
    const std::string path = "/control/" + encode_path_segment(name);
    HeaderList headers = control_headers();
    headers.emplace_back("Content-Type", std::string(mcp::kJsonMediaType));
    return control_exchange({"POST", path, std::move(headers), body.dump()});
  }

  // The session header of a control request: the convention's client key when
  // there is one (EVP-003), else the transport's session id.
  HeaderList control_headers() const {
    HeaderList headers = {{"Accept", "application/json"}};
    const auto& key = options_.control_key ? options_.control_key : session_id_;
    if (key) headers.emplace_back(std::string(mcp::kSessionHeader), *key);
    return headers;
  }

  Result<json> get_control(const std::string& path) {
    return control_exchange({"GET", path, control_headers(), ""});
  }

  Result<json> control_exchange(HttpRequest request) {
    const std::string method = request.method + " " + request.path;
    const std::string sent =
        request.body.empty() ? method : method + " " + excerpt(request.body, kSentExcerpt);
    if (closed_) return unexpected(closed_error(method));
    auto exchange = send(std::move(request));
    if (!exchange) {
      return unexpected(make_error(CallErrorKind::kTransport, method, exchange.error(), sent));
    }
    const std::string received = excerpt(exchange->body, kReceivedExcerpt);
    if (exchange->status != 200) {
      CallError e = make_error(CallErrorKind::kHttpStatus, method,
                               "the server answered HTTP " + std::to_string(exchange->status) +
                                   " where 200 with the control payload was expected",
                               sent, exchange->status, received);
      e.rpc_error = rpc_error_of(exchange->body);
      return unexpected(std::move(e));
    }
    const std::string type = media_type(exchange->header("Content-Type"));
    if (type != mcp::kJsonMediaType) {
      return unexpected(make_error(CallErrorKind::kBadResponse, method,
                                   content_type_problem(*exchange, "application/json"), method,
                                   exchange->status, received));
    }
    auto payload = detail::parse_untrusted(exchange->body, "the body", options_.json_limits);
    if (!payload) {
      return unexpected(make_error(CallErrorKind::kBadResponse, method, std::move(payload).error(),
                                   sent, exchange->status, received));
    }
    return std::move(*payload);
  }

  Result<void> close() override {
    if (closed_) return {};
    closed_ = true;
    if (!session_id_) return {};
    const std::string method = "DELETE " + endpoint_.path;
    HeaderList headers = {{std::string(mcp::kSessionHeader), *session_id_}};
    if (!negotiated_.empty()) {
      headers.emplace_back(std::string(mcp::kProtocolVersionHeader), negotiated_);
    }
    auto exchange = send({"DELETE", endpoint_.path, std::move(headers), ""});
    if (!exchange) {
      return unexpected(make_error(CallErrorKind::kTransport, method, exchange.error(), method));
    }
    // MCP lets a server refuse to end sessions explicitly with 405.
    const int status = exchange->status;
    if ((status >= 200 && status < 300) || status == 405) return {};
    CallError e = make_error(CallErrorKind::kHttpStatus, method,
                             "the server answered HTTP " + std::to_string(status) +
                                 " where 200 was expected; the session may still exist",
                             method, status, excerpt(exchange->body, kReceivedExcerpt));
    e.rpc_error = rpc_error_of(exchange->body);
    return unexpected(std::move(e));
  }

  const std::optional<std::string>& session_id() const override { return session_id_; }

 protected:
  Expected<Answer, CallError> roundtrip(const std::string& method, const json& params) override {
    if (closed_) return unexpected(closed_error(method));
    const std::int64_t id = next_id();
    const std::string body = detail::message_text(method, params, id);
    Answer answer;
    answer.sent = "POST " + endpoint_.path + " " + excerpt(body, kSentExcerpt);
    StreamWatch watch(id, options_.json_limits);
    auto exchange = http_.send({"POST", endpoint_.path, post_headers(method, params), body},
                               [&watch](const HttpExchange& so_far, std::string_view fresh) {
                                 return watch.see(so_far, fresh);
                               });
    if (!exchange) {
      return unexpected(
          make_error(CallErrorKind::kTransport, method, exchange.error(), answer.sent));
    }
    answer.http_status = exchange->status;
    answer.received = excerpt(exchange->body, kReceivedExcerpt);
    answer.headers = exchange->headers;
    const auto fail = [&](CallErrorKind kind, std::string why) {
      return unexpected(answer_error(kind, method, std::move(why), answer));
    };
    if (exchange->status != 200) {
      CallError e = answer_error(CallErrorKind::kHttpStatus, method,
                                 "the server answered HTTP " + std::to_string(exchange->status) +
                                     " where 200 with a JSON-RPC response was expected",
                                 answer);
      e.rpc_error = rpc_error_of(exchange->body);
      if (e.rpc_error && detail::says_why_in_data(*e.rpc_error)) {
        e.why += ": " + detail::rpc_error_summary(*e.rpc_error);
      }
      return unexpected(std::move(e));
    }
    const std::string type = media_type(exchange->header("Content-Type"));
    json message;
    if (type == mcp::kJsonMediaType) {
      auto parsed = detail::parse_untrusted(exchange->body, "the body", options_.json_limits);
      if (!parsed) return fail(CallErrorKind::kBadResponse, std::move(parsed).error());
      message = std::move(*parsed);
      if (detail::is_server_message(message)) {
        return fail(CallErrorKind::kBadResponse,
                    "the body is a request or notification, not the response");
      }
    } else if (type == mcp::kSseMediaType) {
      auto found = std::move(watch).response();
      if (!found) return fail(CallErrorKind::kBadResponse, std::move(found).error());
      message = std::move(*found);
    } else {
      return fail(CallErrorKind::kBadResponse,
                  content_type_problem(*exchange, "application/json or text/event-stream"));
    }
    auto result = detail::check_response(std::move(message), id);
    if (!result) {
      CallError e = std::move(result).error();
      e.method = method;
      e.sent = answer.sent;
      e.http_status = answer.http_status;
      e.received = answer.received;
      return unexpected(std::move(e));
    }
    answer.result = std::move(*result);
    return answer;
  }

  std::optional<CallError> on_initialize_answer(const Answer& answer) override {
    HttpExchange headers;
    headers.headers = answer.headers;
    if (!headers.has_header(mcp::kSessionHeader)) {
      return answer_error(CallErrorKind::kBadResponse, "initialize",
                          "the answer carries no Mcp-Session-Id header; MCP-Gym requires a "
                          "session (SESS-001)",
                          answer);
    }
    const std::string id = headers.header(mcp::kSessionHeader);
    if (!is_visible_ascii(id)) {
      return answer_error(CallErrorKind::kBadResponse, "initialize",
                          "the Mcp-Session-Id header \"" + excerpt(id, 100) +
                              "\" is empty or not visible ASCII (SESS-002)",
                          answer);
    }
    session_id_ = id;
    return std::nullopt;
  }

 private:
  Expected<HttpExchange, std::string> send(HttpRequest request) {
    return http_.send(std::move(request));  // MSG_NOSIGNAL: a gone peer is a value
  }

  // Modern: the headers mirror the body (MODERN-003, HANDLE-007) and no
  // session is sent.
  HeaderList post_headers(const std::string& method, const json& params) const {
    const auto modern_version = detail::modern_version_of(params);
    HeaderList headers = modern_version ? mcp_post_headers() : legacy_post_headers();
    if (modern_version) {
      const auto name = params.find("name");
      const ParamHeaders& annotations =
          method == "tools/call" && name != params.end() && name->is_string()
              ? param_headers_for(name->get<std::string>())
              : ParamHeaders{};
      for (auto& field : modern_headers(*modern_version, method, params, annotations)) {
        headers.push_back(std::move(field));
      }
    }
    return with_accept_override(std::move(headers));
  }

  HeaderList post_headers() const { return with_accept_override(legacy_post_headers()); }

  HeaderList legacy_post_headers() const {
    return mcp_post_headers(session_id_,
                            negotiated_.empty() ? std::nullopt : std::optional(negotiated_));
  }

  HeaderList with_accept_override(HeaderList headers) const {
    if (options_.accept_override) {
      for (auto& [name, value] : headers) {
        if (name == "Accept") value = *options_.accept_override;
      }
    }
    return headers;
  }

  bool mirrors_param_headers() const override { return true; }

  static std::string content_type_problem(const HttpExchange& exchange, std::string_view wanted) {
    if (!exchange.has_header("Content-Type")) {
      return "the answer has no Content-Type; expected " + std::string(wanted);
    }
    return "the answer's Content-Type is \"" + excerpt(exchange.header("Content-Type"), 100) +
           "\"; expected " + std::string(wanted);
  }

  CallError closed_error(const std::string& method) const {
    return make_error(CallErrorKind::kClosed, method,
                      "the client was closed; connect and initialize a new session");
  }

  Endpoint endpoint_;
  RawHttpClient http_;
  std::optional<std::string> session_id_;
  bool closed_ = false;
};

}  // namespace

Expected<std::unique_ptr<McpClient>, std::string> connect_http(const std::string& url,
                                                               ClientOptions options) {
  auto endpoint = parse_url(url);
  if (!endpoint) return unexpected(std::move(endpoint).error());
  std::unique_ptr<McpClient> client =
      std::make_unique<HttpMcpClient>(std::move(*endpoint), std::move(options));
  return client;
}

std::function<bool(const std::string& url)> initialize_probe(std::chrono::milliseconds timeout) {
  return [timeout](const std::string& url) {
    ClientOptions options;
    options.timeout = timeout;
    auto client = connect_http(url, options);
    if (!client) return false;
    const bool initialized = (*client)->initialize(nullptr).has_value();
    (void)(*client)->close();
    return initialized;
  };
}

}  // namespace mcpgym::harness
