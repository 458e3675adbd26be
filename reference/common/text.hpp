#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace mcpgym {

// A bounded, printable rendering of untrusted text for messages: bytes outside
// printable ASCII become \xNN, and a cut is marked with "...".
std::string excerpt(std::string_view text, std::size_t max_bytes = 120);

}  // namespace mcpgym
