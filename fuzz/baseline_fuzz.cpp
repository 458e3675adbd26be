// Expected-failures baselines (mcpgym-conform --baseline) on arbitrary files:
// no crash, errors that carry their identifier, and the glob matcher that
// applies each entry agreeing with a plain recursive definition of globs.
#include <string>

#include "conformance/core/baseline.hpp"
#include "conformance/core/glob.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::fuzz::starts_with;
namespace conformance = mcpgym::conformance;

// '*' any run of characters, '?' one character, anything else itself.
// Exponential in the worst case, so only called on short strings.
bool glob_by_definition(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (std::size_t skip = 0; skip <= text.size(); ++skip) {
      if (glob_by_definition(pattern.substr(1), text.substr(skip))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  return (pattern.front() == '?' || pattern.front() == text.front()) &&
         glob_by_definition(pattern.substr(1), text.substr(1));
}

void check_glob(std::string_view pattern, std::string_view text) {
  require(conformance::glob_match(pattern, pattern), "a pattern matches itself");
  if (pattern.size() <= 12 && text.size() <= 16) {
    require(conformance::glob_match(pattern, text) == glob_by_definition(pattern, text),
            "glob_match agrees with the definition");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = mcpgym::fuzz::as_text(data, size);
  const auto baseline = conformance::parse_baseline(text, "fuzz.yml");
  if (!baseline) {
    require(starts_with(baseline.error(), "[mcpgym.conform.bad_baseline] "), "error identifier");
  } else {
    for (const auto& entry : baseline->entries)
      (void)baseline->lists(entry);
  }
  // The glob matcher on raw bytes: the first line is the pattern, the rest the text.
  const std::size_t newline = std::min(text.find('\n'), text.size());
  check_glob(text.substr(0, newline), text.substr(std::min(newline + 1, text.size())));
  return 0;
}
