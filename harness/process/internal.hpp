#pragma once
// Helpers shared by the supervisor's sources (not part of its interface).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgym::harness::internal {

// A word as a POSIX shell would need it quoted ('...' unless plain).
std::string shell_quote(std::string_view word);

// An argv as it appears in messages: 'prog arg '\''with quote'\'''.
std::string display_command(const std::vector<std::string>& argv);

}  // namespace mcpgym::harness::internal
