#pragma once
// What a conformance check is and what it yields. A check enforces one rule of
// docs/spec.md; it never asserts: it returns an Outcome (the rule held, was
// broken, does not apply, or could not be judged) with what was expected and
// what came, and the runner turns that into a verdict by the rule's level.
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rollout/control_plane_form.hpp"

namespace mcpgym::conformance {

enum class Level { kMust, kShould, kMay };
enum class Verdict { kPass, kFail, kWarn, kSkip, kError };

std::string_view level_name(Level level);        // "MUST", "SHOULD", "MAY"
std::string_view verdict_name(Verdict verdict);  // "pass", "fail", "warn", "skip", "error"

// What the implementation under test is (docs/conformance.md, "Profiles").
enum class ProfileKind { kBackend, kProxy, kMcp };
std::string_view profile_kind_name(ProfileKind kind);  // "backend", "proxy", "mcp"

// Optional features (docs/spec.md "Features"). Which exist depends on the
// game: its driver says (GameDriver::features).
enum class Feature { kSlippery, kTruncation, kGymnasiumMaps, k8x8 };
std::string_view feature_name(
    Feature feature);  // "slippery", "truncation", "gymnasium-maps", "8x8"
std::optional<Feature> parse_feature(std::string_view name);

// The control-plane forms a profile offers: the harness's type, so checks hand
// a profile's form to rollouts as it is.
using ControlPlane = harness::ControlPlaneForm;
std::string_view control_plane_name(ControlPlane form);  // "resources", "http"

enum class Transport { kHttp, kStdio };

// The MCP era a check judges (docs/conformance.md "Eras"): the legacy era
// (initialize and sessions), the modern one (MCP 2026-07-28: per-request
// `_meta`, no session), or both when its rule holds in both.
enum class CheckEra { kLegacy, kModern, kBoth };
std::string_view check_era_name(CheckEra era);  // "legacy", "modern", "both"

// The wire convention an implementation follows (docs/spec.md "Conventions"):
// --convention, profile key "convention".
enum class Convention {
  kMcpgym,        // docs/spec.md as written
  kEvalProtocol,  // eval-protocol's MCP-Gym: client-minted keys, /control/* by key (EVP-*)
};

// When a check applies. A check whose needs the profile does not meet is
// skipped with a reason naming what is missing.
struct Needs {
  std::set<ProfileKind> kinds;         // empty: every kind
  std::set<Feature> features;          // all must be claimed
  std::set<ControlPlane> control;      // at least one must be offered; empty: any
  std::optional<Transport> transport;  // unset: any transport
  // Needs a model of the game (conformance/games/driver.hpp): skipped, saying
  // so, for a game the suite does not know.
  bool model = false;
  // The games it is written for (their maps or rules); empty: every game.
  std::set<std::string> games = {};
  // The era it judges; skipped, saying why, when the run does not judge it.
  CheckEra era = CheckEra::kLegacy;
  // The convention whose rule it judges; unset: a rule of both. A rule the
  // other convention replaces (docs/spec.md "Conventions", first table) is
  // skipped, saying so.
  std::optional<Convention> convention = std::nullopt;
};

// Profile kinds that serve a game's environment (every check that steps one).
inline const std::set<ProfileKind> kGymKinds = {ProfileKind::kBackend, ProfileKind::kProxy};

// The result of running a check's body.
struct Outcome {
  enum class Kind { kHeld, kBroken, kNotApplicable, kCouldNotRun };
  Kind kind = Kind::kHeld;
  std::string expected;
  std::string actual;
  std::vector<std::string> details;  // the exchanges that decided it, most telling first

  static Outcome held(std::string expected, std::string actual);
  static Outcome broken(std::string expected, std::string actual);
  static Outcome not_applicable(std::string reason);
  static Outcome could_not_run(std::string why);
  Outcome&& with(std::string detail) &&;
};

class Context;

struct Check {
  std::string id;       // stable, "<area>.<name>", e.g. "headers.accept-missing"
  std::string spec_id;  // the docs/spec.md rule, e.g. "HTTP-003"
  Level level = Level::kMust;
  std::string rule;  // the rule's words, quoted from docs/spec.md
  Needs needs;
  // Run in a newly started implementation (a spawned target is restarted first).
  bool fresh_process = false;
  std::function<Outcome(Context&)> run;
  // The sessions it opens at most. Behind a proxy each one starts a backend
  // process, so its deadline grows with them (Runner::deadline_for).
  int sessions = 0;

  std::string area() const;  // the part of id before the first '.'
};

struct CheckResult {
  std::string id;
  std::string spec_id;
  Level level = Level::kMust;
  Verdict verdict = Verdict::kPass;
  std::string expected;
  std::string actual;
  std::vector<std::string> details;
  std::chrono::milliseconds duration{0};
  // Set when an expected-failures baseline listed this check (see baseline.hpp).
  bool baselined = false;
};

// pass/fail/warn from an outcome and a level: a broken MUST fails, a broken
// SHOULD warns, a broken MAY passes (MAY never fails).
Verdict verdict_for(Outcome::Kind kind, Level level);

// Every check of every area, in report order (lifecycle, headers, sessions,
// ...). Ids are unique; the registry test proves it.
const std::vector<Check>& all_checks();

}  // namespace mcpgym::conformance
