#include "reference/gym/frozen_lake_app.hpp"

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "common/error_ids.hpp"
#include "common/protocol.hpp"
#include "reference/gym/env_config.hpp"
#include "reference/gym/payloads.hpp"

namespace mcpgym::gym {

namespace {

using mcp::json;
using mcp::Outcome;

constexpr std::string_view kToolName = "lake_move";
constexpr std::string_view kInitialStateUri = "game://initial_state";

const json& tool_list() {
  static const json kTools = {
      {"tools",
       json::array({{
           {"name", kToolName},
           {"description",
            "Move the agent one cell on the FrozenLake grid: LEFT, DOWN, RIGHT or UP. Returns "
            "the new position and grid. Reward and termination are not in this result: read "
            "control://reward and control://status."},
           {"inputSchema",
            {{"type", "object"},
             {"properties",
              {{"action", {{"type", "string"}, {"enum", {"LEFT", "DOWN", "RIGHT", "UP"}}}}}},
             {"required", {"action"}}}},
           {"outputSchema",
            {{"type", "object"},
             {"properties",
              {{"position", {{"type", "integer"}}},
               {"grid", {{"type", "string"}}},
               {"action", {{"type", "string"}}}}},
             {"required", {"position", "grid", "action"}}}},
       }})}};
  return kTools;
}

json resource(std::string_view uri, std::string_view name, std::string_view description) {
  return {{"uri", uri},
          {"name", name},
          {"description", description},
          {"mimeType", mcp::kJsonMediaType}};
}

json resource_list(bool control_resources) {
  json list = json::array();
  list.push_back(
      resource(kInitialStateUri, "initial_state",
               "The episode's start: position, grid, map rows, seed, size, slipperiness"));
  if (control_resources) {
    list.push_back(resource("control://reward", "reward",
                            "Control plane: the last step's reward and the step count"));
    list.push_back(resource("control://status", "status",
                            "Control plane: terminated, truncated, step count, total reward"));
    list.push_back(resource("control://info", "info",
                            "Control plane: the last step's info ({\"prob\": p}), {} before it"));
  }
  return {{"resources", std::move(list)}};
}

json tool_error(std::string text) {
  return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})},
          {"isError", true}};
}

mcp::RpcError invalid_params(const std::string& text) {
  return mcp::rpc_error(mcp::code::kInvalidParams, err::kInvalidParams, "Invalid params: " + text);
}

// The map with every hole frozen over, on which the model plays holes as
// ordinary frozen cells (the no-hole-termination fault).
frozenlake::Map without_holes(const frozenlake::Map& map) {
  auto rows = map.rows();
  for (auto& row : rows)
    std::replace(row.begin(), row.end(), 'H', 'F');
  return std::get<frozenlake::Map>(frozenlake::Map::from_rows(rows));
}

// The initialize params without clientInfo._extra.seed (the ignore-seed fault).
json without_client_seed(json params) {
  auto info = params.find("clientInfo");
  if (info == params.end() || !info->is_object()) return params;
  auto extra = info->find("_extra");
  if (extra != info->end() && extra->is_object()) extra->erase("seed");
  return params;
}

}  // namespace

// A session's environment. Each session owns one, except under the
// shared-state fault, where sessions on different threads share it: hence
// the mutex, taken by every call that touches it.
struct Episode {
  Episode(EnvSpec spec, const Faults& faults)
      : env(faults.no_hole_termination ? without_holes(spec.map) : spec.map, spec.is_slippery,
            spec.max_episode_steps, spec.seed) {
    if (faults.no_hole_termination) shown_map = std::move(spec.map);
  }

  std::mutex mutex;
  frozenlake::FrozenLake env;
  // no-hole-termination: the real map, which the payloads show while the
  // environment plays on the map without holes.
  std::optional<frozenlake::Map> shown_map;
  // stale-status: {"reward", "status", "info"} as they were before the most
  // recent step; null before the first step.
  json before_last_step;
};

