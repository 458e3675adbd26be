#include "reference/gym/session_config.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "common/error_ids.hpp"
#include "common/random_id.hpp"
#include "common/text.hpp"

namespace mcpgym::gym {

namespace {

using mcp::json;
using mcp::RpcError;

// The application's own config keys; every other one belongs to the game.
constexpr std::string_view kMaxEpisodeSteps = "max_episode_steps";
// eval-protocol's dataset rows carry these (EVP-007, EVP-008).
constexpr std::string_view kGameKey = "game";
constexpr std::string_view kSeedKey = "seed";

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

// EVP-007: config.game, when given, names the game this server serves.
std::optional<RpcError> wrong_game(const json& config, const GameInfo& info) {
  const json* game = member(config, kGameKey);
  if (game == nullptr) return std::nullopt;
  if (game->is_string() && iequals(game->get_ref<const std::string&>(), info.name)) {
    return std::nullopt;
  }
  return bad_value("config.game",
                   "the name of the game this server serves, \"" + info.name + "\" (any case)",
                   *game);
}

// EVP-008: the envelope's seed (`seed_name`: clientInfo._extra.seed, or
// env_create's seed) wins; config.seed must agree with it, or is the seed when
// the envelope has none.
Expected<std::optional<std::uint64_t>, RpcError> merge_config_seed(
    std::optional<std::uint64_t> extra_seed, const json& config, const std::string& seed_name) {
  const json* given = member(config, kSeedKey);
  if (given == nullptr) return extra_seed;
  auto seed = read_seed(*given, "config.seed");
  if (!seed) return unexpected(seed.error());
  if (extra_seed && *extra_seed != *seed) {
    return unexpected(invalid(err::kSeedConflict, "config.seed",
                              "config.seed " + std::to_string(*seed) + " differs from " +
                                  seed_name + " " + std::to_string(*extra_seed) +
                                  "; send one seed, or the same in both"));
  }
  return std::optional<std::uint64_t>(*seed);
}

// The keys a config may hold, sorted as the refusal lists them.
std::vector<std::string> known_keys(const GameInfo& info) {
  std::vector<std::string> keys = info.config_keys;
  keys.emplace_back(kMaxEpisodeSteps);
  keys.emplace_back(kGameKey);
  keys.emplace_back(kSeedKey);
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

// What Game::make sees: the config without the application's keys.
json game_config(const json* config) {
  json out = config == nullptr ? json::object() : *config;
  for (const auto key : {kMaxEpisodeSteps, kGameKey, kSeedKey})
    out.erase(std::string(key));
  return out;
}

// The envelope's seed and config wherever they sit: `holder` is the object
// holding "seed" and "config" (clientInfo._extra, env_create's arguments; null
// when absent) and `prefix` how messages name its members.
Expected<SessionSetup, RpcError> setup_from(const Game& game, const json* holder,
                                            const std::string& prefix,
                                            std::optional<std::uint64_t> server_seed,
                                            const std::set<std::string>& game_faults) {
  std::optional<std::uint64_t> client_seed;
  const json* config = nullptr;
  if (holder != nullptr) {
    if (const json* s = member(*holder, "seed")) {
      auto parsed = read_seed(*s, prefix + "seed");
      if (!parsed) return unexpected(parsed.error());
      client_seed = *parsed;
    }
    config = member(*holder, "config");
  }
  if (config != nullptr) {
    if (!config->is_object()) return unexpected(bad_value(prefix + "config", "an object", *config));
    if (auto refused = unknown_key(*config, game.info())) return unexpected(*std::move(refused));
    if (auto refused = wrong_game(*config, game.info())) return unexpected(*std::move(refused));
    auto merged = merge_config_seed(client_seed, *config, prefix + "seed");
    if (!merged) return unexpected(merged.error());
    client_seed = *merged;
  }
  const std::optional<std::uint64_t> seed = client_seed ? client_seed : server_seed;
  const std::uint64_t chosen = seed ? *seed : random_below_or_equal(kMaxSeed);
  json make_config = game_config(config);
  auto env = game.make(make_config, chosen, game_faults);
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
  return SessionSetup{chosen, max_steps, std::move(*env), std::move(make_config)};
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

Expected<std::optional<std::uint64_t>, RpcError> seed_from_reset_body(const json& body) {
  const json* given = member(body, kSeedKey);
  if (given == nullptr) return std::optional<std::uint64_t>();
  auto seed = read_seed(*given, "seed");
  if (!seed) return unexpected(seed.error());
  return std::optional<std::uint64_t>(*seed);
}

Expected<std::unique_ptr<GameEnv>, RpcError> remake_env(const Game& game, const json& config,
                                                        std::uint64_t seed,
                                                        const std::set<std::string>& game_faults) {
  auto env = game.make(config, seed, game_faults);
  if (!env) {
    const ConfigError& e = env.error();
    return unexpected(invalid(e.id, e.key, e.text));
  }
  return std::move(*env);
}

}  // namespace mcpgym::gym
