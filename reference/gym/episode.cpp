#include "reference/gym/episode.hpp"

#include "common/error_ids.hpp"
#include "common/text.hpp"
#include "reference/gym/tool_call.hpp"
#include "reference/mcp/json_rpc.hpp"

namespace mcpgym::gym {

namespace {

// The game's action names as the error texts list them: "LEFT, DOWN, RIGHT, UP".
std::string action_list(const GameInfo& info) {
  std::string list;
  for (const auto& action : info.actions)
    list += (list.empty() ? "" : ", ") + action;
  return list;
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

// DATA-006's error for a move after the end, in the era's words.
std::string episode_over_text(bool terminated, int step_count, PlayAgain play_again) {
  const std::string how = play_again == PlayAgain::kEnvCreate
                              ? "Create a new environment with " + std::string(kCreateTool)
                              : std::string("Start a new session");
  return std::string("The episode has ended (") + (terminated ? "terminated" : "truncated") +
         " at step " + std::to_string(step_count) + "); moves change nothing now. " + how +
         " to play again";
}

}  // namespace

Episode::Episode(const GameInfo& game, SessionSetup setup, Faults faults)
    : game_(game),
      faults_(std::move(faults)),
      env_(std::move(setup.env)),
      start_observation_(env_->observation()),
      seed_(setup.seed),
      game_config_(std::move(setup.game_config)),
      max_episode_steps_(setup.max_episode_steps) {}

void Episode::restart(std::unique_ptr<GameEnv> fresh, std::uint64_t new_seed) {
  env_ = std::move(fresh);
  start_observation_ = env_->observation();
  seed_ = new_seed;
  step_count_ = 0;
  last_reward_ = 0.0;
  total_reward_ = 0.0;
  terminated_ = false;
  truncated_ = false;
  info_ = json::object();
  before_last_step_ = nullptr;
}

// One step of the game, counted, and truncated at max_episode_steps (EPIS-001).
void Episode::step(int action) {
  GameStep result = env_->step(action);
  ++step_count_;
  last_reward_ = result.reward;
  total_reward_ += result.reward;
  terminated_ = result.terminated;
  truncated_ = max_episode_steps_.has_value() && step_count_ >= *max_episode_steps_;
  info_ = std::move(result.info);
}

json Episode::move(const json& arguments, PlayAgain play_again) {
  const auto action_it = arguments.find("action");
  if (action_it == arguments.end() || !action_it->is_string()) {
    return tool_error(err::message(
        err::kInvalidAction,
        std::string(action_it == arguments.end() ? "Missing argument \"action\""
                                                 : "Argument \"action\" must be a string") +
            "; expected one of " + action_list(game_)));
  }
  const auto action = parse_action(game_, action_it->get_ref<const std::string&>());
  if (!action) {
    return tool_error(err::message(
        err::kInvalidAction, "Invalid action \"" + mcp::excerpt(action_it->get<std::string>()) +
                                 "\"; expected one of " + action_list(game_)));
  }
  if ((shown_terminated() || truncated_) && !faults_.moves_after_end) {
    return tool_error(err::message(err::kEpisodeOver,
                                   episode_over_text(shown_terminated(), step_count_, play_again)));
  }
  if (faults_.stale_status) {
    before_last_step_ = {{"reward", current_control("reward")},
                         {"status", current_control("status")},
                         {"info", current_control("info")}};
  }
  step(*action);
  json observation = observation_payload(*action);
  return {{"content", json::array({{{"type", "text"}, {"text", observation.dump()}}})},
          {"structuredContent", std::move(observation)},
          {"isError", false}};
}

// terminate-after-first-step reports every episode terminated once it has a step.
bool Episode::shown_terminated() const {
  return terminated_ || (faults_.terminate_after_first_step && step_count_ >= 1);
}

// DATA-010: the game's observation plus the canonical action name.
json Episode::observation_payload(int action) const {
  json payload = env_->observation();
  payload["action"] = game_.actions[static_cast<std::size_t>(action)];
  return payload;
}

// CTRL-011: the game's initial state plus the seed in use.
json Episode::initial_state_payload() const {
  json payload = env_->initial_state();
  payload["seed"] = seed_;
  return payload;
}

namespace {

// The ansi-grid fault: the first cell highlighted as gymnasium's ANSI render
// highlights the agent's (red background, then reset).
void render_ansi(json& payload) {
  auto grid = payload.find("grid");
  if (grid == payload.end() || !grid->is_string() || grid->get_ref<std::string&>().empty()) return;
  std::string& text = grid->get_ref<std::string&>();
  text = "\x1b[41m" + text.substr(0, 1) + "\x1b[0m" + text.substr(1);
}

}  // namespace

json Episode::start_observation_payload() const {
  json payload = start_observation_;
  payload["seed"] = seed_;
  if (faults_.ansi_grid) render_ansi(payload);
  return payload;
}

// Reward, status or info as of now.
json Episode::current_control(std::string_view name) const {
  if (name == "reward") return {{"reward", last_reward_}, {"step_count", step_count_}};
  if (name == "info") return info_;
  return {{"terminated", shown_terminated()},
          {"truncated", truncated_},
          {"step_count", step_count_},
          {"total_reward", total_reward_}};
}

std::optional<json> Episode::payload(std::string_view name) const {
  if (name == "initial_state") return initial_state_payload();
  if (name != "reward" && name != "status" && name != "info") return std::nullopt;
  if (faults_.empty_control_plane) return json::object();
  if (faults_.stale_status && !before_last_step_.is_null()) {
    return before_last_step_.at(std::string(name));
  }
  return current_control(name);
}

}  // namespace mcpgym::gym
