// The suite's checks, area by area, in report order.
#include <stdlib.h>

#include "conformance/checks/areas.hpp"

namespace mcpgym::conformance {

const std::vector<Check>& all_checks() {
  static const std::vector<Check> checks = [] {
    // RapidCheck prints "Using configuration: seed=..." to stderr on first
    // use unless RC_PARAMS is set, which would land in the middle of the
    // suite's progress; the property checks pass their own seeds anyway.
    ::setenv("RC_PARAMS", "verbose_progress=0", /*overwrite=*/0);
    std::vector<Check> all;
    for (auto area : {lifecycle_checks, data_plane_checks, control_plane_checks, stdio_checks,
                      header_checks, session_checks, session_property_checks, proxy_path_checks,
                      proxy_forwarding_checks, proxy_lifetime_checks, proxy_burst_checks,
                      termination_checks, metadata_checks, determinism_checks, modern_checks,
                      handle_checks, proxy_modern_checks, convention_checks}) {
      for (Check& c : area())
        all.push_back(std::move(c));
    }
    return all;
  }();
  return checks;
}

}  // namespace mcpgym::conformance