namespace {

// The --exit-after-calls hook: a crash on the N-th tools/call of the process.
struct CrashAfterCalls {
  std::optional<int> limit;
  std::shared_ptr<std::atomic<int>> calls;
  void count() const {
    // _Exit: no answer, no flushing, no destructors, as in a real crash.
    if (limit && calls->fetch_add(1) + 1 == *limit) std::_Exit(3);
  }
};

class FrozenLakeSession final : public mcp::Session {
 public:
  FrozenLakeSession(std::shared_ptr<Episode> episode, bool control_resources, Faults faults,
                    CrashAfterCalls crash)
      : episode_(std::move(episode)),
        control_resources_(control_resources),
        faults_(faults),
        crash_(std::move(crash)) {}

  Outcome handle(std::string_view method, const json& params) override {
    if (method == "tools/call") {
      crash_.count();
      std::lock_guard lock(episode_->mutex);
      return call_tool(params);
    }
    if (method == "resources/read") {
      std::lock_guard lock(episode_->mutex);
      return read_resource(params);
    }
    if (method == "tools/list") return tool_list();
    if (method == "resources/list") return resource_list(control_resources_);
    if (method == "resources/templates/list") return json{{"resourceTemplates", json::array()}};
    if (method == "ping") return json::object();
    return unexpected(mcp::rpc_error(mcp::code::kMethodNotFound, err::kMethodNotFound,
                                     "Method not found: " + mcp::excerpt(method),
                                     json{{"method", method}}));
  }

  Outcome read_control(std::string_view name) override {
    std::lock_guard lock(episode_->mutex);
    if (auto payload = payload_for(name)) return *std::move(payload);
    return unexpected(not_found("/control/" + std::string(name)));
  }

 private:
  Outcome call_tool(const json& params) {
    const auto name = params.find("name");
    if (name == params.end() || !name->is_string()) {
      return unexpected(invalid_params("tools/call needs a string \"name\""));
    }
    if (*name != kToolName) {
      return unexpected(mcp::rpc_error(mcp::code::kInvalidParams, err::kUnknownTool,
                                       "Unknown tool \"" + mcp::excerpt(name->get<std::string>()) +
                                           "\"; this server has one tool, lake_move",
                                       json{{"tool", *name}}));
    }
    static const json kNoArguments = json::object();
    const auto args_it = params.find("arguments");
    const json& args = args_it == params.end() || args_it->is_null() ? kNoArguments : *args_it;
    if (!args.is_object()) {
      return unexpected(invalid_params("tools/call \"arguments\" must be an object"));
    }
    return move(args);
  }

  json move(const json& args) {
    const auto action_it = args.find("action");
    if (action_it == args.end() || !action_it->is_string()) {
      return tool_error(err::message(
          err::kInvalidAction,
          std::string(action_it == args.end() ? "Missing argument \"action\""
                                              : "Argument \"action\" must be a string") +
              "; expected one of LEFT, DOWN, RIGHT, UP"));
    }
    const auto action = frozenlake::parse_action(action_it->get<std::string>());
    if (!action) {
      return tool_error(err::message(
          err::kInvalidAction, "Invalid action \"" + mcp::excerpt(action_it->get<std::string>()) +
                                   "\"; expected one of LEFT, DOWN, RIGHT, UP"));
    }
    frozenlake::FrozenLake& env = episode_->env;
    if ((shown_terminated() || env.truncated()) && !faults_.moves_after_end) {
      return tool_error(err::message(
          err::kEpisodeOver, std::string("The episode has ended (") +
                                 (shown_terminated() ? "terminated" : "truncated") + " at step " +
                                 std::to_string(env.step_count()) +
                                 "); moves change nothing now. Start a new session to play "
                                 "again"));
    }
    if (faults_.stale_status) {
      episode_->before_last_step = {{"reward", current_control("reward")},
                                    {"status", current_control("status")},
                                    {"info", current_control("info")}};
    }
    env.step(*action);
    json observation = observation_payload(env, *action);
    if (episode_->shown_map) observation["grid"] = episode_->shown_map->render(env.position());
    return {{"content", json::array({{{"type", "text"}, {"text", observation.dump()}}})},
            {"structuredContent", std::move(observation)},
            {"isError", false}};
  }

