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
// top of one request/response round trip.
class ClientBase : public McpClient {
 public:
  explicit ClientBase(ClientOptions options) : options_(std::move(options)) {}

  Result<json> initialize(const json& extra) override;
  Result<json> request(const std::string& method, const json& params) override;
  Result<json> call_tool(const std::string& name, const json& arguments) override;
  Result<json> read_resource(const std::string& uri) override;
  const std::string& negotiated_version() const override { return negotiated_; }

 protected:
  // Sends one request and returns its checked result.
  virtual Expected<Answer, CallError> roundtrip(const std::string& method, const json& params) = 0;
  // Sees a successful initialize answer before its result is checked (HTTP
  // takes the session id here).
  virtual std::optional<CallError> on_initialize_answer(const Answer&) { return std::nullopt; }

  CallError answer_error(CallErrorKind kind, const std::string& method, std::string why,
                         const Answer& answer) const;
  std::int64_t next_id() { return next_id_++; }

  ClientOptions options_;
  std::string negotiated_;

 private:
  std::int64_t next_id_ = 1;
};

}  // namespace mcpgym::harness::detail
