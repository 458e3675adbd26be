#pragma once
// JSON-RPC 2.0 envelopes: classifying what arrived and building what leaves.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/bounded_json.hpp"
#include "common/expected.hpp"
#include "common/text.hpp"

namespace mcpgym::mcp {

using json = nlohmann::json;

struct RpcError {
  int code = 0;
  std::string message;
  json data;  // null: no "data" member

  json to_json() const;
  bool operator==(const RpcError&) const = default;
};

// `id` is a stable identifier from common/error_ids.hpp.
RpcError rpc_error(int code, std::string_view id, std::string_view text, json data = nullptr);

// What a method handler produces: a result object, or a JSON-RPC error.
using Outcome = Expected<json, RpcError>;

enum class MessageKind { kRequest, kNotification, kResponse };

struct Message {
  MessageKind kind;
  json id;             // requests and responses
  std::string method;  // requests and notifications
  const json* params;  // points into the classified document; nullptr when absent
};

struct InvalidMessage {
  json id;  // the message's id when it has a usable one, else null
  RpcError error;
};

// Checks the JSON-RPC 2.0 envelope as MCP restricts it (ids are strings or
// integers, never null). The returned Message borrows from `msg`.
Expected<Message, InvalidMessage> classify(const json& msg);

json make_result(const json& id, json result);
json make_error(const json& id, const RpcError& error);

using mcpgym::excerpt;  // common/text.hpp

using mcpgym::describe;  // common/bounded_json.hpp: an untrusted JSON value for messages

}  // namespace mcpgym::mcp
