#include "reference/gym/gym_app.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "common/error_ids.hpp"
#include "common/protocol.hpp"
#include "common/random_id.hpp"
#include "common/text.hpp"
#include "reference/gym/session_config.hpp"

namespace mcpgym::gym {

namespace {

using mcp::json;
using mcp::Outcome;

constexpr std::string_view kInitialStateUri = "game://initial_state";
constexpr std::string_view kServerVersion = "0.1.0";

// The game's action names as the error texts list them: "LEFT, DOWN, RIGHT, UP".
std::string action_list(const GameInfo& info) {
  std::string list;
  for (const auto& action : info.actions)
    list += (list.empty() ? "" : ", ") + action;
  return list;
}

// DATA-009: one tool taking {"action": <one of the game's action names>}.
json tool_list(const GameInfo& info) {
  return {
      {"tools", json::array({{
                    {"name", info.tool},
                    {"description", info.tool_description},
                    {"inputSchema",
                     {{"type", "object"},
                      {"properties", {{"action", {{"type", "string"}, {"enum", info.actions}}}}},
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

json tool_error(std::string text) {
  return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})},
          {"isError", true}};
}

mcp::RpcError invalid_params(const std::string& text) {
  return mcp::rpc_error(mcp::code::kInvalidParams, err::kInvalidParams, "Invalid params: " + text);
}

// Locale-independent on purpose: action names are protocol tokens, not prose.
std::string_view trim_ascii_space(std::string_view text) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// DATA-002: the index of the game's action named by `text`, trimmed and
// case-insensitive; nullopt for any other text.
std::optional<int> parse_action(const GameInfo& info, std::string_view text) {
  const std::string_view word = trim_ascii_space(text);
  for (std::size_t i = 0; i < info.actions.size(); ++i) {
    if (iequals(word, info.actions[i])) return static_cast<int>(i);
  }
  return std::nullopt;
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

}  // namespace

// A session's environment and the episode's bookkeeping. Each session owns
// one, except under the shared-state fault, where sessions on different
// threads share it: hence the mutex, taken by every call that touches it.
struct Episode {
  explicit Episode(SessionSetup setup)
      : env(std::move(setup.env)),
        seed(setup.seed),
        game_config(std::move(setup.game_config)),
        max_episode_steps(setup.max_episode_steps) {}

  std::mutex mutex;
  std::unique_ptr<GameEnv> env;
  std::uint64_t seed;
  json game_config;  // what the game made `env` from, for restart
  std::optional<int> max_episode_steps;
  int step_count = 0;
  double last_reward = 0.0;
  double total_reward = 0.0;  // EPIS-003: the sum of the rewards in step order
  bool terminated = false;
  bool truncated = false;
  json info = json::object();  // the last step's info; {} before the first
  // stale-status: {"reward", "status", "info"} as they were before the most
  // recent step; null before the first step.
  json before_last_step;

  // One step of the game, counted, and truncated at max_episode_steps (EPIS-001).
  void step(int action) {
    GameStep result = env->step(action);
    ++step_count;
    last_reward = result.reward;
    total_reward += result.reward;
    terminated = result.terminated;
    truncated = max_episode_steps.has_value() && step_count >= *max_episode_steps;
    info = std::move(result.info);
  }

  // reset_session (EVP-006): a new episode of the same config on `new_seed`,
  // everything counted from scratch.
  void restart(std::unique_ptr<GameEnv> fresh, std::uint64_t new_seed) {
    env = std::move(fresh);
    seed = new_seed;
    step_count = 0;
    last_reward = 0.0;
    total_reward = 0.0;
    terminated = false;
    truncated = false;
    info = json::object();
    before_last_step = nullptr;
  }
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

class GymSession final : public mcp::Session {
 public:
  GymSession(const Game& game, std::shared_ptr<Episode> episode, bool control_resources,
             Faults faults, CrashAfterCalls crash, std::optional<std::uint64_t> server_seed)
      : the_game_(game),
        game_(game.info()),
        server_seed_(server_seed),
        episode_(std::move(episode)),
        control_resources_(control_resources),
        faults_(std::move(faults)),
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
    if (auto payload = payload_for(name)) return *std::move(payload);
    return unexpected(not_found("/control/" + std::string(name)));
  }

  // EVP-006: the body's seed, else as SEED-002 without a client seed.
  Outcome reset_session(const json& body) override {
    auto requested = seed_from_reset_body(body);
    if (!requested) return unexpected(requested.error());
    const std::optional<std::uint64_t> seed = *requested ? *requested : server_seed_;
    const std::uint64_t chosen = seed ? *seed : random_below_or_equal(kMaxSeed);
    std::lock_guard lock(episode_->mutex);
    auto env = remake_env(the_game_, episode_->game_config, chosen, faults_.game);
    if (!env) return unexpected(env.error());
    episode_->restart(std::move(*env), chosen);
    return json{{"message", "Session reset successfully"}};
  }

 private:
  Outcome call_tool(const json& params) {
    const auto name = params.find("name");
    if (name == params.end() || !name->is_string()) {
      return unexpected(invalid_params("tools/call needs a string \"name\""));
    }
    if (*name != game_.tool) {
      return unexpected(mcp::rpc_error(mcp::code::kInvalidParams, err::kUnknownTool,
                                       "Unknown tool \"" + mcp::excerpt(name->get<std::string>()) +
                                           "\"; this server has one tool, " + game_.tool,
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
              "; expected one of " + action_list(game_)));
    }
    const auto action = parse_action(game_, action_it->get_ref<const std::string&>());
    if (!action) {
      return tool_error(err::message(
          err::kInvalidAction, "Invalid action \"" + mcp::excerpt(action_it->get<std::string>()) +
                                   "\"; expected one of " + action_list(game_)));
    }
    Episode& episode = *episode_;
    if ((shown_terminated() || episode.truncated) && !faults_.moves_after_end) {
      return tool_error(err::message(
          err::kEpisodeOver, std::string("The episode has ended (") +
                                 (shown_terminated() ? "terminated" : "truncated") + " at step " +
                                 std::to_string(episode.step_count) +
                                 "); moves change nothing now. Start a new session to play "
                                 "again"));
    }
    if (faults_.stale_status) {
      episode.before_last_step = {{"reward", current_control("reward")},
                                  {"status", current_control("status")},
                                  {"info", current_control("info")}};
    }
    episode.step(*action);
    json observation = observation_payload(*action);
    return {{"content", json::array({{{"type", "text"}, {"text", observation.dump()}}})},
            {"structuredContent", std::move(observation)},
            {"isError", false}};
  }

  // terminate-after-first-step reports every episode terminated once it has a step.
  bool shown_terminated() const {
    return episode_->terminated ||
           (faults_.terminate_after_first_step && episode_->step_count >= 1);
  }

  Outcome read_resource(const json& params) {
    const auto uri = params.find("uri");
    if (uri == params.end() || !uri->is_string()) {
      return unexpected(invalid_params("resources/read needs a string \"uri\""));
    }
    const std::string& text = uri->get_ref<const std::string&>();
    std::optional<json> payload;
    if (text == kInitialStateUri) {
      payload = initial_state_payload();
    } else if (control_resources_ && text.starts_with("control://") &&
               text != "control://initial_state") {
      payload = payload_for(std::string_view(text).substr(10));
    }
    if (!payload) return unexpected(not_found(text));
    return json{{"contents", json::array({{{"uri", text},
                                           {"mimeType", mcp::kJsonMediaType},
                                           {"text", payload->dump()}}})}};
  }

  // The payloads, one function each, shared by resources/read and /control/*
  // so the two forms can never disagree.

  // DATA-010: the game's observation plus the canonical action name.
  json observation_payload(int action) const {
    json payload = episode_->env->observation();
    payload["action"] = game_.actions[static_cast<std::size_t>(action)];
    return payload;
  }

  // CTRL-011: the game's initial state plus the seed in use.
  json initial_state_payload() const {
    json payload = episode_->env->initial_state();
    payload["seed"] = episode_->seed;
    return payload;
  }

  json reward_payload() const {
    return {{"reward", episode_->last_reward}, {"step_count", episode_->step_count}};
  }

  json status_payload() const {
    return {{"terminated", shown_terminated()},
            {"truncated", episode_->truncated},
            {"step_count", episode_->step_count},
            {"total_reward", episode_->total_reward}};
  }

  json info_payload() const { return episode_->info; }

  // Reward, status or info as of now.
  json current_control(std::string_view name) const {
    if (name == "reward") return reward_payload();
    if (name == "info") return info_payload();
    return status_payload();
  }

  std::optional<json> payload_for(std::string_view name) const {
    if (name == "initial_state") return initial_state_payload();
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

  const Game& the_game_;
  const GameInfo& game_;
  std::optional<std::uint64_t> server_seed_;  // --seed, for a reset without a seed
  std::shared_ptr<Episode> episode_;
  bool control_resources_;
  Faults faults_;
  CrashAfterCalls crash_;
};

}  // namespace

GymApp::GymApp(const Game& game, GymAppOptions options) : game_(game), options_(options) {
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
  auto setup =
      options_.faults.ignore_seed
          ? session_from_initialize(game_, without_client_seed(params), options_.default_seed,
                                    options_.faults.game)
          : session_from_initialize(game_, params, options_.default_seed, options_.faults.game);
  if (!setup) return unexpected(setup.error());
  return std::unique_ptr<mcp::Session>(std::make_unique<GymSession>(
      game_, shared_or(std::make_shared<Episode>(std::move(*setup))), options_.control_resources,
      options_.faults, CrashAfterCalls{options_.exit_after_tool_calls, tool_calls_},
      options_.default_seed));
}

// `fresh`, or under the shared-state fault the first session's episode for all.
std::shared_ptr<Episode> GymApp::shared_or(std::shared_ptr<Episode> fresh) {
  if (!options_.faults.shared_state) return fresh;
  std::lock_guard lock(shared_mutex_);
  if (!shared_episode_) shared_episode_ = std::move(fresh);
  return shared_episode_;
}

}  // namespace mcpgym::gym
