// The modern era of the MCP-Gym application (MCP 2026-07-28; docs/spec.md
// HANDLE-*): no sessions; `env_create` mints a handle for a new Episode, the
// game's tool and `env_close` take it as `env_id`, and the control plane is
// read through per-handle resource templates or GET /control/<name>?env_id=.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "common/error_ids.hpp"
#include "common/protocol.hpp"
#include "reference/gym/episode.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/gym/session_config.hpp"

namespace mcpgym::gym {

namespace {

using mcp::json;
using mcp::Outcome;

constexpr std::string_view kCloseTool = "env_close";
// HANDLE-014: the header name clients mirror env_id into (Mcp-Param-Env-Id).
constexpr std::string_view kEnvIdHeader = "Env-Id";
constexpr std::string_view kControlScheme = "control://";
constexpr std::string_view kGameScheme = "game://";
constexpr std::array<std::string_view, 3> kControlNames = {"reward", "status", "info"};

// MODERN-008: lists may be re-fetched at will; the SDK v2's default hints.
constexpr int kListTtlMs = 0;
constexpr std::string_view kListScope = "private";
// HANDLE-009, and what the control-cacheable fault says instead.
constexpr int kCacheableTtlMs = 60'000;

json with_cache_hints(json result, int ttl_ms, std::string_view scope) {
  result["ttlMs"] = ttl_ms;
  result["cacheScope"] = scope;
  return result;
}

// HANDLE-006: what env_create's description says of expiry.
std::string expiry_text(std::chrono::milliseconds timeout) {
  if (timeout.count() == 0) return "Environments never expire; env_close ends one.";
  const auto ms = timeout.count();
  const std::string amount =
      ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
  return "An environment that no call or read names for " + amount +
         " expires and its env_id becomes unknown; env_close ends one at once.";
}

json env_id_schema() {
  return {{"type", "string"},
          {"description", "The env_id that env_create returned"},
          {"x-mcp-header", kEnvIdHeader}};
}

json create_tool(const GameInfo& info, std::chrono::milliseconds timeout) {
  return {
      {"name", kCreateTool},
      {"description", "Creates a " + info.name +
                          " environment, reset with `seed` (drawn when absent) and `config` (the "
                          "game's keys and max_episode_steps), and returns its env_id, the seed "
                          "in use and the initial state. Pass env_id to " +
                          info.tool + ", env_close and the control resources. " +
                          expiry_text(timeout)},
      {"inputSchema",
       {{"type", "object"},
        {"properties",
         {{"seed", {{"type", "integer"}, {"minimum", 0}, {"maximum", mcp::kMaxSeed}}},
          {"config", {{"type", "object"}}}}}}},
      {"outputSchema",
       {{"type", "object"},
        {"properties",
         {{"env_id", {{"type", "string"}}},
          {"seed", {{"type", "integer"}}},
          {"initial_state", {{"type", "object"}}}}},
        {"required", {"env_id", "seed", "initial_state"}}}},
  };
}

json close_tool() {
  return {{"name", kCloseTool},
          {"description", "Ends the environment env_id; its env_id is unknown afterwards."},
          {"inputSchema",
           {{"type", "object"},
            {"properties", {{"env_id", env_id_schema()}}},
            {"required", {"env_id"}}}}};
}

// HANDLE-004: the game's tool, taking the handle and the action.
json move_tool(const GameInfo& info) {
  return {{"name", info.tool},
          {"description", info.tool_description},
          {"inputSchema",
           {{"type", "object"},
            {"properties", {{"env_id", env_id_schema()}, {"action", action_schema(info)}}},
            {"required", {"env_id", "action"}}}},
          {"outputSchema", info.output_schema}};
}

// MODERN-010: always in this order.
json tool_list(const GameInfo& info, std::chrono::milliseconds timeout) {
  return {{"tools", json::array({create_tool(info, timeout), close_tool(), move_tool(info)})}};
}

json resource_template(std::string uri_template, std::string_view name,
                       std::string_view description) {
  return {{"uriTemplate", std::move(uri_template)},
          {"name", name},
          {"description", description},
          {"mimeType", mcp::kJsonMediaType}};
}

// HANDLE-008: the control plane per handle, listed as templates only.
json template_list(const GameInfo& info, bool control_resources) {
  json list = json::array();
  list.push_back(resource_template("game://{env_id}/initial_state", "initial_state",
                                   info.initial_state_description));
  if (control_resources) {
    list.push_back(resource_template("control://{env_id}/reward", "reward",
                                     "Control plane: the last step's reward and the step count"));
    list.push_back(
        resource_template("control://{env_id}/status", "status",
                          "Control plane: terminated, truncated, step count, total reward"));
    list.push_back(resource_template("control://{env_id}/info", "info", info.info_description));
  }
  return {{"resourceTemplates", std::move(list)}};
}

// A text block of `payload` as JSON, and the payload as structuredContent.
json tool_result(json payload) {
  return {{"content", json::array({{{"type", "text"}, {"text", payload.dump()}}})},
          {"structuredContent", std::move(payload)},
          {"isError", false}};
}

// HANDLE-005: the tool error for a handle no environment has.
json unknown_handle(const std::string& handle) {
  return tool_error(err::message(err::kUnknownHandle,
                                 "Unknown env_id \"" + mcp::excerpt(handle) +
                                     "\": it was never created, was closed or has expired; call "
                                     "env_create for a new environment"));
}

// The arguments' env_id, or the tool error saying it is missing.
Expected<std::string, json> env_id_of(const json& arguments) {
  const auto it = arguments.find("env_id");
  if (it != arguments.end() && it->is_string()) return it->get<std::string>();
  return unexpected(tool_error(err::message(
      err::kMissingHandle, std::string(it == arguments.end() ? "Missing argument \"env_id\""
                                                             : "Argument \"env_id\" must be a "
                                                               "string") +
                               "; pass the env_id that env_create returned")));
}

// The handle-from-seed fault: 32 hex digits that look random but are the
// seed's (splitmix64 of the seed, twice), as md5-of-seed ids are.
std::string handle_derived_from(std::uint64_t seed) {
  auto mix = [](std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(mix(seed)),
                static_cast<unsigned long long>(mix(~seed)));
  return std::string(text, 32);
}

// HANDLE-010 and MODERN-009: -32602 naming the URI.
mcp::RpcError not_found(const std::string& uri) {
  return mcp::rpc_error(mcp::code::kInvalidParams, err::kResourceNotFound,
                        "Resource not found: " + mcp::excerpt(uri), json{{"uri", uri}});
}

struct HandleUri {
  std::string handle;
  std::string name;  // reward, status, info or initial_state
};

// control://{env_id}/<reward|status|info> or game://{env_id}/initial_state;
// nullopt for anything else (control:// only when offered, CTRL-010).
std::optional<HandleUri> parse_handle_uri(std::string_view uri, bool control_resources) {
  std::string_view rest;
  if (uri.starts_with(kGameScheme)) {
    rest = uri.substr(kGameScheme.size());
  } else if (control_resources && uri.starts_with(kControlScheme)) {
    rest = uri.substr(kControlScheme.size());
  } else {
    return std::nullopt;
  }
  const auto slash = rest.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  HandleUri parsed{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
  const bool control_name =
      std::find(kControlNames.begin(), kControlNames.end(), parsed.name) != kControlNames.end();
  const bool fits = uri.starts_with(kGameScheme) ? parsed.name == "initial_state" : control_name;
  if (!fits) return std::nullopt;
  return parsed;
}

}  // namespace

// resultType (MODERN-007) is the server core's: ModernDispatcher adds it to
// every modern result, whatever the application.
Outcome GymApp::handle_modern(std::string_view method, const json& params) {
  const GameInfo& info = game_.info();
  if (method == "tools/call") return call_tool_by_handle(params);
  if (method == "resources/read") return read_by_handle(params);
  if (method == "tools/list") {
    return with_cache_hints(tool_list(info, handles_.idle_timeout()), kListTtlMs, kListScope);
  }
  if (method == "resources/list") {
    return with_cache_hints(json{{"resources", json::array()}}, kListTtlMs, kListScope);
  }
  if (method == "resources/templates/list") {
    return with_cache_hints(template_list(info, options_.control_resources), kListTtlMs,
                            kListScope);
  }
  return unexpected(mcp::rpc_error(mcp::code::kMethodNotFound, err::kMethodNotFound,
                                   "Method not found: " + mcp::excerpt(method),
                                   json{{"method", method}}));
}

Outcome GymApp::call_tool_by_handle(const json& params) {
  crash_.count();
  auto name = tool_name(params);
  if (!name) return unexpected(name.error());
  auto args = tool_arguments(params);
  if (!args) return unexpected(args.error());
  if (*name == kCreateTool) return create_environment(std::move(*args));
  if (*name == kCloseTool) return close_environment(*args);
  if (*name == game_.info().tool) return move_by_handle(*args);
  return unexpected(mcp::rpc_error(mcp::code::kInvalidParams, err::kUnknownTool,
                                   "Unknown tool \"" + mcp::excerpt(*name) +
                                       "\"; this server has the tools env_create, env_close, " +
                                       game_.info().tool,
                                   json{{"tool", *name}}));
}

// HANDLE-001, HANDLE-003: the same envelope as a legacy initialize, refused as
// a tool error; nothing is created then.
json GymApp::create_environment(json arguments) {
  if (options_.faults.ignore_seed) arguments.erase("seed");
  auto setup =
      environment_from_arguments(game_, arguments, options_.default_seed, options_.faults.game);
  if (!setup) return tool_error(setup.error().message);
  auto episode =
      shared_or(std::make_shared<Episode>(game_.info(), std::move(*setup), options_.faults));
  const std::string handle = mint_handle(episode);
  std::lock_guard lock(episode->mutex);
  return tool_result({{"env_id", handle},
                      {"seed", episode->seed()},
                      {"initial_state", episode->initial_state_payload()}});
}

// HANDLE-002, or one of the faults that break it.
std::string GymApp::mint_handle(const std::shared_ptr<Episode>& episode) {
  if (options_.faults.handle_ignored) {
    std::lock_guard lock(ignored_mutex_);
    ignored_episode_ = episode;
  }
  if (!options_.faults.handle_from_seed) return handles_.add(episode);
  std::string handle = handle_derived_from(episode->seed());
  handles_.put(handle, episode);
  return handle;
}

json GymApp::close_environment(const json& arguments) {
  auto handle = env_id_of(arguments);
  if (!handle) return handle.error();
  const bool closed = handles_.erase(*handle) || options_.faults.handle_ignored;
  if (!closed) return unknown_handle(*handle);
  const json payload = {{"env_id", *handle}, {"closed", true}};
  return {{"content", json::array({{{"type", "text"}, {"text", payload.dump()}}})},
          {"isError", false}};
}

// HANDLE-004, HANDLE-012: the legacy session's move, on the handle's episode.
json GymApp::move_by_handle(const json& arguments) {
  auto handle = env_id_of(arguments);
  if (!handle) return handle.error();
  auto episode = episode_for(*handle);
  if (!episode) return unknown_handle(*handle);
  std::lock_guard lock(episode->mutex);
  return episode->move(arguments, PlayAgain::kEnvCreate);
}

// The handle's episode; null when unknown, closed or expired, unless a fault
// says otherwise.
std::shared_ptr<Episode> GymApp::episode_for(const std::string& handle) {
  if (options_.faults.handle_ignored) {
    std::lock_guard lock(ignored_mutex_);
    if (ignored_episode_) return ignored_episode_;
  }
  if (auto episode = handles_.find(handle)) return episode;
  if (!options_.faults.unknown_handle_creates) return nullptr;
  auto setup = environment_from_arguments(game_, json::object(), options_.default_seed,
                                          options_.faults.game);
  if (!setup) return nullptr;
  auto episode = std::make_shared<Episode>(game_.info(), std::move(*setup), options_.faults);
  handles_.put(handle, episode);
  return episode;
}

// HANDLE-008..010: a per-handle resource, never to be cached.
Outcome GymApp::read_by_handle(const json& params) {
  const auto uri = params.find("uri");
  if (uri == params.end() || !uri->is_string()) {
    return unexpected(invalid_params("resources/read needs a string \"uri\""));
  }
  const std::string& text = uri->get_ref<const std::string&>();
  const auto parsed = parse_handle_uri(text, options_.control_resources);
  if (!parsed) return unexpected(not_found(text));
  auto episode = episode_for(parsed->handle);
  if (!episode) return unexpected(not_found(text));
  std::optional<json> payload;
  {
    std::lock_guard lock(episode->mutex);
    payload = episode->payload(parsed->name);
  }
  if (!payload) return unexpected(not_found(text));
  json result = {{"contents", json::array({{{"uri", text},
                                            {"mimeType", mcp::kJsonMediaType},
                                            {"text", payload->dump()}}})}};
  if (options_.faults.control_cacheable) {
    return with_cache_hints(std::move(result), kCacheableTtlMs, "public");
  }
  return with_cache_hints(std::move(result), 0, "private");
}

// HANDLE-011: GET /control/<name>?env_id=<handle>, the same payloads.
Outcome GymApp::read_control_by_handle(std::string_view name, std::string_view handle) {
  const std::string where = "/control/" + std::string(name) + "?env_id=" + std::string(handle);
  auto episode = episode_for(std::string(handle));
  if (!episode) return unexpected(not_found(where));
  std::lock_guard lock(episode->mutex);
  if (auto payload = episode->payload(name)) return *std::move(payload);
  return unexpected(not_found(where));
}

}  // namespace mcpgym::gym
