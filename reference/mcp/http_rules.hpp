#pragma once
// Pure predicates over HTTP header values, kept apart from the server so each
// rule of docs/spec.md can be unit-tested without a socket.
#include <optional>
#include <string>
#include <string_view>

namespace mcpgym::mcp {

// HTTP-003: both media types listed explicitly (wildcards do not count).
bool accept_lists_json_and_sse(std::string_view accept);
// A strict server's GET: application/json listed explicitly (wildcards do not count).
bool accept_lists_json(std::string_view accept);
// HTTP-004: the media type is application/json; parameters such as charset are allowed.
bool is_json_content_type(std::string_view content_type);
// HTTP-010: http(s)://localhost, 127.0.0.0/8 or [::1], any port. "null" is not loopback.
bool is_loopback_origin(std::string_view origin);
// HTTP-011: localhost, 127.0.0.0/8 or [::1], optional port.
bool is_loopback_host(std::string_view host);
// Whether a bind address is a loopback one (and so Host checking applies).
bool is_loopback_bind_address(std::string_view address);
// The first `name=value` of a request-target's query, percent-decoded
// ('+' is a space); nullopt when absent or not decodable.
std::optional<std::string> query_parameter(std::string_view target, std::string_view name);

}  // namespace mcpgym::mcp
