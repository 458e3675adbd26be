#include "harness/rollout/handles.hpp"

#include "common/bounded_json.hpp"
#include "common/text.hpp"

namespace mcpgym::harness {

namespace {

CallError bad_result(const std::string& method, std::string why, const json& result) {
  CallError e;
  e.kind = CallErrorKind::kBadResponse;
  e.method = method;
  e.why = std::move(why);
  e.received = excerpt(result.dump(-1, ' ', false, json::error_handler_t::replace), 300);
  return e;
}

std::string first_text(const json& result) {
  const auto content = result.find("content");
  if (content == result.end() || !content->is_array()) return {};
  for (const auto& block : *content) {
    if (block.is_object() && block.value("type", json()) == "text" && block.contains("text") &&
        block["text"].is_string()) {
      return block["text"].get<std::string>();
    }
  }
  return {};
}

bool is_tool_error(const json& result) {
  const auto flag = result.find("isError");
  return flag != result.end() && flag->is_boolean() && flag->get<bool>();
}

// The tool's JSON payload: structuredContent, else its first text block parsed.
std::optional<json> payload_of(const json& result) {
  const auto structured = result.find("structuredContent");
  if (structured != result.end() && structured->is_object()) return *structured;
  auto parsed = parse_json(first_text(result));  // the server's text: bounded
  if (!parsed || !parsed->is_object()) return std::nullopt;
  return std::move(*parsed);
}

bool is_visible_ascii(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return false;
  }
  return !text.empty();
}

// A tool call whose tool error is a failure of the call, naming the tool.
Result<json> call_expecting_success(McpClient& client, std::string_view tool,
                                    const json& arguments) {
  const std::string method = "tools/call " + std::string(tool);
  auto result = client.call_tool(std::string(tool), arguments);
  if (!result) return result;
  if (is_tool_error(*result)) {
    return unexpected(bad_result(
        method, "the tool answered a tool error: " + excerpt(first_text(*result), 200), *result));
  }
  return result;
}

}  // namespace

Result<EnvHandle> create_env(McpClient& client, std::optional<std::uint64_t> seed,
                             const json& config) {
  const std::string method = "tools/call " + std::string(kEnvCreateTool);
  json arguments = json::object();
  if (seed) arguments["seed"] = *seed;
  if (!config.is_null()) arguments["config"] = config;
  auto result = call_expecting_success(client, kEnvCreateTool, arguments);
  if (!result) return unexpected(std::move(result).error());
  const auto payload = payload_of(*result);
  if (!payload) {
    return unexpected(bad_result(
        method, "the result has neither an object structuredContent nor a JSON object text",
        *result));
  }
  const auto env_id = payload->find(kEnvIdArgument);
  if (env_id == payload->end() || !env_id->is_string() ||
      !is_visible_ascii(env_id->get_ref<const std::string&>())) {
    return unexpected(bad_result(
        method, "the result's \"env_id\" is not a non-empty visible-ASCII string (HANDLE-002)",
        *result));
  }
  const auto used_seed = payload->find("seed");
  if (used_seed == payload->end() || !used_seed->is_number_unsigned()) {
    return unexpected(bad_result(
        method, "the result's \"seed\" is not a non-negative integer (HANDLE-001)", *result));
  }
  const auto initial = payload->find("initial_state");
  if (initial == payload->end() || !initial->is_object()) {
    return unexpected(bad_result(
        method, "the result's \"initial_state\" is not an object (HANDLE-001)", *result));
  }
  return EnvHandle{env_id->get<std::string>(), used_seed->get<std::uint64_t>(), *initial};
}

Result<void> close_env(McpClient& client, const std::string& env_id) {
  const std::string method = "tools/call " + std::string(kEnvCloseTool);
  auto result =
      call_expecting_success(client, kEnvCloseTool, {{std::string(kEnvIdArgument), env_id}});
  if (!result) return unexpected(std::move(result).error());
  const auto payload = payload_of(*result);
  if (!payload || payload->value("closed", json()) != true) {
    return unexpected(
        bad_result(method, "the result does not say \"closed\": true (HANDLE-004)", *result));
  }
  return {};
}

json with_env_id(json arguments, const std::string& env_id) {
  if (!arguments.is_object()) arguments = json::object();
  arguments[std::string(kEnvIdArgument)] = env_id;
  return arguments;
}

std::string env_control_uri(const std::string& env_id, std::string_view name) {
  if (name == "initial_state") return "game://" + env_id + "/initial_state";
  return "control://" + env_id + "/" + std::string(name);
}

Result<json> read_env_control(McpClient& client, ControlPlaneForm form, const std::string& env_id,
                              std::string_view name) {
  if (form == ControlPlaneForm::kHttp) {
    return client.read_env_control_http(std::string(name), env_id);
  }
  return client.read_resource(env_control_uri(env_id, name));
}

}  // namespace mcpgym::harness
