#pragma once
// HANDLE-007, generic: tool arguments annotated `"x-mcp-header": "<Name>"`
// in a tool's inputSchema are mirrored by the client in `Mcp-Param-<Name>`;
// a server that annotates validates the header against the body (MCP
// 2026-07-28, streamable-http "Custom Headers from Tool Parameters").
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reference/mcp/json_rpc.hpp"
#include "reference/mcp/modern_request.hpp"

namespace mcpgym::mcp {

// One annotated argument: the chain of `properties` keys from the schema
// root to it, and the <Name> of its Mcp-Param-<Name> header.
struct ParamHeader {
  std::vector<std::string> path;
  std::string name;
  bool operator==(const ParamHeader&) const = default;
};

// Tool name -> its annotated arguments, from a tools/list result.
using ParamHeaderMap = std::map<std::string, std::vector<ParamHeader>>;
ParamHeaderMap param_headers_of(const json& tools_list_result);

// -32020 when an annotated argument is in `arguments` (not null) but its
// header is missing, malformed, or names another value.
std::optional<RpcError> check_param_headers(const std::vector<ParamHeader>& annotated,
                                            const json& arguments, const HeaderLookup& headers);

}  // namespace mcpgym::mcp
