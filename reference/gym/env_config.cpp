#include "reference/gym/env_config.hpp"

#include <array>
#include <cmath>
#include <string>

#include "common/error_ids.hpp"
#include "common/protocol.hpp"
#include "common/random_id.hpp"
#include "games/frozenlake/random_map.hpp"

namespace mcpgym::gym {

namespace {

using mcp::json;
using mcp::RpcError;

constexpr std::array<std::string_view, 6> kConfigKeys = {
    "desc", "is_slippery", "map_name", "max_episode_steps", "p", "size"};

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

Expected<std::uint64_t, RpcError> read_seed(const json& value) {
  const bool integral =
      value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0);
  if (!integral || value.get<std::uint64_t>() > kMaxSeed) {
    return unexpected(invalid(err::kInvalidSeed, "clientInfo._extra.seed",
                              "clientInfo._extra.seed must be an integer from 0 to " +
                                  std::to_string(kMaxSeed) + " (2^53-1); got " +
                                  mcp::describe(value)));
  }
  return value.get<std::uint64_t>();
}

Expected<int, RpcError> read_int(const json& value, const std::string& key, int min, int max) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < min ||
      value.get<std::int64_t>() > max) {
    return unexpected(bad_value(
        key, "an integer from " + std::to_string(min) + " to " + std::to_string(max), value));
  }
  return static_cast<int>(value.get<std::int64_t>());
}

struct ConfigValues {
  int size = 4;
  double p = 0.8;
  bool is_slippery = false;
  std::optional<int> max_episode_steps;
  std::optional<std::vector<std::string>> desc;
  bool size_given = false;
};

Expected<ConfigValues, RpcError> read_config(const json& config) {
  if (!config.is_object())
    return unexpected(bad_value("clientInfo._extra.config", "an object", config));
  for (const auto& [key, value] : config.items()) {
    bool known = false;
    for (auto k : kConfigKeys)
      known = known || k == key;
    if (!known) {
      return unexpected(invalid(err::kUnknownConfigKey, "config." + key,
                                "unknown config key config." + mcp::excerpt(key) +
                                    "; known keys: desc, is_slippery, map_name, "
                                    "max_episode_steps, p, size"));
    }
  }
  ConfigValues out;
  if (const json* v = member(config, "map_name")) {
    if (*v == "4x4")
      out.size = 4;
    else if (*v == "8x8")
      out.size = 8;
    else
      return unexpected(bad_value("config.map_name", "\"4x4\" or \"8x8\"", *v));
  }
  if (const json* v = member(config, "size")) {
    auto size = read_int(*v, "config.size", frozenlake::kMinMapSize, frozenlake::kMaxMapSize);
    if (!size) return unexpected(size.error());
    out.size = *size;
    out.size_given = true;
  }
  if (const json* v = member(config, "p")) {
    if (!v->is_number() || !(v->get<double>() >= 0.0 && v->get<double>() <= 1.0)) {
      return unexpected(bad_value("config.p", "a number from 0 to 1", *v));
    }
    out.p = v->get<double>();
  }
  if (const json* v = member(config, "is_slippery")) {
    if (!v->is_boolean()) return unexpected(bad_value("config.is_slippery", "true or false", *v));
    out.is_slippery = v->get<bool>();
  }
  if (const json* v = member(config, "max_episode_steps")) {
    auto steps = read_int(*v, "config.max_episode_steps", 1, 1'000'000'000);
    if (!steps) return unexpected(steps.error());
    out.max_episode_steps = *steps;
  }
  if (const json* v = member(config, "desc")) {
    bool rows_are_strings = v->is_array();
    for (const auto& row : *v)
      rows_are_strings = rows_are_strings && row.is_string();
    if (!rows_are_strings) {
      return unexpected(bad_value("config.desc",
                                  "an array of row strings such as [\"SFFF\", "
                                  "\"FHFH\", \"FFFH\", \"HFFG\"]",
                                  *v));
    }
    out.desc = v->get<std::vector<std::string>>();
  }
  return out;
}

Expected<frozenlake::Map, RpcError> build_map(const ConfigValues& c, std::uint64_t seed) {
  if (c.desc) {
    auto parsed = frozenlake::Map::from_rows(*c.desc);
    if (auto* why = std::get_if<std::string>(&parsed)) {
      return unexpected(invalid(err::kInvalidConfigValue, "config.desc",
                                "config.desc is not a valid map: " + *why));
    }
    auto map = std::get<frozenlake::Map>(std::move(parsed));
    if (c.size_given && map.size() != c.size) {
      return unexpected(invalid(err::kInvalidConfigValue, "config.size",
                                "config.size is " + std::to_string(c.size) +
                                    " but config.desc has " + std::to_string(map.size()) +
                                    " rows; give one or make them agree"));
    }
    return map;
  }
  auto map = frozenlake::generate_random_map(c.size, c.p, seed);
  if (!map) {
    return unexpected(invalid(err::kNoValidMap, "config.p",
                              "no " + std::to_string(c.size) + "x" + std::to_string(c.size) +
                                  " map with a path from S to G was found in " +
                                  std::to_string(frozenlake::kDefaultMaxMapAttempts) +
                                  " boards with config.p = " + mcp::excerpt(json(c.p).dump()) +
                                  "; raise config.p or give config.desc"));
  }
  return *std::move(map);
}

}  // namespace

Expected<EnvSpec, RpcError> env_spec_from_initialize(const json& params,
                                                     std::optional<std::uint64_t> server_seed) {
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
  std::optional<std::uint64_t> seed = server_seed;
  ConfigValues config;
  if (extra != nullptr) {
    if (const json* s = member(*extra, "seed")) {
      auto parsed = read_seed(*s);
      if (!parsed) return unexpected(parsed.error());
      seed = *parsed;
    }
    if (const json* c = member(*extra, "config")) {
      auto parsed = read_config(*c);
      if (!parsed) return unexpected(parsed.error());
      config = *parsed;
    }
  }
  const std::uint64_t chosen = seed ? *seed : random_below_or_equal(kMaxSeed);
  auto map = build_map(config, chosen);
  if (!map) return unexpected(map.error());
  return EnvSpec{chosen, *std::move(map), config.is_slippery, config.max_episode_steps};
}

}  // namespace mcpgym::gym
