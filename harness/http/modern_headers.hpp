#pragma once
// The HTTP side of an MCP 2026-07-28 (modern) request, pure: the `_meta`
// envelope every request carries, the headers that mirror the body
// (MCP-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Param-<Name>), the Base64
// sentinel `=?base64?...?=` for values that are not plain header text, and
// the `x-mcp-header` annotations of a tool's inputSchema (docs/spec.md
// MODERN-002, MODERN-003, HANDLE-007; the revision's
// basic/transports/streamable-http.mdx). The harness's MCP client builds its
// modern requests with these functions, and so do tests and checks that send
// deliberately wrong ones (drop a header, change a value), so there is one
// implementation of the rules.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "common/header_base64.hpp"
#include "harness/http/raw_http.hpp"

namespace mcpgym::harness {

using json = nlohmann::json;

// The Base64 sentinel (base64_encode, encode_header_value, decode_header_value,
// ...) is common/header_base64.hpp, shared with the server core.
using mcpgym::base64_decode;
using mcpgym::base64_encode;
using mcpgym::decode_header_value;
using mcpgym::encode_header_value;
using mcpgym::kBase64SentinelPrefix;
using mcpgym::kBase64SentinelSuffix;
using mcpgym::needs_base64_sentinel;

// The `_meta` of a modern request: protocolVersion, clientCapabilities and
// (unless null) clientInfo.
json modern_meta(std::string_view version, const json& client_info,
                 const json& client_capabilities = json::object());
// `params` (null counts as {}) with `meta`'s members added to params._meta;
// members the caller already put there are kept, so a test can send a wrong one.
json with_modern_meta(json params, const json& meta);

// One `x-mcp-header` annotation: the argument at `path` (a chain of
// `properties` keys from the schema root) is mirrored in Mcp-Param-<name>.
struct ParamHeader {
  std::vector<std::string> path;
  std::string name;
};
using ParamHeaders = std::vector<ParamHeader>;

// The annotations of a tool's inputSchema. An error (a sentence) when one
// breaks the revision's constraints: an empty or non-token name, two names
// equal ignoring case, a non-primitive or `number` type, or an annotation not
// statically reachable through `properties` (under items, oneOf, $ref, ...).
Expected<ParamHeaders, std::string> param_headers_of(const json& input_schema);

// The text an argument's value takes in a header (before encoding): strings
// as they are, integers in decimal, booleans as true/false; nullopt for null
// or an absent value (the header is then left out).
std::optional<std::string> param_header_text(const json& value);

// The headers a modern POST carries for `method` and its `params`:
// MCP-Protocol-Version, Mcp-Method, Mcp-Name (tools/call: params.name;
// resources/read: params.uri; prompts/get: params.name), and for tools/call
// one Mcp-Param-<Name> per annotation whose argument has a value. Values are
// encoded with encode_header_value.
HeaderList modern_headers(std::string_view version, std::string_view method, const json& params,
                          const ParamHeaders& param_headers = {});

// A whole modern POST to `path` of the JSON-RPC `message` (its method and
// params give the headers): Accept, Content-Type and modern_headers(), no
// session. The body is the message's compact JSON text.
HttpRequest modern_post(std::string_view version, const json& message,
                        const ParamHeaders& param_headers = {}, std::string path = "/mcp");

// Edits for deliberately wrong requests; header names compare case-insensitively.
void remove_header(HeaderList& headers, std::string_view name);
// Replaces the first field named `name` (or appends one) and drops any other.
void set_header(HeaderList& headers, std::string_view name, std::string value);

}  // namespace mcpgym::harness
