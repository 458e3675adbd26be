#include "common/bounded_json.hpp"

#include "common/text.hpp"

namespace mcpgym {

NestingScan scan_nesting(std::string_view text, std::size_t stop_above) {
  NestingScan scan;
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        ++depth;
        if (depth > scan.depth) scan.depth = depth;
        if (depth > stop_above) {
          scan.exceeded = true;
          scan.exceeded_at = i;
          return scan;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return scan;
}

Expected<nlohmann::json, JsonError> parse_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return unexpected(JsonError{JsonProblem::kTooLarge,
                                "[mcpgym.json.too_large] the JSON text is " +
                                    std::to_string(text.size()) + " bytes, over the limit of " +
                                    std::to_string(limits.max_bytes) +
                                    " bytes; it was not parsed"});
  }
  const NestingScan scan = scan_nesting(text, limits.max_depth);
  if (scan.exceeded) {
    return unexpected(
        JsonError{JsonProblem::kTooDeep,
                  "[mcpgym.json.too_deep] the JSON text nests arrays and objects deeper than " +
                      std::to_string(limits.max_depth) + " levels (at byte " +
                      std::to_string(scan.exceeded_at) + " of " + std::to_string(text.size()) +
                      "); it was not parsed"});
  }
  // nlohmann's lexer reads a NUL byte as the end of the input and ignores what
  // follows, so "{}\0garbage" would pass. A raw NUL is never valid JSON (not
  // whitespace, and escaped inside strings), so any NUL makes the text invalid.
  const bool has_nul = text.find('\0') != std::string_view::npos;
  nlohmann::json value = has_nul ? nlohmann::json(nlohmann::json::value_t::discarded)
                                 : nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return unexpected(
        JsonError{JsonProblem::kInvalid, "[mcpgym.json.invalid] the text is not JSON"});
  }
  return value;
}

nlohmann::json parse_json_or_discarded(std::string_view text, const JsonLimits& limits) {
  auto value = parse_json(text, limits);
  if (!value) return nlohmann::json(nlohmann::json::value_t::discarded);
  return std::move(value).value();
}

std::string describe(const nlohmann::json& value) {
  if (value.is_array()) return "an array of " + std::to_string(value.size()) + " element(s)";
  if (value.is_object()) return "an object with " + std::to_string(value.size()) + " member(s)";
  return excerpt(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace mcpgym
