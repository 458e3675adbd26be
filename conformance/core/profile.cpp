#include "conformance/core/profile.hpp"

#include <fstream>
#include <sstream>

#include "common/bounded_json.hpp"
#include "conformance/games/driver.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::conformance {
namespace {

std::string bad(const std::string& why) {
  return "[mcpgym.conform.bad_profile] " + why;
}

Expected<ProfileKind, std::string> parse_kind(std::string_view text) {
  for (ProfileKind k : {ProfileKind::kBackend, ProfileKind::kProxy, ProfileKind::kMcp}) {
    if (profile_kind_name(k) == text) return k;
  }
  return unexpected(bad("kind: '" + std::string(text) + "' is not backend, proxy or mcp"));
}

// A string field, or an error naming it.
Expected<std::string, std::string> string_field(const json& doc, const char* key) {
  const json& v = doc.at(key);
  if (!v.is_string())
    return unexpected(bad(std::string(key) + ": expected a string, got " + v.dump()));
  return v.get<std::string>();
}

}  // namespace

Expected<std::set<Feature>, std::string> parse_features(std::string_view list) {
  std::set<Feature> features;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    std::string_view word =
        list.substr(start, comma == std::string_view::npos ? list.npos : comma - start);
    while (!word.empty() && word.front() == ' ')
      word.remove_prefix(1);
    while (!word.empty() && word.back() == ' ')
      word.remove_suffix(1);
    if (!word.empty()) {
      auto f = parse_feature(word);
      if (!f) {
        return unexpected(bad("features: unknown feature '" + std::string(word) +
                              "' (known: slippery, truncation, gymnasium-maps, 8x8)"));
      }
      features.insert(*f);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return features;
}

Expected<std::set<ControlPlane>, std::string> parse_control_planes(std::string_view text) {
  if (text == "resources") return std::set<ControlPlane>{ControlPlane::kResources};
  if (text == "http") return std::set<ControlPlane>{ControlPlane::kHttp};
  if (text == "both") return std::set<ControlPlane>{ControlPlane::kResources, ControlPlane::kHttp};
  return unexpected(
      bad("control_plane: '" + std::string(text) + "' is not resources, http or both"));
}

std::string_view era_choice_name(EraChoice era) {
  switch (era) {
    case EraChoice::kLegacy:
      return "legacy";
    case EraChoice::kModern:
      return "modern";
    case EraChoice::kBoth:
      return "both";
    case EraChoice::kAuto:
      return "auto";
  }
  return "?";
}

Expected<EraChoice, std::string> parse_era_choice(std::string_view text) {
  for (EraChoice e : {EraChoice::kLegacy, EraChoice::kModern, EraChoice::kBoth, EraChoice::kAuto}) {
    if (text == era_choice_name(e)) return e;
  }
  return unexpected(bad("era: '" + std::string(text) + "' is not legacy, modern, both or auto"));
}

std::string_view convention_name(Convention convention) {
  return convention == Convention::kEvalProtocol ? "eval-protocol" : "mcpgym";
}

Expected<Convention, std::string> parse_convention(std::string_view text) {
  for (Convention c : {Convention::kMcpgym, Convention::kEvalProtocol}) {
    if (text == convention_name(c)) return c;
  }
  return unexpected(bad("convention: '" + std::string(text) + "' is not mcpgym or eval-protocol"));
}

Expected<void, std::string> validate_profile(const Profile& p) {
  switch (p.launch) {
    case LaunchMode::kSpawn:
      if (p.command.empty()) return unexpected(bad("command: empty"));
      if (!harness::uses_placeholder(p.command, "port")) {
        return unexpected(bad("command: '" + p.command +
                              "' has no {port}; the suite picks the port (write {port} where the "
                              "server takes it, or give --url for a running server)"));
      }
      break;
    case LaunchMode::kStdio:
      if (p.command.empty()) return unexpected(bad("stdio: empty command"));
      if (p.kind == ProfileKind::kProxy) {
        return unexpected(bad("stdio: a proxy is reached over HTTP; give --cmd or --url"));
      }
      break;
    case LaunchMode::kUrl:
      if (p.url.rfind("http://", 0) != 0) {
        return unexpected(bad("url: '" + p.url + "' is not an http:// URL"));
      }
      break;
  }
  if (p.kind == ProfileKind::kProxy && p.launch == LaunchMode::kSpawn &&
      !harness::uses_placeholder(p.command, "backend")) {
    return unexpected(
        bad("command: a proxy command needs {backend}, where the suite puts the "
            "path of its instrumented backend (see docs/conformance.md)"));
  }
  if (p.control.empty()) return unexpected(bad("control_plane: at least one form is needed"));
  if (!p.game.empty()) {
    auto game = driver_named(p.game);
    if (!game) {
      return unexpected(
          bad("game: '" + p.game + "' is not a game the suite knows (" + known_games_text() +
              "); leave it out to have the suite recognise the game from tools/list"));
    }
    if (auto ok = validate_features_for(p.features, *game); !ok) return ok;
  }
  if (p.max_envs && *p.max_envs < 1) return unexpected(bad("max_envs: must be at least 1"));
  return {};
}

Expected<void, std::string> validate_features_for(const std::set<Feature>& features,
                                                  const GameDriver& game) {
  const auto has = game.features();
  for (Feature f : features) {
    if (!has.count(f)) {
      return unexpected(bad("features: '" + std::string(feature_name(f)) +
                            "' does not exist for game " + game.name() +
                            " (its features: " + game.features_text() + ")"));
    }
  }
  return {};
}

Expected<Profile, std::string> profile_from_json(const json& doc) {
  if (!doc.is_object()) return unexpected(bad("the profile must be a JSON object"));
  static const std::set<std::string> known = {"name",           "kind",
                                              "command",        "url",
                                              "stdio",          "control_plane",
                                              "features",       "game",
                                              "max_envs",       "working_directory",
                                              "ready_pattern",  "ready_timeout_ms",
                                              "idle_timeout_ms"};
  static const std::set<std::string> known_since_modern = {"era", "convention"};
  for (const auto& [key, value] : doc.items()) {
    if (!known.count(key) && !known_since_modern.count(key)) {
      return unexpected(bad("unknown key '" + key + "'"));
    }
  }
  Profile p;
  if (doc.contains("name")) {
    auto v = string_field(doc, "name");
    if (!v) return unexpected(v.error());
    p.name = *v;
  }
  if (doc.contains("kind")) {
    auto v = string_field(doc, "kind");
    if (!v) return unexpected(v.error());
    auto k = parse_kind(*v);
    if (!k) return unexpected(k.error());
    p.kind = *k;
  }
  int ways = 0;
  for (const char* key : {"command", "url", "stdio"}) {
    if (!doc.contains(key)) continue;
    ++ways;
    auto v = string_field(doc, key);
    if (!v) return unexpected(v.error());
    if (std::string_view(key) == "url") {
      p.launch = LaunchMode::kUrl;
      p.url = *v;
    } else {
      p.launch = std::string_view(key) == "stdio" ? LaunchMode::kStdio : LaunchMode::kSpawn;
      p.command = *v;
    }
  }
  if (ways != 1) return unexpected(bad("give exactly one of command, url and stdio"));
  if (doc.contains("control_plane")) {
    auto v = string_field(doc, "control_plane");
    if (!v) return unexpected(v.error());
    auto c = parse_control_planes(*v);
    if (!c) return unexpected(c.error());
    p.control = *c;
  }
  if (doc.contains("features")) {
    const json& f = doc["features"];
    if (!f.is_array()) return unexpected(bad("features: expected an array of names"));
    for (const json& name : f) {
      if (!name.is_string()) return unexpected(bad("features: " + name.dump() + " is not a name"));
      auto parsed = parse_features(name.get<std::string>());
      if (!parsed) return unexpected(parsed.error());
      p.features.insert(parsed->begin(), parsed->end());
    }
  }
  if (doc.contains("game")) {
    auto v = string_field(doc, "game");
    if (!v) return unexpected(v.error());
    p.game = *v;
  }
  if (doc.contains("max_envs")) {
    if (!doc["max_envs"].is_number_integer())
      return unexpected(bad("max_envs: expected an integer"));
    p.max_envs = doc["max_envs"].get<int>();
  }
  if (doc.contains("working_directory")) {
    auto v = string_field(doc, "working_directory");
    if (!v) return unexpected(v.error());
    p.working_directory = *v;
  }
  if (doc.contains("ready_pattern")) {
    auto v = string_field(doc, "ready_pattern");
    if (!v) return unexpected(v.error());
    p.ready_pattern = *v;
  }
  if (doc.contains("ready_timeout_ms")) {
    const json& t = doc["ready_timeout_ms"];
    if (!t.is_number_integer() || t.get<long long>() < 1) {
      return unexpected(bad("ready_timeout_ms: expected a positive integer"));
    }
    p.ready_timeout = std::chrono::milliseconds(t.get<long long>());
  }
  if (doc.contains("idle_timeout_ms")) {
    const json& t = doc["idle_timeout_ms"];
    if (!t.is_number_integer() || t.get<long long>() < 1) {
      return unexpected(bad("idle_timeout_ms: expected a positive integer"));
    }
    p.idle_timeout = std::chrono::milliseconds(t.get<long long>());
  }
  if (doc.contains("era")) {
    auto v = string_field(doc, "era");
    if (!v) return unexpected(v.error());
    auto e = parse_era_choice(*v);
    if (!e) return unexpected(e.error());
    p.era = *e;
  }
  if (doc.contains("convention")) {
    auto v = string_field(doc, "convention");
    if (!v) return unexpected(v.error());
    auto c = parse_convention(*v);
    if (!c) return unexpected(c.error());
    p.convention = *c;
  }
  auto valid = validate_profile(p);
  if (!valid) return unexpected(valid.error());
  return p;
}

Expected<Profile, std::string> read_profile_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return unexpected(bad("cannot read " + path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return parse_profile_text(text.str(), path.string());
}

Expected<Profile, std::string> parse_profile_text(std::string_view text,
                                                  const std::string& source) {
  auto doc = parse_json(text);
  if (!doc) {
    if (doc.error().problem == JsonProblem::kInvalid) return unexpected(bad(source + ": not JSON"));
    return unexpected(bad(source + ": " + doc.error().message));
  }
  auto p = profile_from_json(*doc);
  if (!p) return unexpected(p.error() + " (in " + source + ")");
  return p;
}

json Profile::to_json() const {
  json j = {{"name", name}, {"kind", profile_kind_name(kind)}};
  if (launch == LaunchMode::kUrl)
    j["url"] = url;
  else
    j[launch == LaunchMode::kStdio ? "stdio" : "command"] = command;
  j["control_plane"] = control.size() == 2           ? "both"
                       : offers(ControlPlane::kHttp) ? "http"
                                                     : "resources";
  json f = json::array();
  for (Feature feature : features)
    f.push_back(feature_name(feature));
  j["features"] = f;
  if (!game.empty()) j["game"] = game;
  if (max_envs) j["max_envs"] = *max_envs;
  if (working_directory) j["working_directory"] = working_directory->string();
  j["ready_pattern"] = ready_pattern;
  j["ready_timeout_ms"] = ready_timeout.count();
  if (idle_timeout) j["idle_timeout_ms"] = idle_timeout->count();
  if (era != EraChoice::kAuto) j["era"] = era_choice_name(era);  // auto: the default, unsaid
  if (convention != Convention::kMcpgym) j["convention"] = convention_name(convention);
  return j;
}

}  // namespace mcpgym::conformance
