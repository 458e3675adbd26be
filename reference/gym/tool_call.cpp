#include "reference/gym/tool_call.hpp"

#include <cstdlib>

#include "common/error_ids.hpp"
#include "common/protocol.hpp"

namespace mcpgym::gym {

json tool_error(std::string text) {
  return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})},
          {"isError", true}};
}

mcp::RpcError invalid_params(const std::string& text) {
  return mcp::rpc_error(mcp::code::kInvalidParams, err::kInvalidParams, "Invalid params: " + text);
}

Expected<json, mcp::RpcError> tool_arguments(const json& params) {
  const auto args = params.find("arguments");
  if (args == params.end() || args->is_null()) return json::object();
  if (!args->is_object()) {
    return unexpected(invalid_params("tools/call \"arguments\" must be an object"));
  }
  return *args;
}

Expected<std::string, mcp::RpcError> tool_name(const json& params) {
  const auto name = params.find("name");
  if (name == params.end() || !name->is_string()) {
    return unexpected(invalid_params("tools/call needs a string \"name\""));
  }
  return name->get<std::string>();
}

json action_schema(const GameInfo& info) {
  return {{"type", "string"}, {"enum", info.actions}};
}

void CrashAfterCalls::count() const {
  // _Exit: no answer, no flushing, no destructors, as in a real crash.
  if (limit && calls->fetch_add(1) + 1 == *limit) std::_Exit(3);
}

}  // namespace mcpgym::gym
