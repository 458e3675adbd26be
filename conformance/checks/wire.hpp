#pragma once
// Shared helpers for checks that speak raw HTTP to the implementation: the
// messages they send, one initialized session, and the JSON-RPC message in an
// answer (JSON body or SSE stream). Every exchange is noted in the Context, so
// the report shows the wire traffic that decided a verdict.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/protocol.hpp"
#include "conformance/core/context.hpp"
#include "harness/http/modern_headers.hpp"
#include "harness/http/raw_http.hpp"

namespace mcpgym::conformance::wire {

using json = nlohmann::json;
using harness::HeaderList;
using harness::HttpExchange;

inline constexpr const char* kLatestVersion = "2025-11-25";

json request(int id, const std::string& method, json params = json::object());
json notification(const std::string& method, json params = json::object());
// initialize params: protocolVersion, empty capabilities, clientInfo (with _extra unless null).
json initialize_params(const std::string& version = kLatestVersion, const json& extra = nullptr);

// POSTs `body` to the endpoint with `headers` exactly (nothing added besides
// what cpp-httplib always sends: Host, and Accept: */* when none is given),
// and notes the exchange. A transport failure is an error saying what was sent.
Expected<HttpExchange, std::string> post(Context& ctx, harness::RawHttpClient& http,
                                         const std::string& body, const HeaderList& headers);
// Any method and path, noted the same way.
Expected<HttpExchange, std::string> send(Context& ctx, harness::RawHttpClient& http,
                                         harness::HttpRequest request);

struct RawSession {
  std::string id;       // Mcp-Session-Id from the initialize answer
  std::string version;  // the negotiated protocolVersion
  json result;          // the initialize result
};
// initialize (with the well-behaved client's headers) then notifications/initialized.
// Errors say which step went wrong and what came back.
Expected<RawSession, std::string> open_session(Context& ctx, harness::RawHttpClient& http,
                                               const json& extra = nullptr,
                                               const std::string& version = kLatestVersion);
// A well-behaved POST of `message` within `session` (session and version headers set).
Expected<HttpExchange, std::string> post_in(Context& ctx, harness::RawHttpClient& http,
                                            const RawSession& session, const json& message);

// Ends `session` with DELETE (not noted: cleanup, not evidence). Best effort:
// a server that refuses DELETE keeps the session until it expires. Sends
// Mcp-Session-Id, and MCP-Protocol-Version only when `session.version` is set
// (leave it empty when the version an answer named may be unsupported);
// nothing at all when `session.id` is empty.
void close_session(harness::RawHttpClient& http, const std::string& path,
                   const RawSession& session);
void close_session(Context& ctx, harness::RawHttpClient& http, const RawSession& session);

// A raw HTTP session that is ended (close_session) when it goes out of scope.
struct OpenSession {
  harness::RawHttpClient http;
  std::string path;
  RawSession session;
  OpenSession(harness::RawHttpClient h, std::string p, RawSession s)
      : http(std::move(h)), path(std::move(p)), session(std::move(s)) {}
  ~OpenSession() { close_session(http, path, session); }
  OpenSession(const OpenSession&) = delete;
  OpenSession& operator=(const OpenSession&) = delete;
  // The well-behaved client's headers in this session, with `name` set to
  // `value` (or removed when `value` is empty; nothing changed when `name` is).
  HeaderList headers_with(const std::string& name, const std::string& value) const;
};
// open_session over a fresh connection (ctx.raw()), owned.
Expected<std::unique_ptr<OpenSession>, std::string> open(
    Context& ctx, const json& extra = nullptr, const std::string& version = kLatestVersion);
// Opens a session and judges it with `judge`; could_not_run when it cannot be opened.
Outcome in_session(Context& ctx, const std::function<Outcome(OpenSession&)>& judge);

// The JSON-RPC message an answer carries: the JSON body, or for
// text/event-stream the data of the last event that parses as JSON. nullopt
// when there is none.
std::optional<json> rpc_message(const HttpExchange& exchange);
// error.code of that message, if it is an error response.
std::optional<int> rpc_error_code(const HttpExchange& exchange);

// --- the modern era (MCP 2026-07-28) ---------------------------------------

// A modern JSON-RPC request: `params` with the suite's `_meta` envelope
// (protocolVersion `version`, empty clientCapabilities, clientInfo).
json modern_request(int id, const std::string& method, json params = json::object(),
                    const std::string& version = std::string(mcp::kModernVersion));
// POSTs `message` with the headers harness::modern_post gives it (the
// version from its `_meta`), after `edit` changed them (a deliberately wrong
// request), on a new connection, and notes the exchange.
using HeaderEdit = std::function<void(HeaderList&)>;
Expected<HttpExchange, std::string> post_modern(Context& ctx, const json& message,
                                                const HeaderEdit& edit = {},
                                                const harness::ParamHeaders& param_headers = {});
// The `result` of a modern answer (any status), or why there is none.
Expected<json, std::string> modern_result(const HttpExchange& exchange);

// "HTTP 406 with body {...}" for the `actual` of a result.
std::string status_and_body(const HttpExchange& exchange);

}  // namespace mcpgym::conformance::wire
