#include "reference/gym/payloads.hpp"

namespace mcpgym::gym {

using mcp::json;

json observation_payload(const frozenlake::FrozenLake& env, frozenlake::Action action) {
  return {{"position", env.position()},
          {"grid", env.grid()},
          {"action", std::string(frozenlake::action_name(action))}};
}

json initial_state_payload(const frozenlake::FrozenLake& env) {
  return {{"position", env.initial_position()},
          {"grid", env.map().render(env.initial_position())},
          {"map", env.map().rows()},
          {"seed", env.seed()},
          {"size", env.size()},
          {"is_slippery", env.is_slippery()}};
}

json reward_payload(const frozenlake::FrozenLake& env) {
  return {{"reward", env.last_reward()}, {"step_count", env.step_count()}};
}

json status_payload(const frozenlake::FrozenLake& env) {
  return {{"terminated", env.terminated()},
          {"truncated", env.truncated()},
          {"step_count", env.step_count()},
          {"total_reward", env.total_reward()}};
}

json info_payload(const frozenlake::FrozenLake& env) {
  if (!env.last_prob()) return json::object();
  return {{"prob", *env.last_prob()}};
}

}  // namespace mcpgym::gym
