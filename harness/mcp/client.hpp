#pragma once
// An MCP client for judging implementations: Streamable HTTP (JSON or SSE
// answers) and stdio. Every call has a deadline, and every failure is a value
// saying what was sent, what came back and why it is wrong: never a hang,
// never a silent default.
//
// Thread-safety: a client is not thread-safe. Use one client per thread (each
// holds its own connection or pipe pair); there is no global state, so
// clients on different threads never interfere.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/bounded_json.hpp"
#include "common/expected.hpp"
#include "harness/http/modern_headers.hpp"
#include "harness/http/raw_http.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::harness {

using json = nlohmann::json;

// What went wrong, as the stable identifier that starts CallError::message().
enum class CallErrorKind {
  kTransport,    // [mcpgym.client.transport]: no answer at all, connection failed, timed out
  kHttpStatus,   // [mcpgym.client.http_status]: an unexpected HTTP status
  kBadResponse,  // [mcpgym.client.bad_response]: unparseable or malformed answer, wrong id,
                 //   wrong content type, missing session id
  kRpcError,     // [mcpgym.client.rpc_error]: a JSON-RPC error answer
  kClosed,       // [mcpgym.client.closed]: use after close(), or the stdio process is gone
  kUnsupported,  // [mcpgym.client.unsupported]: not possible on this transport
};

// "mcpgym.client.transport", ...
std::string_view call_error_id(CallErrorKind kind);

struct CallError {
  std::string method;             // e.g. "tools/call", "initialize", "GET /control/status"
  std::string sent;               // excerpt of what was sent
  int http_status = 0;            // 0: not HTTP, or no answer at all
  std::string received;           // excerpt of what came back
  std::string why;                // one sentence
  std::optional<json> rpc_error;  // the JSON-RPC error object, when the answer was one
  CallErrorKind kind = CallErrorKind::kTransport;
  // "[mcpgym.client.<kind>] <method>: <why> (sent <sent>, got HTTP <n>: <received>)";
  // without HTTP "got <received>", "got nothing" when nothing came back, and no
  // parenthesis at all when nothing was sent and nothing came back.
  std::string message() const;
};

template <class T>
using Result = Expected<T, CallError>;

// Which MCP era a client speaks (docs/spec.md, the modern era: MODERN-*).
enum class Era {
  kLegacy,  // 2025-03-26 .. 2025-11-25: initialize, then a session (Mcp-Session-Id)
  kModern,  // 2026-07-28: no handshake and no session; `_meta` and headers on every request
  // Decided at initialize() (or the first call): server/discover with a modern
  // envelope; modern when its supportedVersions lists kModernVersion, else a
  // legacy initialize.
  kAuto,
};

// "legacy", "modern", "auto".
std::string_view era_name(Era era);

struct ClientOptions {
  std::string client_name = "mcpgym-harness";
  std::string client_version = "0.1.0";
  std::string protocol_version = "2025-11-25";  // requested at initialize
  // Legacy by default, so every existing caller keeps its behaviour.
  Era era = Era::kLegacy;
  // Modern: the clientCapabilities sent in every request's `_meta`.
  json client_capabilities = json::object();
  // Modern, HTTP: the x-mcp-header annotations of tools, by tool name, when the
  // caller knows them. A tool named here is called without listing first; any
  // other tool's annotations are learned from tools/list (listed before the
  // first call to a tool the client has not seen).
  std::map<std::string, ParamHeaders> param_headers;
  // Per call: one deadline for the whole call (HTTP: connect, write, head and
  // body; stdio: the write and every line read until the answer).
  std::chrono::milliseconds timeout{10'000};
  // HTTP: caps on a response's head, body and event stream.
  HttpLimits http_limits;
  // stdio: the longest line the client buffers while waiting for its newline.
  std::size_t max_line_bytes = 64 * 1024 * 1024;
  // Every JSON text from the server (a body, an event's data, a line, a
  // resource's text) is parsed within these limits.
  JsonLimits json_limits;
  // Testing only (HTTP): the Accept header of every POST, in place of
  // "application/json, text/event-stream". The proxy's
  // forward-accept-json-only fault uses it to reproduce HTTP 406 answers.
  std::optional<std::string> accept_override;
  // HTTP: the key sent as `mcp-session-id` on GET/POST /control/* in place of
  // the transport's session id: the eval-protocol convention's client key
  // (docs/spec.md EVP-001, EVP-003; harness/mcp/eval_protocol.hpp mints it).
  std::optional<std::string> control_key;
  // The eval-protocol client (EVP-001): a legacy initialize adds to its _extra
  // object (null: {}) the key minted as eval-protocol's client does from the seed,
  // config, a row id unique to this client and the model id, with that row and
  // model id (harness/mcp/eval_protocol.hpp), unless _extra names a key; the key
  // becomes control_key. Other members, and a non-object _extra, go as given.
  bool eval_protocol_keys = false;
};

class McpClient {
 public:
  virtual ~McpClient() = default;

