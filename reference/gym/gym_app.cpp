#include "reference/gym/gym_app.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "common/error_ids.hpp"
#include "common/protocol.hpp"
#include "common/random_id.hpp"
#include "common/text.hpp"
#include "reference/gym/episode.hpp"
#include "reference/gym/session_config.hpp"

namespace mcpgym::gym {

namespace {

using mcp::json;
using mcp::Outcome;

constexpr std::string_view kInitialStateUri = "game://initial_state";
constexpr std::string_view kServerVersion = "0.1.0";

// DATA-009: one tool taking {"action": <one of the game's action names>}.
json tool_list(const GameInfo& info) {
  return {{"tools", json::array({{
                        {"name", info.tool},
                        {"description", info.tool_description},
                        {"inputSchema",
                         {{"type", "object"},
                          {"properties", {{"action", action_schema(info)}}},
                          {"required", {"action"}}}},
                        {"outputSchema", info.output_schema},
                    }})}};
}

json resource(std::string_view uri, std::string_view name, std::string_view description) {
  return {{"uri", uri},
          {"name", name},
          {"description", description},
          {"mimeType", mcp::kJsonMediaType}};
}

json resource_list(const GameInfo& info, bool control_resources) {
  json list = json::array();
  list.push_back(resource(kInitialStateUri, "initial_state", info.initial_state_description));
  if (control_resources) {
    list.push_back(resource("control://reward", "reward",
                            "Control plane: the last step's reward and the step count"));
    list.push_back(resource("control://status", "status",
                            "Control plane: terminated, truncated, step count, total reward"));
    list.push_back(resource("control://info", "info", info.info_description));
  }
  return {{"resources", std::move(list)}};
}

// The initialize params without the client's seeds (the ignore-seed fault).
json without_client_seed(json params) {
  auto info = params.find("clientInfo");
  if (info == params.end() || !info->is_object()) return params;
  auto extra = info->find("_extra");
  if (extra == info->end() || !extra->is_object()) return params;
  extra->erase("seed");
  // config.seed is a client seed too (EVP-008).
  auto config = extra->find("config");
  if (config != extra->end() && config->is_object()) config->erase("seed");
  return params;
}

// The initialize params without the client's config (the ignore-config fault).
json without_client_config(json params) {
  auto info = params.find("clientInfo");
  if (info == params.end() || !info->is_object()) return params;
  auto extra = info->find("_extra");
  if (extra != info->end() && extra->is_object()) extra->erase("config");
  return params;
}

// One legacy session: the episode it holds, behind the session's tools and
// resources. The core serializes calls into a session; the episode's mutex is
// for the faults that share one episode between sessions.
class GymSession final : public mcp::Session {
 public:
  // `keys_by_session_id`: where to name the episode by the transport's
  // session id once the core has minted it (eval-protocol, a client without
  // a key of its own); null otherwise.
  GymSession(const Game& game, std::shared_ptr<Episode> episode, bool control_resources,
             CrashAfterCalls crash, std::set<std::string> game_faults,
             std::optional<std::uint64_t> server_seed, EnvironmentKeys* keys_by_session_id,
             const Faults& faults)
      : the_game_(game),
        game_(game.info()),
        game_faults_(std::move(game_faults)),
        server_seed_(server_seed),
        episode_(std::move(episode)),
        control_resources_(control_resources),
        crash_(std::move(crash)),
        keys_by_session_id_(keys_by_session_id),
        unknown_tool_as_tool_error_(faults.unknown_tool_as_tool_error),
        unknown_resource_code_zero_(faults.unknown_resource_code_zero) {}

  void opened(std::string_view session_id) override {
    if (keys_by_session_id_ != nullptr)
      keys_by_session_id_->bind(std::string(session_id), episode_);
  }

  Outcome handle(std::string_view method, const json& params) override {
    if (method == "tools/call") {
      crash_.count();
      return call_tool(params);
    }
    if (method == "resources/read") return read_resource(params);
    if (method == "tools/list") return tool_list(game_);
    if (method == "resources/list") return resource_list(game_, control_resources_);
    if (method == "resources/templates/list") return json{{"resourceTemplates", json::array()}};
    if (method == "ping") return json::object();
    return unexpected(mcp::rpc_error(mcp::code::kMethodNotFound, err::kMethodNotFound,
                                     "Method not found: " + mcp::excerpt(method),
                                     json{{"method", method}}));
  }

  Outcome read_control(std::string_view name) override {
    std::lock_guard lock(episode_->mutex);
    if (auto payload = episode_->payload(name)) return *std::move(payload);
    return unexpected(not_found("/control/" + std::string(name)));
  }

  // EVP-006: the body's seed, else as SEED-002 without a client seed.
  Outcome reset_session(const json& body) override {
    return reset_episode(*episode_, body, {the_game_, game_faults_, server_seed_, false});
  }

 private:
  Outcome call_tool(const json& params) {
    auto name = tool_name(params);
    if (!name) return unexpected(name.error());
    if (*name != game_.tool && unknown_tool_as_tool_error_) {
      return json{
          {"content",
           json::array({{{"type", "text"}, {"text", "Unknown tool " + mcp::excerpt(*name)}}})},
          {"isError", true}};
    }
    if (*name != game_.tool) {
      return unexpected(mcp::rpc_error(
          mcp::code::kInvalidParams, err::kUnknownTool,
          "Unknown tool \"" + mcp::excerpt(*name) + "\"; this server has one tool, " + game_.tool,
          json{{"tool", *name}}));
    }
    auto args = tool_arguments(params);
    if (!args) return unexpected(args.error());
    std::lock_guard lock(episode_->mutex);
    return episode_->move(*args, PlayAgain::kNewSession);
  }

