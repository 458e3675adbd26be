#pragma once
// The JSON a FrozenLake MCP-Gym session shows the world (docs/spec.md DATA-003,
// CTRL-003..006). One function per payload, shared by the MCP resources and
// the HTTP control plane so the two forms can never disagree.
#include "games/frozenlake/frozen_lake.hpp"
#include "reference/mcp/json_rpc.hpp"

namespace mcpgym::gym {

mcp::json observation_payload(const frozenlake::FrozenLake& env, frozenlake::Action action);
mcp::json initial_state_payload(const frozenlake::FrozenLake& env);
mcp::json reward_payload(const frozenlake::FrozenLake& env);
mcp::json status_payload(const frozenlake::FrozenLake& env);
mcp::json info_payload(const frozenlake::FrozenLake& env);

}  // namespace mcpgym::gym
