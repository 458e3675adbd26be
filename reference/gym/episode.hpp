#pragma once
// One environment of a game and everything its player sees of it: the step
// bookkeeping (step count, rewards, termination, truncation), the data-plane
// move and the control-plane payloads. A legacy session and a modern handle
// hold the very same object, so the two eras cannot drift apart
// (docs/spec.md HANDLE-012).
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "reference/gym/faults.hpp"
#include "reference/gym/game.hpp"
#include "reference/gym/session_config.hpp"

namespace mcpgym::gym {

// The modern era's creation tool (HANDLE-001), which the episode-over error
// names there.
inline constexpr std::string_view kCreateTool = "env_create";

// How a player gets a fresh episode once one has ended, as the episode-over
// error tells them (DATA-006): a legacy session's environment lives as long as
// the session; a modern handle's, until env_close.
enum class PlayAgain { kNewSession, kEnvCreate };

// Not thread-safe by itself: whoever calls it holds `mutex` (a session's or a
// handle's calls are serialized on it; the shared-state and handle-ignored
// faults share one Episode between callers on different threads).
class Episode {
 public:
  // `game` must outlive the episode.
  Episode(const GameInfo& game, SessionSetup setup, Faults faults);

  std::mutex mutex;

  // The data-plane tool's result for `arguments` (an object): the observation
  // (DATA-010), or a tool error for an invalid action (DATA-005) or a move
  // after the end (DATA-006) that says how to `play_again`. Only "action" is
  // read.
  json move(const json& arguments, PlayAgain play_again);
  // reward, status, info or initial_state as of now (CTRL-003..007, CTRL-011);
  // nullopt for any other name.
  std::optional<json> payload(std::string_view name) const;
  // game://initial_state: the game's initial state plus the seed in use.
  json initial_state_payload() const;
  // The eval-protocol convention's initial state (EVP-005): the game's
  // observation at the start of the episode (no "action") plus the seed.
  json start_observation_payload() const;
  std::uint64_t seed() const { return seed_; }
  // What the game made the environment from, for reset_session (EVP-006).
  const json& game_config() const { return game_config_; }
  // reset_session (EVP-006): a new episode of the same config on `new_seed`,
  // everything counted from scratch.
  void restart(std::unique_ptr<GameEnv> fresh, std::uint64_t new_seed);

 private:
  void step(int action);
  json observation_payload(int action) const;
  bool shown_terminated() const;
  json current_control(std::string_view name) const;

  const GameInfo& game_;
  const Faults faults_;
  std::unique_ptr<GameEnv> env_;
  json start_observation_;  // env_->observation() before the first step
  std::uint64_t seed_;
  json game_config_;
  std::optional<int> max_episode_steps_;
  int step_count_ = 0;
  double last_reward_ = 0.0;
  double total_reward_ = 0.0;  // EPIS-003: the sum of the rewards in step order
  bool terminated_ = false;
  bool truncated_ = false;
  json info_ = json::object();  // the last step's info; {} before the first
  // stale-status: {"reward", "status", "info"} as they were before the most
  // recent step; null before the first step.
  json before_last_step_;
};

}  // namespace mcpgym::gym
