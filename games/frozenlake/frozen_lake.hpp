#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "games/frozenlake/action.hpp"
#include "games/frozenlake/map.hpp"
#include "games/frozenlake/random_map.hpp"
#include "games/numpy/pcg64.hpp"

namespace mcpgym::frozenlake {

struct StepResult {
  int position;
  double reward;
  bool terminated;
  bool truncated;
  double prob;  // the chosen transition's probability: 1.0, or 1.0/3.0 when slippery
};

// gymnasium FrozenLakeEnv (+ TimeLimit when max_episode_steps is set) after reset(seed=seed).
// Transitions are computed on demand rather than tabulated like gymnasium's P, which keeps
// a session's environment at a few dozen bytes plus its map.
class FrozenLake {
 public:
  FrozenLake(Map map, bool is_slippery, std::optional<int> max_episode_steps, std::uint64_t seed);

  // Precondition: !ended(). Draws exactly one double from the env generator. Stepping an
  // ended episode anyway does what gymnasium does: from H or G the agent stays put with
  // reward 0 and terminated set.
  StepResult step(Action action);

  const Map& map() const { return map_; }
  int size() const { return map_.size(); }
  int position() const { return position_; }
  int initial_position() const { return initial_position_; }
  int step_count() const { return step_count_; }
  double last_reward() const { return last_reward_; }
  double total_reward() const { return total_reward_; }
  // nullopt before the first step
  std::optional<double> last_prob() const {
    return step_count_ > 0 ? std::optional<double>(last_prob_) : std::nullopt;
  }
  bool terminated() const { return terminated_; }
  bool truncated() const { return truncated_; }
  bool ended() const { return terminated_ || truncated_; }
  bool is_slippery() const { return is_slippery_; }
  std::optional<int> max_episode_steps() const { return max_episode_steps_; }
  std::uint64_t seed() const { return seed_; }
  std::string grid() const { return map_.render(position_); }

 private:
  // Ordered widest first so padding stays out of every session's footprint.
  numpy::Pcg64 rng_;
  Map map_;
  std::uint64_t seed_;
  std::optional<int> max_episode_steps_;
  double last_prob_ = 1.0;
  double last_reward_ = 0.0;
  double total_reward_ = 0.0;
  int initial_position_;
  int position_;
  int step_count_ = 0;
  bool is_slippery_;
  bool terminated_ = false;
  bool truncated_ = false;
};

}  // namespace mcpgym::frozenlake
