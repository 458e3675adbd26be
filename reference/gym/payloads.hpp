#pragma once
// The JSON a FrozenLake MCP-Gym session shows the world (docs/spec.md DATA-003,
// CTRL-003..006). One function per payload, shared by the MCP resources and
// the HTTP control plane so the two forms can never disagree.
#include "reference/mcp/json_rpc.hpp"
#include "reference/model/frozen_lake.hpp"

namespace mcpgym::gym {

mcp::json observation_payload(const model::FrozenLake& env, model::Action action);
mcp::json initial_state_payload(const model::FrozenLake& env);
mcp::json reward_payload(const model::FrozenLake& env);
mcp::json status_payload(const model::FrozenLake& env);
mcp::json info_payload(const model::FrozenLake& env);

}  // namespace mcpgym::gym
