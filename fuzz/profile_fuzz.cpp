// The suite's profile file (mcpgym-conform --profile-file) and the flags that
// say the same thing: no crash, errors that carry their identifier, and a
// profile accepted from JSON also passes validate_profile.
#include <string>

#include "conformance/core/profile.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::fuzz::starts_with;
namespace conformance = mcpgym::conformance;

constexpr std::string_view kBadProfile = "[mcpgym.conform.bad_profile] ";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = mcpgym::fuzz::as_text(data, size);
  const auto profile = conformance::parse_profile_text(text, "fuzz.json");
  if (profile) {
    require(conformance::validate_profile(*profile).has_value(), "accepted profiles are valid");
    (void)profile->to_json().dump();
  } else {
    require(starts_with(profile.error(), kBadProfile), "error identifier");
  }
  // The same fields given as flags.
  if (const auto features = conformance::parse_features(text); !features) {
    require(starts_with(features.error(), "["), "--features error has an identifier");
  }
  if (const auto planes = conformance::parse_control_planes(text); !planes) {
    require(starts_with(planes.error(), "["), "--control-plane error has an identifier");
  }
  return 0;
}
