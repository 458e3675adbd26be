#include "reference/gym/session_config.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "common/error_ids.hpp"
#include "common/random_id.hpp"

namespace mcpgym::gym {

namespace {

using mcp::json;
using mcp::RpcError;

// The application's own config key; every other one belongs to the game.
constexpr std::string_view kMaxEpisodeSteps = "max_episode_steps";

RpcError invalid(std::string_view error_id, const std::string& key, const std::string& text) {
  return mcp::rpc_error(mcp::code::kInvalidParams, error_id, "Invalid params: " + text,
                        json{{"key", key}});
}

RpcError bad_value(const std::string& key, std::string_view expected, const json& got) {
  return invalid(err::kInvalidConfigValue, key,
                 key + " must be " + std::string(expected) + "; got " + mcp::describe(got));
}

// null and absent both mean "use the default", as Python clients send None.
const json* member(const json& object, std::string_view key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

// `key` names the seed where the request carries it: "clientInfo._extra.seed"
// at a legacy initialize, "seed" in env_create's arguments.
Expected<std::uint64_t, RpcError> read_seed(const json& value, const std::string& key) {
  const bool integral =
      value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0);
  if (!integral || value.get<std::uint64_t>() > kMaxSeed) {
    return unexpected(invalid(err::kInvalidSeed, key,
                              key + " must be an integer from 0 to " + std::to_string(kMaxSeed) +
                                  " (2^53-1); got " + mcp::describe(value)));
  }
  return value.get<std::uint64_t>();
}

// The keys a config may hold, sorted as the refusal lists them.
std::vector<std::string> known_keys(const GameInfo& info) {
  std::vector<std::string> keys = info.config_keys;
  keys.emplace_back(kMaxEpisodeSteps);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// CONF-002: a key neither the game's nor the application's is refused before
// any value is checked.
std::optional<RpcError> unknown_key(const json& config, const GameInfo& info) {
  const auto keys = known_keys(info);
  for (const auto& [key, value] : config.items()) {
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    std::string known;
    for (const auto& k : keys)
      known += (known.empty() ? "" : ", ") + k;
    return invalid(err::kUnknownConfigKey, "config." + key,
                   "unknown config key config." + mcp::excerpt(key) + "; known keys: " + known);
  }
  return std::nullopt;
}

Expected<std::optional<int>, RpcError> read_max_episode_steps(const json& config) {
  const json* v = member(config, kMaxEpisodeSteps);
  if (v == nullptr) return std::optional<int>();
  constexpr std::int64_t kMax = 1'000'000'000;
  if (!v->is_number_integer() || v->get<std::int64_t>() < 1 || v->get<std::int64_t>() > kMax) {
    return unexpected(
        bad_value("config.max_episode_steps", "an integer from 1 to " + std::to_string(kMax), *v));
  }
  return std::optional<int>(static_cast<int>(v->get<std::int64_t>()));
}

// What Game::make sees: the config without the application's key.
json game_config(const json* config) {
  json out = config == nullptr ? json::object() : *config;
  out.erase(std::string(kMaxEpisodeSteps));
  return out;
}

// The envelope's seed and config wherever they sit: `holder` is the object
// holding "seed" and "config" (clientInfo._extra, env_create's arguments; null
// when absent) and `prefix` how messages name its members.
Expected<SessionSetup, RpcError> setup_from(const Game& game, const json* holder,
                                            const std::string& prefix,
                                            std::optional<std::uint64_t> server_seed,
                                            const std::set<std::string>& game_faults) {
  std::optional<std::uint64_t> seed = server_seed;
  const json* config = nullptr;
  if (holder != nullptr) {
    if (const json* s = member(*holder, "seed")) {
      auto parsed = read_seed(*s, prefix + "seed");
      if (!parsed) return unexpected(parsed.error());
      seed = *parsed;
    }
    config = member(*holder, "config");
  }
  if (config != nullptr) {
    if (!config->is_object()) return unexpected(bad_value(prefix + "config", "an object", *config));
    if (auto refused = unknown_key(*config, game.info())) return unexpected(*std::move(refused));
  }
  const std::uint64_t chosen = seed ? *seed : random_below_or_equal(kMaxSeed);
  auto env = game.make(game_config(config), chosen, game_faults);
  if (!env) {
    const ConfigError& e = env.error();
    return unexpected(invalid(e.id, e.key, e.text));
  }
  std::optional<int> max_steps;
  if (config != nullptr) {
    auto read = read_max_episode_steps(*config);
    if (!read) return unexpected(read.error());
    max_steps = *read;
  }
  return SessionSetup{chosen, max_steps, std::move(*env)};
}

}  // namespace

Expected<SessionSetup, RpcError> session_from_initialize(const Game& game, const json& params,
                                                         std::optional<std::uint64_t> server_seed,
                                                         const std::set<std::string>& game_faults) {
  const json* client_info = member(params, "clientInfo");
  const json* extra = nullptr;
  if (client_info != nullptr) {
    if (!client_info->is_object())
      return unexpected(bad_value("clientInfo", "an object", *client_info));
    extra = member(*client_info, "_extra");
  }
  if (extra != nullptr && !extra->is_object()) {
    return unexpected(bad_value("clientInfo._extra", "an object", *extra));
  }
  return setup_from(game, extra, "clientInfo._extra.", server_seed, game_faults);
}

Expected<SessionSetup, RpcError> environment_from_arguments(
    const Game& game, const json& arguments, std::optional<std::uint64_t> server_seed,
    const std::set<std::string>& game_faults) {
  return setup_from(game, &arguments, "", server_seed, game_faults);
}

}  // namespace mcpgym::gym
