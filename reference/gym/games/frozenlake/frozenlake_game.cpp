#include "reference/gym/games/frozenlake/frozenlake_game.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/error_ids.hpp"
#include "common/text.hpp"
#include "games/frozenlake/frozen_lake.hpp"
#include "games/frozenlake/random_map.hpp"
#include "reference/gym/module_game.hpp"

namespace mcpgym::gym {

namespace {

// Holes that do not end the episode: entering H gives reward 0 without
// terminating, and the agent may move on from the hole.
constexpr std::string_view kNoHoleTermination = "no-hole-termination";

// --- Configuration (CONF-001..003) -------------------------------------------

struct LakeConfig {
  int size = 4;
  double p = 0.8;
  bool is_slippery = false;
  std::optional<std::vector<std::string>> desc;
  bool size_given = false;
};

Expected<int, ConfigError> read_size(const json& value) {
  const auto min = frozenlake::kMinMapSize;
  const auto max = frozenlake::kMaxMapSize;
  if (!value.is_number_integer() || value.get<std::int64_t>() < min ||
      value.get<std::int64_t>() > max) {
    return unexpected(bad_config_value(
        "config.size", "an integer from " + std::to_string(min) + " to " + std::to_string(max),
        value));
  }
  return static_cast<int>(value.get<std::int64_t>());
}

Expected<std::vector<std::string>, ConfigError> read_desc(const json& value) {
  bool rows_are_strings = value.is_array();
  for (const auto& row : value)
    rows_are_strings = rows_are_strings && row.is_string();
  if (!rows_are_strings) {
    return unexpected(bad_config_value("config.desc",
                                       "an array of row strings such as [\"SFFF\", "
                                       "\"FHFH\", \"FFFH\", \"HFFG\"]",
                                       value));
  }
  return value.get<std::vector<std::string>>();
}

// The keys in the order they are checked, so the first bad one is the one reported.
Expected<LakeConfig, ConfigError> read_config(const json& config) {
  LakeConfig out;
  if (const json* v = config_member(config, "map_name")) {
    if (*v == "4x4")
      out.size = 4;
    else if (*v == "8x8")
      out.size = 8;
    else
      return unexpected(bad_config_value("config.map_name", "\"4x4\" or \"8x8\"", *v));
  }
  if (const json* v = config_member(config, "size")) {
    auto size = read_size(*v);
    if (!size) return unexpected(size.error());
    out.size = *size;
    out.size_given = true;
  }
  if (const json* v = config_member(config, "p")) {
    if (!v->is_number() || !(v->get<double>() >= 0.0 && v->get<double>() <= 1.0)) {
      return unexpected(bad_config_value("config.p", "a number from 0 to 1", *v));
    }
    out.p = v->get<double>();
  }
  auto is_slippery = read_config_bool(config, "is_slippery", out.is_slippery);
  if (!is_slippery) return unexpected(is_slippery.error());
  out.is_slippery = *is_slippery;
  if (const json* v = config_member(config, "desc")) {
    auto desc = read_desc(*v);
    if (!desc) return unexpected(desc.error());
    out.desc = std::move(*desc);
  }
  return out;
}

Expected<frozenlake::Map, ConfigError> map_from_desc(const LakeConfig& c) {
  auto parsed = frozenlake::Map::from_rows(*c.desc);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    return unexpected(ConfigError{err::kInvalidConfigValue, "config.desc",
                                  "config.desc is not a valid map: " + *why});
  }
  auto map = std::get<frozenlake::Map>(std::move(parsed));
  if (c.size_given && map.size() != c.size) {
    return unexpected(ConfigError{err::kInvalidConfigValue, "config.size",
                                  "config.size is " + std::to_string(c.size) +
                                      " but config.desc has " + std::to_string(map.size()) +
                                      " rows; give one or make them agree"});
  }
  return map;
}

Expected<frozenlake::Map, ConfigError> build_map(const LakeConfig& c, std::uint64_t seed) {
  if (c.desc) return map_from_desc(c);
  auto map = frozenlake::generate_random_map(c.size, c.p, seed);
  if (!map) {
    return unexpected(ConfigError{err::kNoValidMap, "config.p",
                                  "no " + std::to_string(c.size) + "x" + std::to_string(c.size) +
                                      " map with a path from S to G was found in " +
                                      std::to_string(frozenlake::kDefaultMaxMapAttempts) +
                                      " boards with config.p = " + excerpt(json(c.p).dump()) +
                                      "; raise config.p or give config.desc"});
  }
  return std::move(*map);
}

// What an environment is made from: the map the config and seed chose.
struct LakeSettings {
  frozenlake::Map map;
  bool is_slippery = false;
};

// CONF-001..003: the config read, then the map built (from desc, or drawn with the seed).
Expected<LakeSettings, ConfigError> read_settings(const json& config, std::uint64_t seed) {
  auto values = read_config(config);
  if (!values) return unexpected(values.error());
  auto map = build_map(*values, seed);
  if (!map) return unexpected(map.error());
  return LakeSettings{std::move(*map), values->is_slippery};
}

// --- The environment ---------------------------------------------------------

// The map with every hole frozen over, on which the model plays holes as
// ordinary frozen cells (the no-hole-termination fault).
frozenlake::Map without_holes(const frozenlake::Map& map) {
  auto rows = map.rows();
  for (auto& row : rows)
    std::replace(row.begin(), row.end(), 'H', 'F');
  return std::get<frozenlake::Map>(frozenlake::Map::from_rows(rows));
}

class FrozenLakeEnv final : public GameEnv {
 public:
  FrozenLakeEnv(frozenlake::Map map, bool is_slippery, std::uint64_t seed, bool no_holes)
      : env_(no_holes ? without_holes(map) : map, is_slippery, std::nullopt, seed) {
    if (no_holes) shown_map_ = std::move(map);
  }
  FrozenLakeEnv(LakeSettings settings, std::uint64_t seed, const std::set<std::string>& faults)
      : FrozenLakeEnv(std::move(settings.map), settings.is_slippery, seed,
                      faults.contains(std::string(kNoHoleTermination))) {}

