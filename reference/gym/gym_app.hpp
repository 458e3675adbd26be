#pragma once
// The generic MCP-Gym application: one environment of a game per MCP session,
// moved by the game's `<game>_move` tool (data plane) and observed through the
// control plane, as MCP resources and as GET /control/*. It owns everything
// that is the same for every game (docs/spec.md, "MCP-Gym"): the seed and
// config envelope, action parsing, step counting, truncation, total reward,
// the episode-over error and the fault switches. The game (reference/gym/
// game.hpp) owns only its dynamics and the JSON it shows.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "reference/gym/game.hpp"
#include "reference/mcp/application.hpp"

namespace mcpgym::gym {

// Negative controls (--fault NAME), for testing only. Each switch reproduces a
// bug seen in an earlier Python MCP-Gym project, so that the conformance suite
// can show it catches that bug. All are off in normal use.
struct Faults {
  // "Environments sharing state": every session plays the first session's
  // environment, whatever seed and config its own initialize carried.
  bool shared_state = false;
  // "Seed silently ignored": clientInfo._extra.seed is dropped, so --seed (or
  // a drawn seed) is used as if the client had sent none.
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
};

struct GymAppOptions {
  std::optional<std::uint64_t> default_seed = std::nullopt;  // --seed: when _extra has none
  bool control_resources = true;  // offer control:// resources (CTRL-010)
  // Testing only (--exit-after-calls), a negative control for the proxy's
  // crash handling: the process exits with status 3 on the N-th tools/call,
  // counted across all sessions, without answering it.
  std::optional<int> exit_after_tool_calls = std::nullopt;
  Faults faults = {};  // testing only (--fault)
};

struct Episode;  // one environment and what its session shows of it (gym_app.cpp)

class GymApp : public mcp::Application {
 public:
  // `game` must outlive the application. Throws std::invalid_argument when
  // options.faults.game names a fault the game does not have.
  explicit GymApp(const Game& game, GymAppOptions options = {});
  ~GymApp() override;

  mcp::ServerInfo server_info() const override;
  mcp::json capabilities() const override;
  Expected<std::unique_ptr<mcp::Session>, mcp::RpcError> create_session(
      const mcp::json& params, std::string_view negotiated) override;

 private:
  std::shared_ptr<Episode> shared_or(std::shared_ptr<Episode> fresh);

  const Game& game_;
  GymAppOptions options_;
  // tools/call requests so far, shared by the sessions (exit_after_tool_calls).
  std::shared_ptr<std::atomic<int>> tool_calls_ = std::make_shared<std::atomic<int>>(0);
  // The shared-state fault: the first session's episode, which every later session joins.
  std::mutex shared_mutex_;
  std::shared_ptr<Episode> shared_episode_;
};

}  // namespace mcpgym::gym
