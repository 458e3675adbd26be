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
};

}  // namespace mcpgym::gym