  GameStep step(int action) override {
    const auto result = env_.step(static_cast<frozenlake::Action>(action));
    return {result.reward, result.terminated, json{{"prob", result.prob}}};
  }

  json observation() const override {
    return {{"position", env_.position()}, {"grid", shown_map().render(env_.position())}};
  }

  json initial_state() const override {
    return {{"position", env_.initial_position()},
            {"grid", shown_map().render(env_.initial_position())},
            {"map", shown_map().rows()},
            {"size", env_.size()},
            {"is_slippery", env_.is_slippery()}};
  }

 private:
  // The map the payloads show: the real one, even while no-hole-termination
  // plays on the map without holes.
  const frozenlake::Map& shown_map() const { return shown_map_ ? *shown_map_ : env_.map(); }

  frozenlake::FrozenLake env_;
  std::optional<frozenlake::Map> shown_map_;
};

// --- The game ----------------------------------------------------------------

GameInfo frozenlake_info() {
  GameInfo info;
  info.name = "frozenlake";
  info.server_name = "mcpgym-frozenlake";
  info.instructions =
      "FrozenLake as an MCP-Gym environment: move with the lake_move tool; read reward and "
      "termination from control://reward and control://status.";
  info.tool = "lake_move";
  info.tool_description =
      "Move the agent one cell on the FrozenLake grid: LEFT, DOWN, RIGHT or UP. Returns the new "
      "position and grid. Reward and termination are not in this result: read control://reward "
      "and control://status.";
  info.actions = {"LEFT", "DOWN", "RIGHT", "UP"};  // gymnasium's index order (LAKE-011)
  info.output_schema = observation_schema({{"position", "integer"}, {"grid", "string"}});
  info.initial_state_description =
      "The episode's start: position, grid, map rows, seed, size, slipperiness";
  info.info_description = "Control plane: the last step's info ({\"prob\": p}), {} before it";
  info.config_keys = {"desc", "is_slippery", "map_name", "p", "size"};
  info.faults = {std::string(kNoHoleTermination)};
  return info;
}

}  // namespace

const Game& frozenlake_game() {
  static const ModuleGame<FrozenLakeEnv, LakeSettings> kGame(frozenlake_info(), read_settings);
  return kGame;
}

}  // namespace mcpgym::gym
