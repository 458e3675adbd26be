#pragma once
// Reads a session's environment from the initialize request, following the
// reward-kit wire convention: params.clientInfo._extra = {"seed", "config"}
// (docs/spec.md SEED-*, CONF-*). Every refusal is -32602 naming the key.
#include <cstdint>
#include <optional>

#include "common/expected.hpp"
#include "common/protocol.hpp"
#include "games/frozenlake/map.hpp"
#include "reference/mcp/json_rpc.hpp"

namespace mcpgym::gym {

using mcp::kMaxSeed;  // SEED-003

struct EnvSpec {
  std::uint64_t seed;
  frozenlake::Map map;
  bool is_slippery;
  std::optional<int> max_episode_steps;
};

// `server_seed` is the server's --seed fallback; with neither, a seed is drawn.
Expected<EnvSpec, mcp::RpcError> env_spec_from_initialize(const mcp::json& initialize_params,
                                                          std::optional<std::uint64_t> server_seed);

}  // namespace mcpgym::gym
