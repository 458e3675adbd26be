#pragma once
// Reads a session's (or a handle's) seed and configuration from the initialize request,
// following the reward-kit wire convention: params.clientInfo._extra =
// {"seed", "config"} (docs/spec.md SEED-*, CONF-*). The envelope is the same
// for every game: `config` is an object of the game's keys plus
// `max_episode_steps` (CONF-004). Every refusal is -32602 naming the key.
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/expected.hpp"
#include "common/protocol.hpp"
#include "reference/gym/game.hpp"
#include "reference/mcp/json_rpc.hpp"

namespace mcpgym::gym {

using mcp::kMaxSeed;  // SEED-003

struct SessionSetup {
  std::uint64_t seed;                    // the seed in use: the client's, --seed or drawn
  std::optional<int> max_episode_steps;  // nullopt: never truncated
  std::unique_ptr<GameEnv> env;          // after reset(seed=seed)
  // The config Game::make saw (the game's own keys): reset_session (EVP-006)
  // makes the new episode's environment from it.
  json game_config = json::object();
};

// `server_seed` is the server's --seed fallback; with neither, a seed is drawn.
// `game_faults` are the game's own faults switched on, passed to Game::make.
Expected<SessionSetup, mcp::RpcError> session_from_initialize(
    const Game& game, const mcp::json& initialize_params, std::optional<std::uint64_t> server_seed,
    const std::set<std::string>& game_faults = {});

// POST /control/reset_session's body (EVP-006): the seed {"seed": n} asks
// for, nullopt when absent or null; -32602 naming `seed` for any other value.
Expected<std::optional<std::uint64_t>, mcp::RpcError> seed_from_reset_body(const mcp::json& body);

// A new environment of the same game config on `seed`: the environment a
// reset session plays (EVP-006).
Expected<std::unique_ptr<GameEnv>, mcp::RpcError> remake_env(
    const Game& game, const json& game_config, std::uint64_t seed,
    const std::set<std::string>& game_faults = {});

// The same envelope at the modern era's env_create (HANDLE-001): `arguments`
// (an object) holds "seed" and "config" directly, and refusals name them so
// ("seed must be ...", "config must be an object").
Expected<SessionSetup, mcp::RpcError> environment_from_arguments(
    const Game& game, const mcp::json& arguments, std::optional<std::uint64_t> server_seed,
    const std::set<std::string>& game_faults = {});

}  // namespace mcpgym::gym
