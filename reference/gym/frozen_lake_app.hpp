#pragma once
// The FrozenLake MCP-Gym application: one gymnasium-exact environment per MCP
// session, moved by the `lake_move` tool (data plane) and observed through
// control-plane resources. Plugs into the MCP server core as an Application.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "reference/mcp/application.hpp"

namespace mcpgym::gym {

struct FrozenLakeAppOptions {
  std::optional<std::uint64_t> default_seed;  // --seed: used when _extra has none
  bool control_resources = true;              // offer control:// resources (CTRL-010)
  // Testing only (--exit-after-calls), a negative control for the proxy's
  // crash handling: the process exits with status 3 on the N-th tools/call,
  // counted across all sessions, without answering it.
  std::optional<int> exit_after_tool_calls = std::nullopt;
};

class FrozenLakeApp : public mcp::Application {
 public:
  explicit FrozenLakeApp(FrozenLakeAppOptions options) : options_(options) {}

  mcp::ServerInfo server_info() const override;
  mcp::json capabilities() const override;
  Expected<std::unique_ptr<mcp::Session>, mcp::RpcError> create_session(
      const mcp::json& params, std::string_view negotiated) override;

 private:
  FrozenLakeAppOptions options_;
  // tools/call requests so far, shared by the sessions (exit_after_tool_calls).
  std::shared_ptr<std::atomic<int>> tool_calls_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace mcpgym::gym
