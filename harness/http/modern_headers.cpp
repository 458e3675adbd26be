#include "harness/http/modern_headers.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include "common/protocol.hpp"
#include "common/text.hpp"

namespace mcpgym::harness {

namespace {

// RFC 9110 tchar: the characters of a token (a header field name).
bool is_tchar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u) != 0) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

std::string path_text(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& key : path) {
    if (!out.empty()) out += ".";
    out += key;
  }
  return out;
}

// The revision allows integer, string and boolean properties; a property
// without a type is left to the server (nothing says it is wrong).
std::optional<std::string> type_problem(const json& schema) {
  const auto type = schema.find("type");
  if (type == schema.end()) return std::nullopt;
  if (type->is_string() && (*type == "integer" || *type == "string" || *type == "boolean")) {
    return std::nullopt;
  }
  return "has type " + type->dump() + "; only integer, string and boolean may be mirrored";
}

struct Walk {
  ParamHeaders found;
  std::optional<std::string> problem;

  // `reachable`: the node is reached from the root through `properties` keys only.
  void schema(const json& node, std::vector<std::string>& path, bool reachable) {
    if (problem || !node.is_object()) {
      if (node.is_array()) {
        for (const auto& item : node)
          schema(item, path, false);
      }
      return;
    }
    if (const auto mark = node.find("x-mcp-header"); mark != node.end()) {
      annotation(node, *mark, path, reachable);
    }
    for (const auto& [key, child] : node.items()) {
      if (key == "properties" && child.is_object()) {
        for (const auto& [name, property] : child.items()) {
          path.push_back(name);
          schema(property, path, reachable);
          path.pop_back();
        }
      } else if (key != "x-mcp-header" && (child.is_object() || child.is_array())) {
        schema(child, path, false);
      }
    }
  }

  void annotation(const json& node, const json& mark, const std::vector<std::string>& path,
                  bool reachable) {
    const std::string where =
        path.empty() ? std::string("the schema root") : quoted_excerpt(path_text(path));
    if (!reachable || path.empty()) {
      problem = "the x-mcp-header at " + where +
                " is not statically reachable through \"properties\" from the schema root";
      return;
    }
    if (!mark.is_string() || !is_token(mark.get_ref<const std::string&>())) {
      problem = "the x-mcp-header of " + where + " is " + excerpt(mark.dump(), 60) +
                ", not a non-empty HTTP token";
      return;
    }
    if (auto wrong = type_problem(node)) {
      problem = "the x-mcp-header property " + where + " " + *wrong;
      return;
    }
    const std::string& name = mark.get_ref<const std::string&>();
    for (const auto& earlier : found) {
      if (iequals(earlier.name, name)) {
        problem = "the x-mcp-header \"" + name + "\" of " + where + " repeats the one of \"" +
                  path_text(earlier.path) + "\" (names are compared ignoring case)";
        return;
      }
    }
    found.push_back({path, name});
  }
};

const json* value_at(const json& arguments, const std::vector<std::string>& path) {
  const json* node = &arguments;
  for (const auto& key : path) {
    if (!node->is_object()) return nullptr;
    const auto next = node->find(key);
    if (next == node->end()) return nullptr;
    node = &*next;
  }
  return node;
}

// The body member Mcp-Name mirrors, for the methods that have one.
const char* name_member(std::string_view method) {
  if (method == "tools/call" || method == "prompts/get") return "name";
  if (method == "resources/read") return "uri";
  return nullptr;
}

}  // namespace

json modern_meta(std::string_view version, const json& client_info,
                 const json& client_capabilities) {
  json meta = {{std::string(mcp::kMetaProtocolVersion), version},
               {std::string(mcp::kMetaClientCapabilities), client_capabilities}};
  if (!client_info.is_null()) meta[std::string(mcp::kMetaClientInfo)] = client_info;
  return meta;
}

json with_modern_meta(json params, const json& meta) {
  if (params.is_null()) params = json::object();
  json& target = params["_meta"];
  if (!target.is_object()) target = json::object();
  for (const auto& [key, value] : meta.items()) {
    if (!target.contains(key)) target[key] = value;
  }
  return params;
}

Expected<ParamHeaders, std::string> param_headers_of(const json& input_schema) {
  Walk walk;
  std::vector<std::string> path;
  walk.schema(input_schema, path, true);
  if (walk.problem) return unexpected(std::move(*walk.problem));
  return std::move(walk.found);
}

std::optional<std::string> param_header_text(const json& value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) return value.get<std::string>();
  return value.dump();  // integers in decimal, booleans as true/false
}

HeaderList modern_headers(std::string_view version, std::string_view method, const json& params,
                          const ParamHeaders& param_headers) {
  HeaderList headers = {{std::string(mcp::kProtocolVersionHeader), std::string(version)},
                        {std::string(mcp::kMethodHeader), encode_header_value(method)}};
  if (const char* member = name_member(method); member != nullptr && params.is_object()) {
    const auto name = params.find(member);
    if (name != params.end() && name->is_string()) {
      headers.emplace_back(std::string(mcp::kNameHeader),
                           encode_header_value(name->get_ref<const std::string&>()));
    }
  }
  if (method != "tools/call" || !params.is_object()) return headers;
  const auto arguments = params.find("arguments");
  if (arguments == params.end()) return headers;
  for (const auto& annotation : param_headers) {
    const json* value = value_at(*arguments, annotation.path);
    if (value == nullptr) continue;
    if (auto text = param_header_text(*value)) {
      headers.emplace_back(std::string(mcp::kParamHeaderPrefix) + annotation.name,
                           encode_header_value(*text));
    }
  }
  return headers;
}

HttpRequest modern_post(std::string_view version, const json& message,
                        const ParamHeaders& param_headers, std::string path) {
  HeaderList headers = mcp_post_headers();
  const auto method = message.is_object() ? message.find("method") : message.end();
  const auto params = message.is_object() ? message.find("params") : message.end();
  const std::string method_text =
      method != message.end() && method->is_string() ? method->get<std::string>() : "";
  for (auto& field : modern_headers(version, method_text,
                                    params != message.end() ? *params : json(), param_headers)) {
    headers.push_back(std::move(field));
  }
  return {"POST", std::move(path), std::move(headers),
          message.dump(-1, ' ', false, json::error_handler_t::replace)};
}

void remove_header(HeaderList& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& field) { return iequals(field.first, name); });
}

void set_header(HeaderList& headers, std::string_view name, std::string value) {
  for (auto it = headers.begin(); it != headers.end(); ++it) {
    if (iequals(it->first, name)) {
      it->second = std::move(value);
      headers.erase(std::remove_if(std::next(it), headers.end(),
                                   [&](const auto& field) { return iequals(field.first, name); }),
                    headers.end());
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

}  // namespace mcpgym::harness
