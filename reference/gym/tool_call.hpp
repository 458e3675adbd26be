#pragma once
// Pieces of a tools/call that both eras of the MCP-Gym application share.
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "common/expected.hpp"
#include "reference/gym/game.hpp"
#include "reference/mcp/json_rpc.hpp"

namespace mcpgym::gym {

// A tool execution error: one text block, isError true.
json tool_error(std::string text);

// -32602 "[mcpgym.rpc.invalid_params] Invalid params: <text>".
mcp::RpcError invalid_params(const std::string& text);

// A tools/call's "arguments": an object, {} when absent or null; -32602 for
// anything else.
Expected<json, mcp::RpcError> tool_arguments(const json& params);

// A tools/call's "name": -32602 unless it is a string.
Expected<std::string, mcp::RpcError> tool_name(const json& params);

// The data-plane tool's `action` argument (DATA-009): one of the game's names.
json action_schema(const GameInfo& info);

// The --exit-after-calls hook: a crash on the N-th tools/call of the process,
// counted across every session and handle.
struct CrashAfterCalls {
  std::optional<int> limit;
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
  void count() const;
};

}  // namespace mcpgym::gym
