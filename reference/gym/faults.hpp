#pragma once
// The MCP-Gym application's negative controls (--fault NAME), testing only.
// Each switch reproduces a bug seen in an earlier Python MCP-Gym project or in
// the field, so that the conformance suite can show it catches that bug. All
// are off in normal use.
#include <set>
#include <string>

namespace mcpgym::gym {

struct Faults {
  // "Environments sharing state": every session plays the first session's
  // environment, whatever seed and config its own initialize carried. In the
  // modern era every env_create returns a fresh handle to that environment.
  bool shared_state = false;
  // "Seed silently ignored": clientInfo._extra.seed (env_create's seed) is
  // dropped, so --seed (or a drawn seed) is used as if the client had sent none.
  bool ignore_seed = false;
  // Moves accepted after the episode ended: a normal step instead of the
  // DATA-006 tool error (the game steps as gymnasium would).
  bool moves_after_end = false;
  // A control plane one step stale (against CTRL-007): reward, status and
  // info show the values from before the most recent step.
  bool stale_status = false;
  // "Recordings without control-plane metadata": reward, status and info are
  // each the empty object {}.
  bool empty_control_plane = false;
  // "Rollouts that stop after step 0": after the first step, status says
  // terminated and further moves are refused as after the end.
  bool terminate_after_first_step = false;
  // The game's own faults switched on, by name (GameInfo::faults), for
  // example FrozenLake's "no-hole-termination".
  std::set<std::string> game = {};

  // The modern era (handles, docs/spec.md HANDLE-*):
  // The handle is derived from the seed (the md5-of-seed ids of the field
  // reports, against HANDLE-002): two env_create calls with one seed get one
  // handle, and the second environment replaces the first.
  bool handle_from_seed = false;
  // The handle is ignored: one environment serves every call, whatever env_id
  // it carries; each env_create resets it (against HANDLE-005, HANDLE-012).
  bool handle_ignored = false;
  // Per-handle reads say they may be cached: ttlMs 60000, cacheScope "public"
  // (against HANDLE-009).
  bool control_cacheable = false;
  // A tool call or read naming an unknown handle creates a fresh environment
  // under it instead of the HANDLE-005 tool error (HANDLE-010's -32602).
  bool unknown_handle_creates = false;

  // The eval-protocol convention (--convention eval-protocol): the bugs of
  // eval-protocol's own server at its commit 000c2a4 (docs/conformance.md,
  // "Validating an eval-protocol MCP-Gym server", lists their sources).
  // The config is ignored: every environment is the game's default one,
  // whatever config initialize carried (against CONF-004, EVP-007).
  bool ignore_config = false;
  // GET /control/initial_state for a key that names no environment creates a
  // fresh unseeded one under that key instead of the 404 (against EVP-004).
  bool unknown_key_creates = false;
  // An initialize whose key names a live environment joins it instead of
  // getting a fresh one (against EVP-001): clients whose (seed, config, row,
  // model) match share one environment.
  bool key_joins_environment = false;
  // tools/call of an unknown tool is a tool error (isError: true) instead of
  // -32602 (against DATA-007).
  bool unknown_tool_as_tool_error = false;
  // resources/read of an unknown URI fails with code 0 (against CTRL-008).
  bool unknown_resource_code_zero = false;
  // /control/initial_state's grid is an ANSI render: the agent's cell
  // highlighted with escape codes (against EVP-005).
  bool ansi_grid = false;
  // POST /control/reset_session answers 200 for a key that names nothing
  // (resetting nothing), and seed 0 seeds nothing, as eval-protocol's
  // `if seed:` (against EVP-006).
  bool lenient_reset = false;
};

}  // namespace mcpgym::gym
