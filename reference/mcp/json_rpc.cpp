#include "reference/mcp/json_rpc.hpp"

#include "common/error_ids.hpp"
#include "common/protocol.hpp"

namespace mcpgym::mcp {

json RpcError::to_json() const {
  json e = {{"code", code}, {"message", message}};
  if (!data.is_null()) e["data"] = data;
  return e;
}

RpcError rpc_error(int code, std::string_view id, std::string_view text, json data) {
  return RpcError{code, err::message(id, text), std::move(data)};
}

namespace {
bool is_valid_id(const json& id) {
  return id.is_string() || id.is_number_integer();
}

InvalidMessage invalid(const json& id, std::string_view why) {
  return {is_valid_id(id) ? id : json(nullptr),
          rpc_error(code::kInvalidRequest, err::kInvalidRequest, why)};
}
}  // namespace

Expected<Message, InvalidMessage> classify(const json& msg) {
  static const json kNull;
  if (!msg.is_object()) {
    return unexpected(invalid(kNull, "Invalid Request: a JSON-RPC message must be an object, got " +
                                         std::string(msg.type_name())));
  }
  const auto id_it = msg.find("id");
  const json& id = id_it == msg.end() ? kNull : *id_it;
  const auto version = msg.find("jsonrpc");
  if (version == msg.end() || *version != "2.0") {
    return unexpected(invalid(id, "Invalid Request: \"jsonrpc\" must be \"2.0\""));
  }
  if (id_it != msg.end() && !is_valid_id(id)) {
    return unexpected(invalid(id, "Invalid Request: \"id\" must be a string or an integer, got " +
                                      std::string(id.type_name()) +
                                      (id.is_null() ? " (MCP forbids null ids)" : "")));
  }
  const auto params = msg.find("params");
  const json* params_ptr = params == msg.end() ? nullptr : &*params;
  if (const auto method = msg.find("method"); method != msg.end()) {
    if (!method->is_string()) {
      return unexpected(invalid(id, "Invalid Request: \"method\" must be a string"));
    }
    const auto kind = id_it == msg.end() ? MessageKind::kNotification : MessageKind::kRequest;
    return Message{kind, id, method->get<std::string>(), params_ptr};
  }
  const bool has_result = msg.contains("result");
  const bool has_error = msg.contains("error");
  if (id_it != msg.end() && has_result != has_error) {
    return Message{MessageKind::kResponse, id, {}, nullptr};
  }
  return unexpected(
      invalid(id,
              "Invalid Request: expected a request (\"method\"), a notification or a response "
              "(\"id\" with exactly one of \"result\"/\"error\")"));
}

json make_result(const json& id, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json make_error(const json& id, const RpcError& error) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", error.to_json()}};
}

}  // namespace mcpgym::mcp
