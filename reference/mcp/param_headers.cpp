#include "reference/mcp/param_headers.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "common/protocol.hpp"

namespace mcpgym::mcp {

namespace {

// Only chains of `properties` keys count (the revision forbids annotations
// reached through items, composition, conditionals or $ref).
void collect(const json& schema, std::vector<std::string>& path, std::vector<ParamHeader>& out) {
  const auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) return;
  for (const auto& [key, property] : properties->items()) {
    if (!property.is_object()) continue;
    path.push_back(key);
    const auto header = property.find("x-mcp-header");
    if (header != property.end() && header->is_string() && !header->get<std::string>().empty()) {
      out.push_back({path, header->get<std::string>()});
    }
    collect(property, path, out);
    path.pop_back();
  }
}

// The value at `path` in `arguments`; null when any step is absent.
json value_at(const json& arguments, const std::vector<std::string>& path) {
  const json* at = &arguments;
  for (const auto& key : path) {
    if (!at->is_object()) return nullptr;
    const auto next = at->find(key);
    if (next == at->end()) return nullptr;
    at = &*next;
  }
  return *at;
}

// The revision's type conversion; integers compare numerically ("42.0" is 42).
bool header_names_value(const std::string& header, const json& value) {
  if (value.is_string()) return header == value.get<std::string>();
  if (value.is_boolean()) return header == (value.get<bool>() ? "true" : "false");
  if (value.is_number()) {
    if (header.empty()) return false;
    errno = 0;
    char* end = nullptr;
    const double parsed = std::strtod(header.c_str(), &end);
    if (errno != 0 || end != header.c_str() + header.size() || !std::isfinite(parsed)) {
      return false;
    }
    return parsed == value.get<double>();
  }
  return header == value.dump();
}

std::string argument_path(const std::vector<std::string>& path) {
  std::string out = "arguments";
  for (const auto& key : path)
    out += "." + key;
  return out;
}

}  // namespace

ParamHeaderMap param_headers_of(const json& tools_list_result) {
  ParamHeaderMap map;
  const auto tools = tools_list_result.find("tools");
  if (tools == tools_list_result.end() || !tools->is_array()) return map;
  for (const auto& tool : *tools) {
    if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) continue;
    const auto schema = tool.find("inputSchema");
    if (schema == tool.end() || !schema->is_object()) continue;
    std::vector<ParamHeader> annotated;
    std::vector<std::string> path;
    collect(*schema, path, annotated);
    if (!annotated.empty()) map[tool["name"].get<std::string>()] = std::move(annotated);
  }
  return map;
}

std::optional<RpcError> check_param_headers(const std::vector<ParamHeader>& annotated,
                                            const json& arguments, const HeaderLookup& headers) {
  for (const auto& param : annotated) {
    const json value = value_at(arguments, param.path);
    if (value.is_null()) continue;  // absent or null: the header is not expected
    const std::string header = std::string(kParamHeaderPrefix) + param.name;
    const auto received = headers(header);
    if (!received) {
      return header_mismatch(header,
                             "the " + header + " header is missing while " +
                                 argument_path(param.path) +
                                 " is in the body; the tool's inputSchema marks it x-mcp-header",
                             nullptr, value);
    }
    auto decoded = decode_header_value(*received);
    if (!decoded) return header_mismatch(header, header + ": " + decoded.error(), *received, value);
    if (!header_names_value(*decoded, value)) {
      return header_mismatch(header,
                             header + " header value " + quoted_excerpt(*decoded) +
                                 " does not match body value " + describe(value) + " of " +
                                 argument_path(param.path),
                             *received, value);
    }
  }
  return std::nullopt;
}

}  // namespace mcpgym::mcp
