#pragma once
// Shared by the HTTP and stdio clients; not part of the public interface.
#include <signal.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/text.hpp"
#include "harness/http/sigpipe_guard.hpp"
#include "harness/mcp/client.hpp"

namespace mcpgym::harness::detail {

inline constexpr std::size_t kSentExcerpt = 200;
inline constexpr std::size_t kReceivedExcerpt = 300;

// A bounded, printable rendering of untrusted bytes: printable ASCII as is,
// every other byte as \xNN, "..." when cut.
using mcpgym::excerpt;  // common/text.hpp

// JSON text that never throws: invalid UTF-8 in strings is replaced.
std::string dump(const json& value);

CallError make_error(CallErrorKind kind, std::string method, std::string why, std::string sent = {},
                     int http_status = 0, std::string received = {});

// The text of a JSON-RPC request, or of a notification when `id` is absent:
// members in the customary order (jsonrpc, id, method, params), params left
// out when null.
std::string message_text(const std::string& method, const json& params,
                         std::optional<std::int64_t> id = std::nullopt);

// Parses JSON text from the server within `limits`. The error is a sentence
// about `what`: "<what> is not JSON", or "<what> is refused: " and the
// [mcpgym.json.too_deep] / [mcpgym.json.too_large] message.
Expected<json, std::string> parse_untrusted(std::string_view text, std::string_view what,
                                            const JsonLimits& limits);

// Whether a parsed message is a request or notification (it has a method).
bool is_server_message(const json& message);

// "JSON-RPC error <code>: <message>", and for the modern era's -32020
// (HeaderMismatch) and -32022 (unsupported version) ", data <data>": those
// errors say what was wrong only in their data.
std::string rpc_error_summary(const json& error);
bool says_why_in_data(const json& error);

// The protocol version a request's params._meta names (a modern request,
// MODERN-001), or nullopt (a legacy one).
std::optional<std::string> modern_version_of(const json& params);

// Checks a JSON-RPC response to request `id`. On success the `result`, moved
// out (a large result is never copied); on failure an error with only kind,
// why and rpc_error filled in.
Expected<json, CallError> check_response(json message, std::int64_t id);

// What a request brought back, for the checks that follow.
struct Answer {
  json result;
  std::string sent;  // excerpt
  int http_status = 0;
  std::string received;  // excerpt
  HeaderList headers;
};

// What the two transports share: initialize, tools/call and resources/read on
// top of one request/response round trip, in either era.
class ClientBase : public McpClient {
 public:
  explicit ClientBase(ClientOptions options);

  Result<json> initialize(const json& extra) override;
  Result<json> request(const std::string& method, const json& params) override;
  Result<json> call_tool(const std::string& name, const json& arguments) override;
  Result<json> read_resource(const std::string& uri) override;
  const std::string& negotiated_version() const override { return negotiated_; }
  Era era() const override { return era_; }

 protected:
  // Sends one request and returns its checked result. A request whose
  // params._meta names a protocol version is a modern one (HTTP adds the
  // modern headers from the body and leaves the session out).
  virtual Expected<Answer, CallError> roundtrip(const std::string& method, const json& params) = 0;
  // Whether this transport mirrors x-mcp-header arguments (HTTP does; the
  // revision lets stdio ignore them).
  virtual bool mirrors_param_headers() const { return false; }
  // The x-mcp-header annotations known for a tool (none when unknown).
  const ParamHeaders& param_headers_for(const std::string& tool) const;
  // Sees a successful initialize answer before its result is checked (HTTP
  // takes the session id here).
  virtual std::optional<CallError> on_initialize_answer(const Answer&) { return std::nullopt; }

  CallError answer_error(CallErrorKind kind, const std::string& method, std::string why,
                         const Answer& answer) const;
  std::int64_t next_id() { return next_id_++; }

  ClientOptions options_;
  std::string negotiated_;
  Era era_;

 private:
  Expected<Answer, CallError> send(const std::string& method, const json& params);
  Result<json> legacy_initialize(const json& given_extra);
  // ClientOptions::eval_protocol_keys: `extra` with the minted key (kept when
  // it names one), which becomes the control key.
  json keyed_extra(const json& extra);
  // server/discover with a modern envelope. `required`: an answer without
  // kModernVersion is an error (modern), not a reason to fall back (auto).
  Result<std::optional<json>> discover(bool required);
  // Settles kAuto; a no-op otherwise.
  std::optional<CallError> settle_era();
  void learn_tools(const json& list_result);
  std::optional<CallError> list_all_tools();

  std::int64_t next_id_ = 1;
  std::map<std::string, ParamHeaders> tool_headers_;
  std::map<std::string, std::string> invalid_tools_;  // name -> why
  bool tools_listed_ = false;
};

}  // namespace mcpgym::harness::detail
