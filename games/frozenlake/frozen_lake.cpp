#include "games/frozenlake/frozen_lake.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "games/frozenlake/path.hpp"
#include "games/numpy/categorical.hpp"

namespace mcpgym::frozenlake {
namespace {

bool is_terminal(char cell) {
  return cell == 'H' || cell == 'G';
}

// reset(): initial_state_distrib is 1.0 on each 'S' cell divided by their count, and 0 elsewhere.
// (Plain loops: clang 14 cannot compile libstdc++ 12's views::iota, and `make fuzz` uses clang.)
int sample_start(const Map& map, double u) {
  const int cells = map.size() * map.size();
  int starts = 0;
  for (int pos = 0; pos < cells; ++pos)
    starts += map.cell(pos) == 'S' ? 1 : 0;
  const double weight = 1.0 / static_cast<double>(starts);
  std::vector<double> probabilities(static_cast<std::size_t>(cells), 0.0);
  for (int pos = 0; pos < cells; ++pos) {
    if (map.cell(pos) == 'S') probabilities[static_cast<std::size_t>(pos)] = weight;
  }
  return static_cast<int>(numpy::categorical_sample(probabilities, u));
}

}  // namespace

FrozenLake::FrozenLake(Map map, bool is_slippery, std::optional<int> max_episode_steps,
                       std::uint64_t seed)
    : rng_(seed),
      map_(std::move(map)),
      seed_(seed),
      max_episode_steps_(max_episode_steps),
      initial_position_(sample_start(map_, rng_.next_double())),
      position_(initial_position_),
      is_slippery_(is_slippery) {}

StepResult FrozenLake::step(Action action) {
  const double u = rng_.next_double();
  const int a = static_cast<int>(action);
  StepResult result{position_, 0.0, true, false, 1.0};
  // gymnasium's table sends H and G to themselves; only other cells move.
  if (!is_terminal(map_.cell(position_))) {
    int next = position_;
    if (is_slippery_) {
      // gymnasium lists the slips in this order: (a - 1) % 4, a, (a + 1) % 4.
      constexpr double kThird = 1.0 / 3.0;
      const std::array<int, 3> candidates = {(a + kActionCount - 1) % kActionCount, a,
                                             (a + 1) % kActionCount};
      const int slipped =
          candidates[numpy::categorical_sample(std::array{kThird, kThird, kThird}, u)];
      next = next_position(position_, size(), static_cast<Action>(slipped));
      result.prob = kThird;
    } else {
      next = next_position(position_, size(), action);
    }
    result.position = next;
    result.reward = map_.cell(next) == 'G' ? 1.0 : 0.0;
    result.terminated = is_terminal(map_.cell(next));
  }
  ++step_count_;
  result.truncated = max_episode_steps_.has_value() && step_count_ >= *max_episode_steps_;

  position_ = result.position;
  last_reward_ = result.reward;
  total_reward_ += result.reward;
  last_prob_ = result.prob;
  terminated_ = result.terminated;
  truncated_ = result.truncated;
  return result;
}

}  // namespace mcpgym::frozenlake
