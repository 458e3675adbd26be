#pragma once
// MCP 2026-07-28 (the modern era, docs/spec.md MODERN-*): which requests are
// modern, and the rules every modern request must meet before anything
// serves it: its `_meta` envelope, its protocol version and, on HTTP, the
// headers that mirror its body. Pure functions, so each rule is testable
// without a socket.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "reference/mcp/json_rpc.hpp"

namespace mcpgym::mcp {

// A request's HTTP header by name (case-insensitive), or nullopt when absent.
using HeaderLookup = std::function<std::optional<std::string>(std::string_view name)>;

// MODERN-001: a message is modern when its params._meta carries
// io.modelcontextprotocol/protocolVersion, whatever else it carries
// (a stray Mcp-Session-Id included).
bool is_modern(const Message& message);
// A JSON-RPC batch with at least one modern element (MODERN-012 refuses it).
bool has_modern_element(const json& batch);

// MODERN-002: `_meta` has a string protocolVersion and an object
// clientCapabilities. `params` is the request's params object.
std::optional<RpcError> check_envelope(const json& params);

// Every version the server speaks, newest first: the modern one when the
// application serves it, then the legacy ones (served through initialize).
std::vector<std::string> supported_versions(bool serves_modern);
// MODERN-004: the version in `_meta` is one served without a handshake.
std::optional<RpcError> check_version(std::string_view requested, bool serves_modern);

// MODERN-003: MCP-Protocol-Version, Mcp-Method and (tools/call,
// resources/read, prompts/get) Mcp-Name are present and equal to the body.
std::optional<RpcError> check_standard_headers(const HeaderLookup& headers, const Message& request);

// A header value as the sender meant it: plain visible ASCII as is, or the
// UTF-8 text inside the Base64 sentinel =?base64?...?=. The error says why
// the value is unusable (characters outside visible ASCII, bad Base64).
Expected<std::string, std::string> decode_header_value(std::string_view value);

// -32020 HeaderMismatch, `data.mismatch` naming the header and both values.
RpcError header_mismatch(std::string_view header, std::string_view why, const json& header_value,
                         const json& body_value);

}  // namespace mcpgym::mcp
