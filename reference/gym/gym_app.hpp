#pragma once
// The generic MCP-Gym application: environments of a game, moved by the
// game's `<game>_move` tool (data plane) and observed through the control
// plane, as MCP resources and as GET /control/*. In the legacy era an MCP
// session holds one environment; in the modern era (MCP 2026-07-28) the
// client creates environments with `env_create` and names them by the handle
// it returns (docs/spec.md HANDLE-*). Both eras hold the same Episode
// (reference/gym/episode.hpp). The application owns everything that is the
// same for every game (docs/spec.md, "MCP-Gym"): the seed and config envelope,
// action parsing, step counting, truncation, total reward, the episode-over
// error, the handles and the fault switches. The game (reference/gym/
// game.hpp) owns only its dynamics and the JSON it shows.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reference/gym/eval_protocol.hpp"
#include "reference/gym/faults.hpp"
#include "reference/gym/game.hpp"
#include "reference/gym/handle_store.hpp"
#include "reference/gym/tool_call.hpp"
#include "reference/mcp/application.hpp"

namespace mcpgym::gym {

struct GymAppOptions {
  std::optional<std::uint64_t> default_seed = std::nullopt;  // --seed: when _extra has none
  bool control_resources = true;  // offer control:// resources (CTRL-010)
  // Testing only (--exit-after-calls), a negative control for the proxy's
  // crash handling: the process exits with status 3 on the N-th tools/call,
  // counted across all sessions, without answering it.
  std::optional<int> exit_after_tool_calls = std::nullopt;
  Faults faults = {};  // testing only (--fault)
  // --convention: under eval-protocol the client's clientInfo._extra.session_id
  // keys the environment and the HTTP control plane (docs/spec.md EVP-001..005).
  Convention convention = Convention::kMcpgym;
  // HANDLE-006: a handle no call or read has named for this long expires
  // (--session-idle-timeout); zero: never.
  std::chrono::milliseconds handle_idle_timeout = std::chrono::minutes(10);
  // What the handles' expiry reads the time from; tests inject their own.
  HandleStore::Clock clock = std::chrono::steady_clock::now;
};

class Episode;  // reference/gym/episode.hpp

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

  // The modern era (gym_app_modern.cpp).
  bool serves_modern() const override { return true; }
  mcp::Outcome handle_modern(std::string_view method, const mcp::json& params) override;
  mcp::Outcome read_control_by_handle(std::string_view name, std::string_view handle) override;

  // The eval-protocol convention's control plane (eval_protocol.hpp); nullopt
  // under mcpgym, where the core serves it by its session id.
  std::optional<mcp::ControlReply> serve_control(const mcp::ControlRequest& request) override;

 private:
  std::shared_ptr<Episode> shared_or(std::shared_ptr<Episode> fresh);
  void create_for_unknown_key(const mcp::ControlRequest& request);

  // The modern era's pieces (gym_app_modern.cpp).
  mcp::Outcome call_tool_by_handle(const mcp::json& params);
  mcp::json create_environment(mcp::json arguments);
  std::string mint_handle(const std::shared_ptr<Episode>& episode);
  mcp::json close_environment(const mcp::json& arguments);
  mcp::json move_by_handle(const mcp::json& arguments);
  mcp::Outcome read_by_handle(const mcp::json& params);
  std::shared_ptr<Episode> episode_for(const std::string& handle);

  const Game& game_;
  GymAppOptions options_;
  // tools/call requests so far, across sessions and handles (exit_after_tool_calls).
  CrashAfterCalls crash_;
  // The shared-state fault: the first session's episode, which every later session joins.
  std::mutex shared_mutex_;
  std::shared_ptr<Episode> shared_episode_;
  // The unknown-key-creates fault: environments no session holds (under shared_mutex_).
  std::vector<std::shared_ptr<Episode>> unsessioned_episodes_;
  HandleStore handles_;
  // eval-protocol: the environments by the key the control plane names them by.
  EnvironmentKeys keys_;
  // The handle-ignored fault: the one episode every modern call reaches.
  std::mutex ignored_mutex_;
  std::shared_ptr<Episode> ignored_episode_;
};

}  // namespace mcpgym::gym
