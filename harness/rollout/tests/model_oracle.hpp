#pragma once
// What a rollout against the reference must produce, computed from the pure
// model with the same policy objects: the oracle the rollout tests compare to.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "games/frozenlake/frozen_lake.hpp"
#include "harness/rollout/policy.hpp"

namespace mcpgym::harness::testing_oracle {

using json = nlohmann::json;

struct ExpectedStep {
  int position;
  double reward;
  bool terminated;
  bool truncated;
  double total_reward;
};

inline json initial_state_of(const frozenlake::FrozenLake& env) {
  return {{"map", env.map().rows()}, {"position", env.initial_position()}};
}

// Plays a 4x4 (or given-size) seeded map the way the rollout would.
inline std::vector<ExpectedStep> expected_episode(std::uint64_t seed, const PolicyFactory& factory,
                                                  int env_index, int max_steps, int size = 4,
                                                  bool slippery = false,
                                                  std::optional<int> max_episode_steps = {}) {
  frozenlake::FrozenLake env(*frozenlake::generate_random_map(size, 0.8, seed), slippery,
                             max_episode_steps, seed);
  const json initial = initial_state_of(env);
  auto policy = factory(env_index, seed);
  std::vector<ExpectedStep> steps;
  std::optional<json> last;
  for (int step = 1; step <= max_steps; ++step) {
    const PolicyView view{env_index, seed, step - 1, &initial, last ? &*last : nullptr};
    const auto action = frozenlake::parse_action(policy->next_action(view));
    const auto r = env.step(*action);
    steps.push_back({r.position, r.reward, r.terminated, r.truncated, env.total_reward()});
    last = json{{"position", r.position}};
    if (r.terminated || r.truncated) break;
  }
  return steps;
}

}  // namespace mcpgym::harness::testing_oracle
