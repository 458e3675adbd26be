#pragma once
// Check ids are selected (--only, --exclude) and baselined with shell-style
// globs: '*' matches any run of characters, '?' one character.
#include <string_view>

namespace mcpgym::conformance {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace mcpgym::conformance
