#pragma once
// Stable error identifiers. Every error message this project produces starts
// with "[<id>] ", so users can search docs/errors.md and tests can match the
// whole text. Identifiers are never renamed; new errors get new identifiers.
#include <string>
#include <string_view>

namespace mcpgym::err {

// HTTP transport rejections.
inline constexpr std::string_view kNotFound = "mcpgym.http.not_found";
inline constexpr std::string_view kMethodNotAllowed = "mcpgym.http.method_not_allowed";
inline constexpr std::string_view kForbiddenOrigin = "mcpgym.http.forbidden_origin";
inline constexpr std::string_view kForbiddenHost = "mcpgym.http.forbidden_host";
inline constexpr std::string_view kNotAcceptable = "mcpgym.http.not_acceptable";
inline constexpr std::string_view kUnsupportedMediaType = "mcpgym.http.unsupported_media_type";
inline constexpr std::string_view kPayloadTooLarge = "mcpgym.http.payload_too_large";
inline constexpr std::string_view kMissingSession = "mcpgym.http.missing_session";
inline constexpr std::string_view kUnknownSession = "mcpgym.http.unknown_session";
inline constexpr std::string_view kUnsupportedProtocolVersion =
    "mcpgym.http.unsupported_protocol_version";
inline constexpr std::string_view kSessionOnInitialize = "mcpgym.http.session_on_initialize";
inline constexpr std::string_view kUnknownControl = "mcpgym.http.unknown_control";
// POST /control/reset_session (EVP-006).
inline constexpr std::string_view kInvalidResetBody = "mcpgym.http.invalid_reset_body";
inline constexpr std::string_view kResetUnsupported = "mcpgym.http.reset_unsupported";
// The eval-protocol convention's control plane, keyed by the client (EVP-001, EVP-004).
inline constexpr std::string_view kMissingKey = "mcpgym.http.missing_key";
inline constexpr std::string_view kUnknownKey = "mcpgym.http.unknown_key";
// HTTP framing, refused by the transport before any handler runs.
inline constexpr std::string_view kBadRequest = "mcpgym.http.bad_request";
inline constexpr std::string_view kHeaderFieldsTooLarge =
    "mcpgym.http.request_header_fields_too_large";
inline constexpr std::string_view kRequestTimeout = "mcpgym.http.request_timeout";
inline constexpr std::string_view kTooManyConnections = "mcpgym.http.too_many_connections";
inline constexpr std::string_view kNotImplemented = "mcpgym.http.not_implemented";

// JSON-RPC and lifecycle.
inline constexpr std::string_view kParseError = "mcpgym.rpc.parse_error";
inline constexpr std::string_view kInvalidRequest = "mcpgym.rpc.invalid_request";
inline constexpr std::string_view kBatchRejected = "mcpgym.rpc.batch_rejected";
inline constexpr std::string_view kMethodNotFound = "mcpgym.rpc.method_not_found";
inline constexpr std::string_view kInvalidParams = "mcpgym.rpc.invalid_params";
inline constexpr std::string_view kNotInitialized = "mcpgym.rpc.not_initialized";
inline constexpr std::string_view kAlreadyInitialized = "mcpgym.rpc.already_initialized";
inline constexpr std::string_view kInternalError = "mcpgym.rpc.internal_error";
inline constexpr std::string_view kLineTooLong = "mcpgym.stdio.line_too_long";

// The server core's refusals of MCP 2026-07-28 (modern) requests.
inline constexpr std::string_view kModernBadEnvelope = "mcpgym.modern.bad_envelope";
inline constexpr std::string_view kModernHeaderMismatch = "mcpgym.modern.header_mismatch";
inline constexpr std::string_view kModernUnsupportedVersion = "mcpgym.modern.unsupported_version";
inline constexpr std::string_view kModernMethodRemoved = "mcpgym.modern.method_removed";
inline constexpr std::string_view kModernBatchRejected = "mcpgym.modern.batch_rejected";
inline constexpr std::string_view kModernMissingHandle = "mcpgym.modern.missing_handle";
inline constexpr std::string_view kModernUnknownHandle = "mcpgym.modern.unknown_handle";

// Environment configuration given at initialize.
inline constexpr std::string_view kInvalidSeed = "mcpgym.config.invalid_seed";
// config.seed differs from clientInfo._extra.seed (EVP-008).
inline constexpr std::string_view kSeedConflict = "mcpgym.config.seed_conflict";
// clientInfo._extra.session_id is no valid key (EVP-001).
inline constexpr std::string_view kInvalidClientKey = "mcpgym.config.invalid_client_key";
inline constexpr std::string_view kUnknownConfigKey = "mcpgym.config.unknown_key";
inline constexpr std::string_view kInvalidConfigValue = "mcpgym.config.invalid_value";
inline constexpr std::string_view kNoValidMap = "mcpgym.config.no_valid_map";

// Tools and resources.
inline constexpr std::string_view kUnknownTool = "mcpgym.tool.unknown_tool";
inline constexpr std::string_view kInvalidAction = "mcpgym.tool.invalid_action";
inline constexpr std::string_view kEpisodeOver = "mcpgym.tool.episode_over";
inline constexpr std::string_view kResourceNotFound = "mcpgym.resource.not_found";

// MCP-Gym over handles (the modern era, docs/spec.md HANDLE-*): tool errors.
inline constexpr std::string_view kMissingHandle = "mcpgym.handle.missing";
inline constexpr std::string_view kUnknownHandle = "mcpgym.handle.unknown";

inline std::string message(std::string_view id, std::string_view text) {
  std::string out;
  out.reserve(id.size() + text.size() + 3);
  out += '[';
  out += id;
  out += "] ";
  out += text;
  return out;
}

}  // namespace mcpgym::err
