#pragma once
// Bounded, escaped renderings of JSON values and raw text for error messages
// and divergences (internal to the record library).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace mcpgym::harness::record_detail {

inline constexpr std::size_t kExcerptBytes = 80;

// `text` in double quotes, with '"', '\\' and control characters escaped
// JSON-style and bytes that are not valid UTF-8 shown as \xNN.
std::string quote(std::string_view text);

// `value` as compact JSON (keys sorted), cut after about `budget` bytes with
// "..." appended. Never descends deeper than `budget` levels.
std::string excerpt(const nlohmann::json& value, std::size_t budget = kExcerptBytes);

// A quoted window of at most `budget` bytes of `text` that contains byte
// `around` when the whole text does not fit; "..." outside the quotes marks
// each cut end.
std::string window(std::string_view text, std::size_t around, std::size_t budget = kExcerptBytes);

// Windows of two different strings around their first differing byte.
std::pair<std::string, std::string> windows_of_difference(std::string_view a, std::string_view b,
                                                          std::size_t budget = kExcerptBytes);

// The nesting depth of `value`: 0 for a scalar, 1 for [] or {}, ... Iterative;
// stops counting once past `limit`.
int depth(const nlohmann::json& value, int limit);

}  // namespace mcpgym::harness::record_detail