  // terminate-after-first-step reports every episode terminated once it has a step.
  bool shown_terminated() const {
    const frozenlake::FrozenLake& env = episode_->env;
    return env.terminated() || (faults_.terminate_after_first_step && env.step_count() >= 1);
  }

  Outcome read_resource(const json& params) {
    const auto uri = params.find("uri");
    if (uri == params.end() || !uri->is_string()) {
      return unexpected(invalid_params("resources/read needs a string \"uri\""));
    }
    const std::string& text = uri->get_ref<const std::string&>();
    std::optional<json> payload;
    if (text == kInitialStateUri) {
      payload = initial_state();
    } else if (control_resources_ && text.starts_with("control://") &&
               text != "control://initial_state") {
      payload = payload_for(std::string_view(text).substr(10));
    }
    if (!payload) return unexpected(not_found(text));
    return json{{"contents", json::array({{{"uri", text},
                                           {"mimeType", mcp::kJsonMediaType},
                                           {"text", payload->dump()}}})}};
  }

  json initial_state() const {
    const frozenlake::FrozenLake& env = episode_->env;
    json payload = initial_state_payload(env);
    if (const auto& map = episode_->shown_map) {
      payload["grid"] = map->render(env.initial_position());
      payload["map"] = map->rows();
    }
    return payload;
  }

  // Reward, status or info as of now.
  json current_control(std::string_view name) const {
    const frozenlake::FrozenLake& env = episode_->env;
    if (name == "reward") return reward_payload(env);
    if (name == "info") return info_payload(env);
    json status = status_payload(env);
    status["terminated"] = shown_terminated();
    return status;
  }

  std::optional<json> payload_for(std::string_view name) const {
    if (name == "initial_state") return initial_state();
    if (name != "reward" && name != "status" && name != "info") return std::nullopt;
    if (faults_.empty_control_plane) return json::object();
    if (faults_.stale_status && !episode_->before_last_step.is_null()) {
      return episode_->before_last_step.at(std::string(name));
    }
    return current_control(name);
  }

  static mcp::RpcError not_found(const std::string& uri) {
    return mcp::rpc_error(mcp::code::kResourceNotFound, err::kResourceNotFound,
                          "Resource not found: " + mcp::excerpt(uri), json{{"uri", uri}});
  }

  std::shared_ptr<Episode> episode_;
  bool control_resources_;
  Faults faults_;
  CrashAfterCalls crash_;
};

}  // namespace

mcp::ServerInfo FrozenLakeApp::server_info() const {
  return {"mcpgym-frozenlake", "0.1.0",
          "FrozenLake as an MCP-Gym environment: move with the lake_move tool; read reward and "
          "termination from control://reward and control://status."};
}

json FrozenLakeApp::capabilities() const {
  return {{"tools", {{"listChanged", false}}},
          {"resources", {{"subscribe", false}, {"listChanged", false}}}};
}

FrozenLakeApp::FrozenLakeApp(FrozenLakeAppOptions options) : options_(options) {}

FrozenLakeApp::~FrozenLakeApp() = default;

Expected<std::unique_ptr<mcp::Session>, mcp::RpcError> FrozenLakeApp::create_session(
    const json& params, std::string_view /*negotiated*/) {
  auto spec = options_.faults.ignore_seed
                  ? env_spec_from_initialize(without_client_seed(params), options_.default_seed)
                  : env_spec_from_initialize(params, options_.default_seed);
  if (!spec) return unexpected(spec.error());
  return std::unique_ptr<mcp::Session>(std::make_unique<FrozenLakeSession>(
      episode_for(*std::move(spec)), options_.control_resources, options_.faults,
      CrashAfterCalls{options_.exit_after_tool_calls, tool_calls_}));
}

// A new episode per session; under the shared-state fault, the first one for all.
std::shared_ptr<Episode> FrozenLakeApp::episode_for(EnvSpec spec) {
  if (!options_.faults.shared_state) {
    return std::make_shared<Episode>(std::move(spec), options_.faults);
  }
  std::lock_guard lock(shared_mutex_);
  if (!shared_episode_)
    shared_episode_ = std::make_shared<Episode>(std::move(spec), options_.faults);
  return shared_episode_;
}

}  // namespace mcpgym::gym
