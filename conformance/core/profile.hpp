#pragma once
// The implementation under test, as the user describes it: what kind of server
// it is, how to reach it, which control-plane forms and optional features it
// claims (docs/spec.md "Features"). Given as flags or as the same thing in a
// JSON file (docs/conformance.md shows one); both end up here.
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "common/expected.hpp"
#include "conformance/core/check.hpp"

namespace mcpgym::conformance {

using json = nlohmann::json;

class GameDriver;  // conformance/games/driver.hpp

enum class LaunchMode {
  kSpawn,  // `command` is a template with {port} (and {seed}, {config}, {backend}); the suite
           // starts it
  kUrl,    // `url` names a server that is already running
  kStdio,  // `command` is started once per MCP session, spoken to over stdin/stdout
};

// The eras a run judges (--era, profile key "era"; docs/conformance.md "Eras").
enum class EraChoice {
  kLegacy,  // sessions opened with initialize: the checks of before the modern era
  kModern,  // MCP 2026-07-28 only
  kBoth,    // both, on one endpoint (MODERN-001)
  kAuto,    // the suite asks the server (server/discover, then initialize)
};
std::string_view era_choice_name(EraChoice era);  // "legacy", "modern", "both", "auto"
// "legacy" | "modern" | "both" | "auto"; anything else is a profile error naming it.
Expected<EraChoice, std::string> parse_era_choice(std::string_view text);

// The wire convention the implementation follows (--convention, profile key
// "convention"; docs/spec.md "Conventions", docs/conformance.md "Validating an
// eval-protocol MCP-Gym server").
// Convention (check.hpp): the wire convention.
std::string_view convention_name(Convention convention);  // "mcpgym", "eval-protocol"
// "mcpgym" | "eval-protocol"; anything else is a profile error naming it.
Expected<Convention, std::string> parse_convention(std::string_view text);

struct Profile {
  std::string name = "implementation";  // shown in reports
  ProfileKind kind = ProfileKind::kBackend;
  LaunchMode launch = LaunchMode::kSpawn;
  std::string command;
  std::string url;
  std::set<ControlPlane> control = {ControlPlane::kResources};
  std::set<Feature> features;
  // The game it serves ("frozenlake", "cliffwalking", "taxi"); empty: the suite
  // recognises it from the data-plane tool in tools/list.
  std::string game;
  // A proxy's live-session limit, when it has one the suite may reach (PROXY-008).
  std::optional<int> max_envs;
  // A proxy's session idle timeout, when the suite may wait for it (PROXY-011's idle expiry).
  std::optional<std::chrono::milliseconds> idle_timeout;
  // Where a spawned implementation starts; unset: the suite's working directory.
  std::optional<std::filesystem::path> working_directory;
  // How a spawned HTTP implementation says it is ready: a stdout line matching
  // this pattern (capture group 1, if any, is the URL), or, when empty, the
  // first initialize that succeeds on http://127.0.0.1:{port}/mcp.
  std::string ready_pattern = R"(listening on (http://\S+))";
  std::chrono::milliseconds ready_timeout{10'000};
  // The eras to judge; auto asks the server.
  EraChoice era = EraChoice::kAuto;
  // The convention to judge it by; under eval-protocol every session the
  // suite opens carries a key minted as eval-protocol's client mints it.
  Convention convention = Convention::kMcpgym;

  bool claims(Feature feature) const { return features.count(feature) != 0; }
  bool offers(ControlPlane form) const { return control.count(form) != 0; }
  bool is_gym() const { return kind != ProfileKind::kMcp; }
  // The placeholder values a spawned command needs besides {port}: {seed} and
  // {config} get a fixed seed and "{}", {backend} the suite's instrumented backend.
  json to_json() const;
};

// Errors start with [mcpgym.conform.bad_profile] and name the field:
// an unknown key, a wrong type, an unknown kind/feature/form/game, a feature
// the named game does not have, a spawn command
// without {port}, a proxy command without {backend}, none or several of
// command/url/stdio.
Expected<Profile, std::string> profile_from_json(const json& document);
Expected<Profile, std::string> read_profile_file(const std::filesystem::path& path);
// The same on the file's text already in memory; `source` stands for the path
// in errors. The text is parsed with mcpgym::parse_json (bounded depth and size).
Expected<Profile, std::string> parse_profile_text(std::string_view text, const std::string& source);
// Checks the invariants profile_from_json checks, for profiles built from flags.
Expected<void, std::string> validate_profile(const Profile& profile);

// "slippery,truncation" -> the set; an unknown name is an error naming it.
Expected<std::set<Feature>, std::string> parse_features(std::string_view list);
// The claimed features the game lacks, as a profile error naming the game's
// features; nothing when it has them all. For profiles whose game the suite
// recognised, too.
Expected<void, std::string> validate_features_for(const std::set<Feature>& features,
                                                  const GameDriver& game);

// "resources" | "http" | "both".
Expected<std::set<ControlPlane>, std::string> parse_control_planes(std::string_view text);

}  // namespace mcpgym::conformance
