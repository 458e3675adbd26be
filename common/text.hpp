#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace mcpgym {

// A bounded, printable rendering of untrusted text for messages: bytes outside
// printable ASCII become \xNN, and a cut is marked with "...".
std::string excerpt(std::string_view text, std::size_t max_bytes = 120);

// `text` with ASCII letters in lower case (other bytes as they are): HTTP
// field names, media types and codings compare case-insensitively.
std::string lower(std::string_view text);

// The media type of a Content-Type (or Accept element) value: parameters
// dropped, optional whitespace trimmed, lower-cased.
// "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(std::string_view content_type);

// excerpt() between two `quote` characters, for messages that name a value:
// "Origin \"evil\"", "'key' given twice".
std::string quoted_excerpt(std::string_view text, char quote = '"', std::size_t max_bytes = 120);

// ASCII case-insensitive equality (HTTP field names, media types, codings).
bool iequals(std::string_view a, std::string_view b);

// `text` without leading and trailing spaces and tabs: HTTP's optional
// whitespace around field values and list elements (RFC 9110 §5.6.3).
std::string_view trim_ows(std::string_view text);

// 0..15 for a hexadecimal digit, -1 for any other byte (chunk sizes).
int hex_digit_value(char c);

}  // namespace mcpgym
