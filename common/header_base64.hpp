#pragma once
// MCP 2026-07-28's Base64 sentinel for HTTP header values (Mcp-Name,
// Mcp-Param-<Name>): a value that is not plain header text travels as
// "=?base64?" + Base64(UTF-8 bytes) + "?=". Shared by the server core, which
// decodes what clients send, and the harness, which encodes what it sends.
#include <optional>
#include <string>
#include <string_view>

namespace mcpgym {

inline constexpr std::string_view kBase64SentinelPrefix = "=?base64?";
inline constexpr std::string_view kBase64SentinelSuffix = "?=";

// Standard Base64 (RFC 4648 §4, with padding).
std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not canonical padded Base64 (the bits the padding
// hides must be zero).
std::optional<std::string> base64_decode(std::string_view text);

// Whether `value` is framed as a sentinel ("=?base64?...?=").
bool is_base64_sentinel(std::string_view value);
// Whether `value` must travel as the sentinel: it is not plain header text
// (a byte outside 0x20..0x7E, or leading or trailing whitespace), or it looks
// like a sentinel itself.
bool needs_base64_sentinel(std::string_view value);
// The header value for `value`: as is when plain, else the sentinel.
std::string encode_header_value(std::string_view value);
// The value a header carries: the sentinel decoded, anything else as is;
// nullopt for a sentinel whose Base64 is broken.
std::optional<std::string> decode_header_value(std::string_view header_value);

}  // namespace mcpgym