  // Legacy: sends initialize (with clientInfo._extra = extra unless it is
  // null), then notifications/initialized. Remembers the session id and
  // negotiated version. Modern: there is no handshake; sends server/discover
  // and returns its result (an error unless it lists kModernVersion), and
  // `extra` must be null (environments are created with env_create). Auto:
  // decides the era with server/discover, then does one of the two.
  virtual Result<json> initialize(const json& extra) = 0;
  // Any request (null params are left out): the JSON-RPC `result`, or an error
  // (a JSON-RPC error answer included, with rpc_error set). Modern: params
  // gain the `_meta` envelope and, on HTTP, the request its headers; a
  // tools/list result teaches the client the tools' x-mcp-header annotations.
  virtual Result<json> request(const std::string& method, const json& params) = 0;
  virtual Result<void> notify(const std::string& method, const json& params) = 0;
  // tools/call; a tool error (isError: true) is a result, not a CallError.
  // Modern, HTTP: every annotated argument is mirrored in Mcp-Param-<Name>.
  virtual Result<json> call_tool(const std::string& name, const json& arguments) = 0;
  // resources/read: the JSON payload of the first content's text.
  virtual Result<json> read_resource(const std::string& uri) = 0;
  // The eval-protocol form: GET /control/<name> (HTTP only).
  virtual Result<json> read_control_http(const std::string& name) = 0;
  // The same for one environment over handles: GET /control/<name>?env_id=<handle>
  // (HANDLE-011). HTTP only.
  virtual Result<json> read_env_control_http(const std::string& name, const std::string& env_id);
  // POST /control/<name> with a JSON body (reset_session, EVP-006), keyed as
  // read_control_http is; the answer's JSON on 200. HTTP only.
  virtual Result<json> post_control_http(const std::string& name, const json& body);
  // HTTP: DELETE the session (200, any 2xx or 405 is success); modern: sends
  // nothing (there is no session). stdio:
  // Process::close_stdin(). Idempotent: only the first call sends anything, and
  // any later call other than close() is a [mcpgym.client.closed] error.
  virtual Result<void> close() = 0;

  virtual const std::optional<std::string>& session_id() const = 0;
  // Modern: kModernVersion.
  virtual const std::string& negotiated_version() const = 0;
  // The era in use: kLegacy or kModern, or kAuto while it is undecided.
  virtual Era era() const { return Era::kLegacy; }
};

// Streamable HTTP at `url` (http://host:port/path; no port means 80, no path
// means "/"). A URL that cannot work is an error starting [mcpgym.client.bad_url].
// Nothing is sent until the first call.
Expected<std::unique_ptr<McpClient>, std::string> connect_http(const std::string& url,
                                                               ClientOptions options = {});
// stdio over a process launched with stdio_pipes; the process must outlive the client.
// Lines the server sends that are requests or notifications are skipped, and so
// is a late answer to a request that timed out earlier.
std::unique_ptr<McpClient> connect_stdio(Process& process, ClientOptions options = {});

// A readiness probe for servers that print nothing: true once initialize answers.
std::function<bool(const std::string& url)> initialize_probe(std::chrono::milliseconds timeout);

}  // namespace mcpgym::harness
