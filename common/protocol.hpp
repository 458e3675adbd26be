#pragma once
// MCP wire constants shared by the server core and the harness's client.
#include <array>
#include <cstdint>
#include <string_view>

namespace mcpgym::mcp {

// Oldest first; negotiation offers the newest when the client asks for another.
inline constexpr std::array<std::string_view, 3> kSupportedVersions = {"2025-03-26", "2025-06-18",
                                                                       "2025-11-25"};
inline constexpr std::string_view kNewestVersion = kSupportedVersions.back();
// Batches were removed from MCP in 2025-06-18.
inline constexpr std::string_view kFirstVersionWithoutBatches = "2025-06-18";

inline bool is_supported_version(std::string_view v) {
  for (auto s : kSupportedVersions) {
    if (s == v) return true;
  }
  return false;
}
// Versions are dates, so string order is time order.
inline bool allows_batches(std::string_view negotiated) {
  return negotiated < kFirstVersionWithoutBatches;
}

// SEED-003: seeds are integers from 0 to 2^53-1, the range every JSON
// implementation carries exactly.
inline constexpr std::uint64_t kMaxSeed = (std::uint64_t{1} << 53) - 1;

inline constexpr std::string_view kEndpointPath = "/mcp";
inline constexpr std::string_view kControlPathPrefix = "/control/";
inline constexpr std::string_view kSessionHeader = "Mcp-Session-Id";
inline constexpr std::string_view kProtocolVersionHeader = "MCP-Protocol-Version";
inline constexpr std::string_view kJsonMediaType = "application/json";
inline constexpr std::string_view kSseMediaType = "text/event-stream";

namespace code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Transport-level rejections (the TypeScript SDK's convention).
inline constexpr int kTransportError = -32000;
// MCP's "resource not found".
inline constexpr int kResourceNotFound = -32002;
}  // namespace code

}  // namespace mcpgym::mcp
