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

// MCP 2026-07-28, the modern era (docs/spec.md): no initialize and no session;
// every request names its version in `_meta` and, on HTTP, in headers.
inline constexpr std::string_view kModernVersion = "2026-07-28";
inline constexpr std::string_view kMethodHeader = "Mcp-Method";
inline constexpr std::string_view kNameHeader = "Mcp-Name";
// A tool argument annotated `"x-mcp-header": "<Name>"` is mirrored in this
// header followed by <Name>.
inline constexpr std::string_view kParamHeaderPrefix = "Mcp-Param-";
inline constexpr std::string_view kMetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view kMetaClientCapabilities =
    "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view kMetaClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view kMetaServerInfo = "io.modelcontextprotocol/serverInfo";
inline constexpr std::string_view kDiscoverMethod = "server/discover";

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
// MCP 2026-07-28: an HTTP header that is missing or disagrees with the body.
inline constexpr int kHeaderMismatch = -32020;
// MCP 2026-07-28: a protocol version the server does not support
// (`data.supported`, `data.requested`).
inline constexpr int kUnsupportedProtocolVersion = -32022;
}  // namespace code

}  // namespace mcpgym::mcp
