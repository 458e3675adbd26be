// The modern era of the proxy (MCP 2026-07-28; docs/spec.md PROXY-014): no
// sessions; env_create starts a backend for the environment and the proxy
// hands out a handle of its own, mapped to (backend, backend's handle). Every
// later call, resource read and control read naming the handle goes to that
// backend with the backend's handle in its place, and the answer comes back
// with the proxy's handle. The core validates the envelope and headers,
// Mcp-Param-Env-Id included (the backend's tools carry the annotation).
#include <algorithm>
#include <array>
#include <string>

#include "common/bounded_json.hpp"
#include "common/error_ids.hpp"
#include "common/log.hpp"
#include "common/protocol.hpp"
#include "common/random_id.hpp"
#include "reference/proxy/backend_link.hpp"
#include "reference/proxy/proxy_app.hpp"

namespace mcpgym::proxy {

namespace {

using mcp::json;
using mcp::Outcome;
using mcp::RpcError;

constexpr std::string_view kCreateTool = "env_create";
constexpr std::string_view kCloseTool = "env_close";
constexpr std::string_view kEnvId = "env_id";
// The lists the proxy answers from the backend's, read once.
constexpr std::array<std::string_view, 3> kListMethods = {"tools/list", "resources/list",
                                                          "resources/templates/list"};

json tool_error(std::string text) {
  return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})},
          {"isError", true}};
}

// HANDLE-005, worded as the reference backend words it.
json unknown_handle(std::string_view handle) {
  return tool_error(err::message(err::kUnknownHandle,
                                 "Unknown env_id \"" + mcp::excerpt(handle) +
                                     "\": it was never created, was closed or has expired; call "
                                     "env_create for a new environment"));
}

json missing_handle(const json& arguments) {
  return tool_error(err::message(
      err::kMissingHandle, std::string(arguments.contains(kEnvId) ? "Argument \"env_id\" must be a "
                                                                    "string"
                                                                  : "Missing argument \"env_id\"") +
                               "; pass the env_id that env_create returned"));
}

// HANDLE-010 and MODERN-009: -32602 naming the URI.
RpcError not_found(const std::string& uri) {
  return mcp::rpc_error(mcp::code::kInvalidParams, err::kResourceNotFound,
                        "Resource not found: " + mcp::excerpt(uri), json{{"uri", uri}});
}

// `value` with every occurrence of `from` in its strings replaced by `to`:
// the backend's handle in results, errors and URIs becomes the proxy's.
json replaced(json value, const std::string& from, const std::string& to) {
  if (from.empty() || from == to) return value;
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
    return text;
  }
  if (value.is_structured()) {
    for (auto& member : value)
      member = replaced(std::move(member), from, to);
  }
  return value;
}

RpcError replaced(RpcError error, const std::string& from, const std::string& to) {
  error.message = replaced(json(error.message), from, to).get<std::string>();
  error.data = replaced(std::move(error.data), from, to);
  return error;
}

// A backend's result as the proxy's own: the core adds the proxy's serverInfo.
json without_meta(json result) {
  if (result.is_object()) result.erase("_meta");
  return result;
}

// The env_id of a backend's env_create result (structuredContent, else the text block's JSON).
std::optional<std::string> created_handle(const json& result) {
  const auto structured = result.find("structuredContent");
  if (structured != result.end() && structured->is_object()) {
    const auto id = structured->find(kEnvId);
    if (id != structured->end() && id->is_string()) return id->get<std::string>();
  }
  const auto content = result.find("content");
  if (content == result.end() || !content->is_array() || content->empty()) return std::nullopt;
  const json& block = content->front();
  if (!block.is_object() || !block.contains("text") || !block["text"].is_string()) {
    return std::nullopt;
  }
  auto payload = parse_json(block["text"].get<std::string>());
  if (!payload || !payload->is_object() || !payload->contains(kEnvId) ||
      !(*payload)[kEnvId].is_string()) {
    return std::nullopt;
  }
  return (*payload)[kEnvId].get<std::string>();
}

// <scheme>://<handle>/<name>, split so the handle can be swapped.
struct HandleUri {
  std::string prefix;  // "<scheme>://"
  std::string handle;
  std::string suffix;  // "/<name>"
};

std::optional<HandleUri> split_handle_uri(const std::string& uri) {
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const std::size_t start = scheme_end + 3;
  const auto slash = uri.rfind('/');
  if (slash == std::string::npos || slash <= start) return std::nullopt;
  return HandleUri{uri.substr(0, start), uri.substr(start, slash - start), uri.substr(slash)};
}

std::string owner_of(std::string_view handle) {
  return "env_id \"" + mcp::excerpt(handle) + "\"";
}

constexpr std::string_view kEnvAdvice =
    "Other environments are unaffected; call env_create for a new one.";

}  // namespace

