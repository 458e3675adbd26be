#pragma once
// The client side of the eval-protocol convention (docs/spec.md "Conventions",
// EVP-001..EVP-008): the key is minted as eval-protocol's client mints it
// (eval_protocol/mcp_env.py gen_session_id: the md5 of
// json.dumps({"seed", "config", "dataset_row_id", "model_id"}, sort_keys=True)),
// sent in clientInfo._extra with the seed and config, and then named in
// `mcp-session-id` on every /control/* request. The MCP client does the rest.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/mcp/client.hpp"

namespace mcpgym::harness {

// One dataset row of an eval-protocol rollout, as its client describes it.
struct EvalProtocolRow {
  std::optional<std::int64_t> seed = std::nullopt;  // null in the hash and _extra when unset
  json config = json::object();                     // the row's environment_context
  std::string row_id = "task_0";                    // dataset_row_id
  std::string model_id = "unknown";                 // eval-protocol's default model id
};

// Python's json.dumps(value, sort_keys=True): ", " and ": " separators,
// non-ASCII as \uXXXX (surrogate pairs above U+FFFF). Numbers are written as
// nlohmann writes them, which is Python's form for integers and for the
// floats rows carry (2.5, 0.1); exotic floats may differ.
std::string python_json_dumps(const json& value);

// gen_session_id: 32 lowercase hex digits.
std::string eval_protocol_key(const EvalProtocolRow& row);

// clientInfo._extra of the row's initialize: {session_id, seed, config,
// dataset_row_id, model_id}.
json eval_protocol_extra(const EvalProtocolRow& row);

// `base` as eval-protocol's client: clientInfo {"reward-kit", "1.0.0"} and the
// row's key on /control/*.
ClientOptions eval_protocol_options(const EvalProtocolRow& row, ClientOptions base = {});

// An HTTP client for the row at `url`, initialized with the row's _extra.
Expected<std::unique_ptr<McpClient>, std::string> open_eval_protocol_session(
    const std::string& url, const EvalProtocolRow& row, ClientOptions base = {});

// POST /control/reset_session {"seed": seed} (null without one), EVP-006.
Result<json> reset_session(McpClient& client, std::optional<std::int64_t> seed);

}  // namespace mcpgym::harness
