#pragma once
// The Game (game.hpp) boilerplate every game module shares, so a module holds
// only what is its own: a GameInfo, a reader that turns a session's config
// (and seed) into the module's settings, and a GameEnv built from them. Also
// the config reading every module needs: null meaning absent, a refusal in
// CONF-002's words, a boolean key. Every module uses it, e.g.
// Taxi:
//   const Game& taxi_game() {
//     static const ModuleGame<TaxiEnv, TaxiSettings> game(make_info(), read_settings);
//     return game;
//   }
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/error_ids.hpp"
#include "reference/gym/game.hpp"

namespace mcpgym::gym {

// `config[key]`, or nullptr when it is absent or null: Python clients send
// None for "use the default".
inline const json* config_member(const json& config, std::string_view key) {
  if (!config.is_object()) return nullptr;
  const auto it = config.find(key);
  return it == config.end() || it->is_null() ? nullptr : &*it;
}

// CONF-002's refusal of a bad value: "<key> must be <expected>; got <what came>".
inline ConfigError bad_config_value(const std::string& key, std::string_view expected,
                                    const json& got) {
  return {err::kInvalidConfigValue, key,
          key + " must be " + std::string(expected) + "; got " + describe(got)};
}

// The boolean config key `key` ("is_slippery"), `fallback` when absent or null.
inline Expected<bool, ConfigError> read_config_bool(const json& config, std::string_view key,
                                                    bool fallback) {
  const json* value = config_member(config, key);
  if (!value) return fallback;
  if (!value->is_boolean()) {
    return unexpected(bad_config_value("config." + std::string(key), "true or false", *value));
  }
  return value->get<bool>();
}

// The tool's outputSchema for an observation of `fields` (name and JSON type,
// in order) and the "action" the application adds: an object requiring them all.
inline json observation_schema(const std::vector<std::pair<std::string, std::string>>& fields) {
  json properties = json::object();
  json required = json::array();
  for (const auto& [name, type] : fields) {
    properties[name] = {{"type", type}};
    required.push_back(name);
  }
  properties["action"] = {{"type", "string"}};
  required.push_back("action");
  return {{"type", "object"}, {"properties", properties}, {"required", required}};
}

// A Game whose environments are `Env`s made from the `Settings` that `read`
// takes from a session's config and seed; a refusal from `read` is the
// session's refusal. `Env` is constructible as
// Env(Settings&&, std::uint64_t seed, const std::set<std::string>& faults).
template <class Env, class Settings>
class ModuleGame final : public Game {
 public:
  using Reader = Expected<Settings, ConfigError> (*)(const json& config, std::uint64_t seed);

  ModuleGame(GameInfo info, Reader read) : info_(std::move(info)), read_(read) {}

  const GameInfo& info() const override { return info_; }

  Expected<std::unique_ptr<GameEnv>, ConfigError> make(
      const json& config, std::uint64_t seed, const std::set<std::string>& faults) const override {
    auto settings = read_(config, seed);
    if (!settings) return unexpected(settings.error());
    return std::unique_ptr<GameEnv>(std::make_unique<Env>(std::move(*settings), seed, faults));
  }

 private:
  GameInfo info_;
  Reader read_;
};

}  // namespace mcpgym::gym