Outcome ProxyApp::handle_modern(std::string_view method, const json& params) {
  for (const auto list : kListMethods) {
    if (method == list) return backend_list(method);
  }
  if (method == "tools/call") return call_tool(params);
  if (method == "resources/read") return read_resource(params);
  return unexpected(mcp::rpc_error(mcp::code::kMethodNotFound, err::kMethodNotFound,
                                   "Method not found: " + mcp::excerpt(method),
                                   json{{"method", method}}));
}

// The backend's own lists (PROXY-014: the proxy serves the backend's tools),
// read from a backend started for that alone; kept once all three answered.
Outcome ProxyApp::backend_list(std::string_view method) {
  std::lock_guard lock(lists_mutex_);
  if (!lists_) {
    auto lists = read_backend_lists();
    if (!lists) return unexpected(lists.error());
    lists_ = std::move(*lists);
  }
  return lists_->at(std::string(method));
}

Expected<json, RpcError> ProxyApp::read_backend_lists() {
  auto process = start_backend(backend_spec(0, json::object()), "the tool list");
  if (!process) return unexpected(process.error());
  auto client = connect_modern(**process, "the tool list");
  if (!client) return unexpected(client.error());
  json lists = json::object();
  for (const auto method : kListMethods) {
    auto listed = (*client)->request(std::string(method), json::object());
    if (!listed) {
      return unexpected(backend_failure(**process, "the tool list", std::string(method),
                                        listed.error(), "Retry the request."));
    }
    lists[std::string(method)] = without_meta(*std::move(listed));
  }
  client->reset();  // its connection first, so the backend exits at once
  const auto status = (*process)->stop();
  log_debug("backend " + std::to_string((*process)->pid()) +
            " of the tool list stopped: " + status.describe());
  return lists;
}

Expected<std::unique_ptr<harness::McpClient>, RpcError> ProxyApp::connect_modern(
    harness::Process& process, std::string_view owner) {
  harness::ClientOptions options;
  options.client_name = "mcpgym-proxy";
  options.era = harness::Era::kModern;
  options.timeout = options_.call_timeout;
  if (options_.forward_accept_json_only) options.accept_override = "application/json";
  auto client = harness::connect_http(process.url(), options);
  if (!client) {
    return unexpected(proxy_error("mcpgym.proxy.backend_failed",
                                  "The backend's URL is unusable: " + client.error()));
  }
  if (auto discovered = (*client)->initialize(nullptr); !discovered) {
    return unexpected(proxy_error("mcpgym.proxy.backend_failed",
                                  "The backend for " + std::string(owner) + " does not serve " +
                                      std::string(mcp::kModernVersion) +
                                      ": its server/discover failed: " +
                                      discovered.error().message() + "; " + stderr_lines(process)));
  }
  return std::move(*client);
}

Outcome ProxyApp::call_tool(const json& params) {
  const auto name = params.find("name");
  if (name == params.end() || !name->is_string()) {
    return unexpected(mcp::rpc_error(mcp::code::kInvalidParams, err::kInvalidParams,
                                     "Invalid params: tools/call needs a string \"name\""));
  }
  json arguments = params.value("arguments", json::object());
  if (!arguments.is_object()) {
    return unexpected(mcp::rpc_error(mcp::code::kInvalidParams, err::kInvalidParams,
                                     "Invalid params: \"arguments\" must be an object"));
  }
  const std::string tool = name->get<std::string>();
  if (tool == kCreateTool) return create_environment(std::move(arguments));
  auto tools = backend_list("tools/list");
  if (!tools) return unexpected(tools.error());
  const json& listed = tools->at("tools");
  const bool known = std::any_of(listed.begin(), listed.end(),
                                 [&](const json& t) { return t.value("name", "") == tool; });
  if (!known) {
    return unexpected(mcp::rpc_error(mcp::code::kInvalidParams, err::kUnknownTool,
                                     "Unknown tool \"" + mcp::excerpt(tool) + "\"",
                                     json{{"tool", tool}}));
  }
  if (!arguments.contains(kEnvId) || !arguments[kEnvId].is_string()) {
    return missing_handle(arguments);
  }
  return call_by_handle(tool, std::move(arguments));
}

