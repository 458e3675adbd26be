#pragma once
// Parsing JSON that comes from outside (a client, an implementation under
// test, a recording, a profile): never throws, and rejects text that is too
// large or nests too deeply *before* any tree is built. nlohmann::json copies,
// dumps and compares values recursively, so a value that passed these limits
// can be walked safely; one that did not is never built at all.
//
// Every parse of untrusted JSON in this project goes through parse_json();
// tests/lint fails the build's tests on a bare json::parse outside this file.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace mcpgym {

struct JsonLimits {
  // Bytes of JSON text. Larger text is refused without being parsed.
  std::size_t max_bytes = 16 * 1024 * 1024;
  // Arrays and objects nested inside each other: `{}` is depth 1, `[{}]` 2.
  // Real MCP messages stay far below; 100,000 nested arrays exhaust the stack
  // of any recursive walk.
  std::size_t max_depth = 128;
};

enum class JsonProblem {
  kTooLarge,  // [mcpgym.json.too_large]
  kTooDeep,   // [mcpgym.json.too_deep]
  kInvalid,   // [mcpgym.json.invalid]: not JSON at all
};

struct JsonError {
  JsonProblem problem = JsonProblem::kInvalid;
  // "[mcpgym.json.too_deep] the JSON text nests deeper than 128 levels (at byte 129); ..."
  std::string message;
};

// The JSON value of `text`, or why it was refused.
Expected<nlohmann::json, JsonError> parse_json(std::string_view text,
                                               const JsonLimits& limits = {});

// parse_json for callers that only ask "is it JSON?": the value, or a
// discarded value (is_discarded()) when the text was refused for any reason.
nlohmann::json parse_json_or_discarded(std::string_view text, const JsonLimits& limits = {});

// A short rendering of an untrusted JSON value for messages: scalars as JSON
// (invalid UTF-8 replaced, then excerpt()), arrays and objects only by kind
// and size, because serializing them recurses once per nesting level and a
// hostile value nests a hundred thousand deep.
// "an array of 2 element(s)", "an object with 1 member(s)", "\"x\"", "42".
std::string describe(const nlohmann::json& value);

// The deepest nesting of arrays and objects in `text` (strings skipped),
// scanning no further than the first point where it exceeds `stop_above`.
// Linear, no recursion, no allocation; the text need not be valid JSON.
struct NestingScan {
  std::size_t depth = 0;        // the deepest level seen (capped at stop_above + 1)
  std::size_t exceeded_at = 0;  // byte offset where depth first exceeded stop_above
  bool exceeded = false;
};
NestingScan scan_nesting(std::string_view text, std::size_t stop_above);

}  // namespace mcpgym
