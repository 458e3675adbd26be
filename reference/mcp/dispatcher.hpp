#pragma once
// Transport-independent MCP request handling: lifecycle, envelope rules and
// routing into sessions. The HTTP and stdio transports both call into it.
#include <optional>
#include <string>

#include "reference/mcp/application.hpp"
#include "reference/mcp/json_rpc.hpp"
#include "reference/mcp/session_store.hpp"

namespace mcpgym::mcp {

class Dispatcher {
 public:
  Dispatcher(Application& app, SessionStore& store) : app_(app), store_(store) {}

  struct Initialized {
    json response;                          // the JSON-RPC response to send
    std::optional<std::string> session_id;  // set when a session was created
  };
  // `request` is an initialize request. Negotiates the version, asks the
  // application for a session and stores it.
  Initialized initialize(const Message& request);

  // A request, notification or response inside an established session.
  // Returns the response to send; nothing for notifications and responses.
  std::optional<json> handle(SessionSlot& slot, const Message& message);

  // A JSON-RPC batch (a JSON array) inside an established session: each
  // element answered in order, notifications not at all (HTTP-014). An error
  // refuses the whole batch; nothing to answer is an empty optional.
  Expected<std::optional<json>, RpcError> handle_batch(SessionSlot& slot, const json& batch);

  // Before initialize (stdio): ping is answered, other requests are refused.
  std::optional<json> handle_uninitialized(const Message& message);

  Application& application() { return app_; }

 private:
  Application& app_;
  SessionStore& store_;
};

// The error for a batch in a session whose version forbids batches.
RpcError batch_rejected(std::string_view negotiated_version);

}  // namespace mcpgym::mcp