  Outcome read_resource(const json& params) {
    const auto uri = params.find("uri");
    if (uri == params.end() || !uri->is_string()) {
      return unexpected(invalid_params("resources/read needs a string \"uri\""));
    }
    const std::string& text = uri->get_ref<const std::string&>();
    std::optional<json> payload;
    {
      std::lock_guard lock(episode_->mutex);
      if (text == kInitialStateUri) {
        payload = episode_->initial_state_payload();
      } else if (control_resources_ && text.starts_with("control://") &&
                 text != "control://initial_state") {
        payload = episode_->payload(std::string_view(text).substr(10));
      }
    }
    if (!payload && unknown_resource_code_zero_) {
      return unexpected(mcp::RpcError{0, "Unknown resource: " + mcp::excerpt(text), nullptr});
    }
    if (!payload) return unexpected(not_found(text));
    return json{{"contents", json::array({{{"uri", text},
                                           {"mimeType", mcp::kJsonMediaType},
                                           {"text", payload->dump()}}})}};
  }

  static mcp::RpcError not_found(const std::string& uri) {
    return mcp::rpc_error(mcp::code::kResourceNotFound, err::kResourceNotFound,
                          "Resource not found: " + mcp::excerpt(uri), json{{"uri", uri}});
  }

  const Game& the_game_;
  const GameInfo& game_;
  std::set<std::string> game_faults_;         // for the environment a reset makes
  std::optional<std::uint64_t> server_seed_;  // --seed, for a reset without a seed
  std::shared_ptr<Episode> episode_;
  bool control_resources_;
  CrashAfterCalls crash_;
  EnvironmentKeys* keys_by_session_id_;
  bool unknown_tool_as_tool_error_;  // faults (Faults says which bug each is)
  bool unknown_resource_code_zero_;
};

}  // namespace

GymApp::GymApp(const Game& game, GymAppOptions options)
    : game_(game),
      options_(std::move(options)),
      crash_{options_.exit_after_tool_calls},
      handles_(options_.handle_idle_timeout, options_.clock) {
  const auto& known = game_.info().faults;
  for (const auto& fault : options_.faults.game) {
    if (std::find(known.begin(), known.end(), fault) == known.end()) {
      throw std::invalid_argument("the game " + game_.info().name + " has no fault " + fault);
    }
  }
}

GymApp::~GymApp() = default;

mcp::ServerInfo GymApp::server_info() const {
  const GameInfo& info = game_.info();
  return {info.server_name, std::string(kServerVersion), info.instructions};
}

json GymApp::capabilities() const {
  return {{"tools", {{"listChanged", false}}},
          {"resources", {{"subscribe", false}, {"listChanged", false}}}};
}

Expected<std::unique_ptr<mcp::Session>, mcp::RpcError> GymApp::create_session(
    const json& params, std::string_view /*negotiated*/) {
  json given = options_.faults.ignore_seed ? without_client_seed(params) : params;
  if (options_.faults.ignore_config) given = without_client_config(std::move(given));
  auto setup = session_from_initialize(game_, given, options_.default_seed, options_.faults.game);
  if (!setup) return unexpected(setup.error());
  const bool keyed = options_.convention == Convention::kEvalProtocol;
  std::optional<std::string> key;
  if (keyed) {
    auto given = client_key(params);
    if (!given) return unexpected(given.error());
    key = *given;
  }
  // The key-joins-environment fault: a live environment under the key is reused.
  auto live = key && options_.faults.key_joins_environment ? keys_.find(*key) : nullptr;
  auto episode =
      live ? live
           : shared_or(std::make_shared<Episode>(game_.info(), std::move(*setup), options_.faults));
  // EVP-001: the client's key names a fresh environment, even when it named another before.
  if (key) keys_.bind(*key, episode);
  return std::unique_ptr<mcp::Session>(std::make_unique<GymSession>(
      game_, std::move(episode), options_.control_resources, crash_, options_.faults.game,
      options_.default_seed, keyed && !key ? &keys_ : nullptr, options_.faults));
}

std::optional<mcp::ControlReply> GymApp::serve_control(const mcp::ControlRequest& request) {
  if (options_.convention != Convention::kEvalProtocol) return std::nullopt;
  if (options_.faults.unknown_key_creates) create_for_unknown_key(request);
  return serve_keyed_control(
      request, keys_,
      {game_, options_.faults.game, options_.default_seed, options_.faults.lenient_reset});
}

// The unknown-key-creates fault: GET /control/initial_state for a key that
// names nothing makes a fresh unseeded environment under it, kept alive by
// the application since no session holds it.
void GymApp::create_for_unknown_key(const mcp::ControlRequest& request) {
  if (request.name != "initial_state" || !request.key || keys_.find(*request.key)) return;
  auto setup =
      session_from_initialize(game_, json::object(), options_.default_seed, options_.faults.game);
  if (!setup) return;
  auto episode = std::make_shared<Episode>(game_.info(), std::move(*setup), options_.faults);
  keys_.bind(*request.key, episode);
  std::lock_guard lock(shared_mutex_);
  unsessioned_episodes_.push_back(std::move(episode));
}

// `fresh`, or under the shared-state fault the first session's episode for all.
std::shared_ptr<Episode> GymApp::shared_or(std::shared_ptr<Episode> fresh) {
  if (!options_.faults.shared_state) return fresh;
  std::lock_guard lock(shared_mutex_);
  if (!shared_episode_) shared_episode_ = std::move(fresh);
  return shared_episode_;
}

}  // namespace mcpgym::gym
