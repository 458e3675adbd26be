#pragma once
// Which MCP eras a run judges (docs/conformance.md "Eras"): told by the
// profile (--era legacy|modern|both), or, for auto, found by asking the server
// as MCP 2026-07-28 basic/versioning §Backward Compatibility tells a client to:
// a modern server/discover first, then a legacy initialize.
#include <chrono>
#include <optional>
#include <string>

#include "conformance/core/check.hpp"
#include "conformance/core/profile.hpp"

namespace mcpgym::conformance {

struct EraDecision {
  bool legacy = true;
  bool modern = false;
  // Why an era is not judged (the skip reason of its checks); empty when it is.
  std::string legacy_reason;
  std::string modern_reason;
  // For auto: the answers that decided, one sentence each; empty otherwise.
  std::string probe;

  // Why a check of `era` is skipped, when it is.
  std::optional<std::string> skip_reason(CheckEra era) const;
  // "legacy", "modern" or "legacy and modern".
  std::string judged() const;
};

// The decision a profile's legacy, modern or both choice makes without asking
// the server; nullopt for auto.
std::optional<EraDecision> told_eras(const Profile& profile);

// Asks the running implementation at `url` (HTTP; stdio profiles are judged in
// the legacy era only, saying so). Modern: server/discover with the modern
// envelope answers a result, or a recognised modern error (-32022 with
// data.supported, -32020, -32021). Legacy: an initialize without the modern
// envelope answers a result; asked only when the modern era was found (a
// server found to speak neither is judged as legacy, as before the modern era).
EraDecision probe_eras(const Profile& profile, const std::string& url,
                       std::chrono::milliseconds timeout);

}  // namespace mcpgym::conformance