// HANDLE-001 through the proxy: a backend for this environment alone.
Outcome ProxyApp::create_environment(json arguments) {
  auto slot = LiveSlot::reserve(live_, options_.max_envs);
  if (!slot) {
    return unexpected(max_envs_error("environments", "env_close one or raise the limit"));
  }
  // The seed reaches the backend both ways (as PROXY-003): in env_create and
  // through {seed}. A missing seed is drawn here, so both agree.
  if (!arguments.contains("seed") || arguments["seed"].is_null()) {
    arguments["seed"] = random_below_or_equal(mcp::kMaxSeed);
  }
  const json config = arguments.contains("config") && arguments["config"].is_object()
                          ? arguments["config"]
                          : json::object();
  auto process = start_backend(backend_spec(arguments["seed"], config), "this environment");
  if (!process) return unexpected(process.error());
  auto client = connect_modern(**process, "this environment");
  if (!client) return unexpected(client.error());
  slot->keep();
  auto env = std::make_shared<BackendEnv>(std::move(*process), std::move(*client), live_);
  auto created = env->client().call_tool(std::string(kCreateTool), arguments);
  if (!created) {
    return unexpected(backend_failure(env->process(), "this environment", "tools/call env_create",
                                      created.error(), "No environment was created."));
  }
  json result = without_meta(*std::move(created));
  // HANDLE-003: refused; nothing was created, and the backend stops with `env`.
  if (result.value("isError", false)) return result;
  auto backend_handle = created_handle(result);
  if (!backend_handle) {
    return unexpected(proxy_error(
        "mcpgym.proxy.backend_failed",
        "The backend's env_create result names no env_id: " + mcp::excerpt(result.dump())));
  }
  env->backend_handle = *backend_handle;
  const std::string handle = envs_.add(
      env, options_.modern_handle_passthrough ? std::optional(*backend_handle) : std::nullopt);
  log_debug("env_id " + handle + ": backend " + std::to_string(env->process().pid()));
  return replaced(std::move(result), *backend_handle, handle);
}

// HANDLE-004 and env_close through the proxy: the handle's backend, with its own handle.
Outcome ProxyApp::call_by_handle(const std::string& tool, json arguments) {
  const std::string handle = arguments[kEnvId].get<std::string>();
  auto env = env_for(handle);
  if (!env) return unknown_handle(handle);
  // env_close ends the environment whatever the backend answers; its backend
  // stops once this call lets go of it, before the answer leaves (PROXY-011).
  const auto closing = tool == kCloseTool ? envs_.take(handle) : nullptr;
  std::lock_guard lock(env->mutex);
  arguments[kEnvId] = env->backend_handle;
  auto result = env->client().call_tool(tool, arguments);
  if (!result) {
    return unexpected(replaced(backend_failure(env->process(), owner_of(handle),
                                               "tools/call " + tool, result.error(), kEnvAdvice),
                               env->backend_handle, handle));
  }
  if (closing && options_.modern_close_keeps_backend) {
    std::lock_guard keep(abandoned_->mutex);  // stopped only when the proxy goes
    abandoned_->processes.push_back(closing->release_process());
  }
  return replaced(without_meta(*std::move(result)), env->backend_handle, handle);
}

// HANDLE-008..010 through the proxy: the same URI with the backend's handle.
Outcome ProxyApp::read_resource(const json& params) {
  const auto uri = params.find("uri");
  if (uri == params.end() || !uri->is_string()) {
    return unexpected(mcp::rpc_error(mcp::code::kInvalidParams, err::kInvalidParams,
                                     "Invalid params: resources/read needs a string \"uri\""));
  }
  const std::string& text = uri->get_ref<const std::string&>();
  const auto parts = split_handle_uri(text);
  if (!parts) return unexpected(not_found(text));
  auto env = env_for(parts->handle);
  if (!env) return unexpected(not_found(text));
  std::lock_guard lock(env->mutex);
  const std::string backend_uri = parts->prefix + env->backend_handle + parts->suffix;
  auto result = env->client().request("resources/read", json{{"uri", backend_uri}});
  if (!result) {
    return unexpected(replaced(backend_failure(env->process(), owner_of(parts->handle),
                                               "resources/read", result.error(), kEnvAdvice),
                               env->backend_handle, parts->handle));
  }
  return replaced(without_meta(*std::move(result)), env->backend_handle, parts->handle);
}

// HANDLE-011 through the proxy: the backend's GET /control/<name>?env_id=.
Outcome ProxyApp::read_control_by_handle(std::string_view name, std::string_view handle) {
  const std::string where = "/control/" + std::string(name) + "?env_id=" + std::string(handle);
  auto env = env_for(handle);
  if (!env) return unexpected(not_found(where));
  std::lock_guard lock(env->mutex);
  auto payload = env->client().read_env_control_http(std::string(name), env->backend_handle);
  if (payload) return replaced(*std::move(payload), env->backend_handle, std::string(handle));
  if (payload.error().http_status == 404) return unexpected(not_found(where));
  // Answered 500: the backend failed, not the client's request.
  RpcError failed = backend_failure(env->process(), owner_of(handle), "GET " + where,
                                    payload.error(), kEnvAdvice);
  failed.code = mcp::code::kInternalError;
  return unexpected(replaced(std::move(failed), env->backend_handle, std::string(handle)));
}

// The handle's environment, or (--fault modern-route-to-first) the oldest
// live one for any known handle.
std::shared_ptr<BackendEnv> ProxyApp::env_for(std::string_view handle) {
  auto env = envs_.find(handle);
  if (env && options_.modern_route_to_first) return envs_.oldest();
  return env;
}

}  // namespace mcpgym::proxy
