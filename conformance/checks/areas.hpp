#pragma once
// One function per requirement area, each defined in the file named after it.
// The registry (registry.cpp) lists them in report order.
#include <vector>

#include "conformance/core/check.hpp"

namespace mcpgym::conformance {

std::vector<Check> lifecycle_checks();         // lifecycle.cpp: LIFE-*, tools/list, resources/list
std::vector<Check> header_checks();            // headers.cpp: HTTP-*
std::vector<Check> session_checks();           // sessions.cpp: SESS-*
std::vector<Check> session_property_checks();  // session_property.cpp: RapidCheck interleavings
std::vector<Check> proxy_path_checks();        // proxy_paths.cpp: PROXY-006, PROXY-007
std::vector<Check> proxy_forwarding_checks();  // proxy_forwarding.cpp: PROXY-001..005, 008, 010
std::vector<Check> termination_checks();       // termination.cpp: LAKE-006..008, DATA-006, rollouts
std::vector<Check> metadata_checks();          // metadata.cpp: recordings' control-plane metadata
std::vector<Check> determinism_checks();       // determinism.cpp: LAKE-010, SEED-*, model, golden

}  // namespace mcpgym::conformance
