#pragma once
// MCP-Gym over environment handles (docs/spec.md HANDLE-001..011): the one
// place where the harness creates, addresses and closes an environment by its
// `env_id` rather than by its MCP session. Works in either era (the calls are
// ordinary tools and resources), though only the modern era needs it.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "harness/mcp/client.hpp"
#include "harness/rollout/control_plane_form.hpp"

namespace mcpgym::harness {

inline constexpr std::string_view kEnvCreateTool = "env_create";
inline constexpr std::string_view kEnvCloseTool = "env_close";
inline constexpr std::string_view kEnvIdArgument = "env_id";

// What env_create answered (HANDLE-001).
struct EnvHandle {
  std::string env_id;
  std::uint64_t seed = 0;
  json initial_state;
};

// Calls env_create with the seed (left out when nullopt: the server picks one)
// and the config (left out when null). A tool error (HANDLE-003) or a result
// without a visible-ASCII env_id, an integer seed and an object initial_state
// is a [mcpgym.client.bad_response] error. The payload is taken from
// structuredContent, else from the first text block.
Result<EnvHandle> create_env(McpClient& client, std::optional<std::uint64_t> seed,
                             const json& config = nullptr);

// Calls env_close; a tool error, or a result without `"closed": true`, is a
// [mcpgym.client.bad_response] error.
Result<void> close_env(McpClient& client, const std::string& env_id);

// `arguments` with env_id added: how every game tool is addressed (HANDLE-004).
json with_env_id(json arguments, const std::string& env_id);

// The control plane's resource for one environment (HANDLE-008):
// control://{env_id}/<name>, and game://{env_id}/initial_state for
// "initial_state".
std::string env_control_uri(const std::string& env_id, std::string_view name);

// One control-plane read for one environment: its resource, or
// GET /control/<name>?env_id=<env_id> (HANDLE-011).
Result<json> read_env_control(McpClient& client, ControlPlaneForm form, const std::string& env_id,
                              std::string_view name);

}  // namespace mcpgym::harness
