#pragma once
// One function per requirement area, each defined in the file named after it.
// The registry (registry.cpp) lists them in report order.
#include <vector>

#include "conformance/core/check.hpp"

namespace mcpgym::conformance {

// What the check files' checks commonly need of a profile.
inline const Needs kAny = {.kinds = {}, .features = {}, .control = {}, .transport = {}};
inline const Needs kGym = {.kinds = kGymKinds, .features = {}, .control = {}, .transport = {}};
inline const Needs kHttpOnly = {
    .kinds = {}, .features = {}, .control = {}, .transport = Transport::kHttp};
inline const Needs kStdioOnly = {
    .kinds = {}, .features = {}, .control = {}, .transport = Transport::kStdio};

std::vector<Check> lifecycle_checks();         // lifecycle.cpp: LIFE-*
std::vector<Check> data_plane_checks();        // data_plane.cpp: DATA-001, DATA-007
std::vector<Check> control_plane_checks();     // control_plane.cpp: CTRL-001, CTRL-008
std::vector<Check> stdio_checks();             // stdio.cpp: STDIO-*
std::vector<Check> header_checks();            // headers.cpp: HTTP-*
std::vector<Check> session_checks();           // sessions.cpp: SESS-*
std::vector<Check> session_property_checks();  // session_property.cpp: RapidCheck interleavings
std::vector<Check> proxy_path_checks();        // proxy_paths.cpp: PROXY-006, PROXY-007
std::vector<Check> proxy_forwarding_checks();  // proxy_forwarding.cpp: PROXY-001..005, 008, 010
std::vector<Check> proxy_lifetime_checks();    // proxy_lifetime.cpp: PROXY-009, 011, 012
std::vector<Check> proxy_burst_checks();       // proxy_burst.cpp: PROXY-013
std::vector<Check> termination_checks();       // termination.cpp: LAKE-006..008, DATA-006, rollouts
std::vector<Check> metadata_checks();          // metadata.cpp: recordings' control-plane metadata
std::vector<Check> determinism_checks();       // determinism.cpp: LAKE-010, SEED-*, model, golden
std::vector<Check> modern_checks();            // modern.cpp: MODERN-*
std::vector<Check> handle_checks();            // handles.cpp: HANDLE-*
std::vector<Check> proxy_modern_checks();      // proxy_modern.cpp: PROXY-014
std::vector<Check> convention_checks();        // conventions.cpp: EVP-*, HTTP-010 on /control/*

}  // namespace mcpgym::conformance
