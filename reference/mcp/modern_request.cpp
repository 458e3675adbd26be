#include "reference/mcp/modern_request.hpp"

#include <array>
#include <cstdint>

#include "common/error_ids.hpp"
#include "common/header_base64.hpp"
#include "common/protocol.hpp"

namespace mcpgym::mcp {

namespace {

const std::string kMetaVersion(kMetaProtocolVersion);
const std::string kMetaCapabilities(kMetaClientCapabilities);

const json* meta_of(const json& params) {
  if (!params.is_object()) return nullptr;
  const auto meta = params.find("_meta");
  return meta != params.end() && meta->is_object() ? &*meta : nullptr;
}

RpcError bad_envelope(const std::string& what) {
  return rpc_error(code::kInvalidParams, err::kModernBadEnvelope,
                   "Invalid params: " + what + "; a " + std::string(kModernVersion) +
                       " request carries params._meta with \"" + kMetaVersion +
                       "\" (a string) and \"" + kMetaCapabilities + "\" (an object)");
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

// RFC 9110 field values: visible ASCII, space and horizontal tab.
bool is_field_value_text(std::string_view value) {
  for (unsigned char c : value) {
    if (c != '\t' && (c < 0x20 || c > 0x7E)) return false;
  }
  return true;
}

// The body value a standard header mirrors, and the header's name.
struct Mirror {
  std::string_view header;
  json body_value;
};

std::vector<Mirror> mirrors_of(const Message& request) {
  std::vector<Mirror> mirrors;
  mirrors.push_back({kProtocolVersionHeader, (*meta_of(*request.params))[kMetaVersion]});
  mirrors.push_back({kMethodHeader, request.method});
  const char* name_field = nullptr;
  if (request.method == "tools/call" || request.method == "prompts/get") name_field = "name";
  if (request.method == "resources/read") name_field = "uri";
  if (name_field != nullptr) {
    const auto value = request.params->find(name_field);
    mirrors.push_back({kNameHeader, value == request.params->end() ? json() : *value});
  }
  return mirrors;
}

// Only Mcp-Name (and Mcp-Param-*) may use the Base64 sentinel.
std::optional<RpcError> check_mirror(const HeaderLookup& headers, const Mirror& mirror) {
  const auto received = headers(mirror.header);
  if (!received) {
    return header_mismatch(mirror.header,
                           "the " + std::string(mirror.header) + " header is missing", nullptr,
                           mirror.body_value);
  }
  std::string value = *received;
  if (mirror.header == kNameHeader) {
    auto decoded = decode_header_value(value);
    if (!decoded) {
      return header_mismatch(mirror.header, std::string(mirror.header) + ": " + decoded.error(),
                             value, mirror.body_value);
    }
    value = *decoded;
  } else if (!is_field_value_text(value)) {
    return header_mismatch(mirror.header,
                           "the " + std::string(mirror.header) +
                               " header value holds characters outside visible ASCII",
                           *received, mirror.body_value);
  }
  if (!mirror.body_value.is_string() || mirror.body_value.get<std::string>() != value) {
    return header_mismatch(mirror.header,
                           std::string(mirror.header) + " header value " + quoted_excerpt(value) +
                               " does not match body value " + describe(mirror.body_value),
                           *received, mirror.body_value);
  }
  return std::nullopt;
}

}  // namespace

bool is_modern(const Message& message) {
  if (message.kind == MessageKind::kResponse || message.params == nullptr) return false;
  const json* meta = meta_of(*message.params);
  return meta != nullptr && meta->contains(kMetaVersion);
}

bool has_modern_element(const json& batch) {
  if (!batch.is_array()) return false;
  for (const auto& element : batch) {
    auto message = classify(element);
    if (message && is_modern(*message)) return true;
  }
  return false;
}

std::optional<RpcError> check_envelope(const json& params) {
  const json* meta = meta_of(params);
  if (meta == nullptr) return bad_envelope("params has no \"_meta\" object");
  const auto version = meta->find(kMetaVersion);
  if (version == meta->end()) return bad_envelope("params._meta has no \"" + kMetaVersion + "\"");
  if (!version->is_string()) {
    return bad_envelope("\"" + kMetaVersion + "\" in params._meta is " + describe(*version) +
                        ", not a string");
  }
  const auto capabilities = meta->find(kMetaCapabilities);
  if (capabilities == meta->end()) {
    return bad_envelope("params._meta has no \"" + kMetaCapabilities + "\"");
  }
  if (!capabilities->is_object()) {
    return bad_envelope("\"" + kMetaCapabilities + "\" in params._meta is " +
                        describe(*capabilities) + ", not an object");
  }
  return std::nullopt;
}

std::vector<std::string> supported_versions(bool serves_modern) {
  std::vector<std::string> versions;
  if (serves_modern) versions.emplace_back(kModernVersion);
  for (auto it = kSupportedVersions.rbegin(); it != kSupportedVersions.rend(); ++it) {
    versions.emplace_back(*it);
  }
  return versions;
}

std::optional<RpcError> check_version(std::string_view requested, bool serves_modern) {
  if (serves_modern && requested == kModernVersion) return std::nullopt;
  const auto supported = supported_versions(serves_modern);
  return rpc_error(code::kUnsupportedProtocolVersion, err::kModernUnsupportedVersion,
                   "Unsupported protocol version: " + excerpt(requested) +
                       "; this server supports " + joined(supported) + " (versions before " +
                       std::string(kModernVersion) +
                       " through an initialize request without params._meta)",
                   json{{"supported", supported}, {"requested", requested}});
}

std::optional<RpcError> check_standard_headers(const HeaderLookup& headers,
                                               const Message& request) {
  for (const auto& mirror : mirrors_of(request)) {
    if (auto refused = check_mirror(headers, mirror)) return refused;
  }
  return std::nullopt;
}

Expected<std::string, std::string> decode_header_value(std::string_view value) {
  if (!is_field_value_text(value)) {
    return unexpected(std::string(
        "the header value holds characters outside visible ASCII; send it as =?base64?...?="));
  }
  auto decoded = mcpgym::decode_header_value(value);
  if (!decoded) {
    return unexpected("the header value " + quoted_excerpt(value) +
                      " is not valid Base64 inside =?base64?...?=");
  }
  return *decoded;
}

RpcError header_mismatch(std::string_view header, std::string_view why, const json& header_value,
                         const json& body_value) {
  return rpc_error(
      code::kHeaderMismatch, err::kModernHeaderMismatch, "Header mismatch: " + std::string(why),
      json{{"mismatch",
            {{"header", header}, {"header_value", header_value}, {"body_value", body_value}}}});
}

}  // namespace mcpgym::mcp
