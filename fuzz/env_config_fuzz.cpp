// A session's seed and configuration from the initialize request's params
// (docs/spec.md SEED-*, CONF-*), the generic envelope over the FrozenLake
// game's keys, as any client may send them: no crash, every refusal -32602
// with data {"key": ...} naming what was wrong, every accepted map square and
// within the size limits.
#include "common/bounded_json.hpp"
#include "fuzz/fuzz_check.hpp"
#include "games/frozenlake/map.hpp"
#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/session_config.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::fuzz::starts_with;
namespace gym = mcpgym::gym;
namespace frozenlake = mcpgym::frozenlake;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto params = mcpgym::parse_json(mcpgym::fuzz::as_text(data, size));
  if (!params || !params->is_object()) return 0;  // the dispatcher refuses these earlier
  // A server seed, so that a request without one stays deterministic.
  const auto setup =
      gym::session_from_initialize(gym::frozenlake_game(), *params, /*server_seed=*/7);
  if (!setup) {
    const auto& error = setup.error();
    require(error.code == -32602, "refusals are -32602");
    require(starts_with(error.message, "[mcpgym.config."), "refusals carry their identifier");
    require(error.data.is_object() && error.data.contains("key") && error.data["key"].is_string(),
            "refusals name the key");
    return 0;
  }
  const auto initial = setup->env->initial_state();
  const int side = initial.at("size").get<int>();
  require(side >= frozenlake::kMinMapSize && side <= frozenlake::kMaxMapSize,
          "map size within limits");
  const auto& rows = initial.at("map");
  bool square = rows.size() == static_cast<std::size_t>(side);
  for (const auto& row : rows)
    square = square && row.get_ref<const std::string&>().size() == static_cast<std::size_t>(side);
  require(square, "map is square");
  require(setup->seed <= gym::kMaxSeed, "seed within 2^53-1");
  require(!setup->max_episode_steps || *setup->max_episode_steps >= 1,
          "max_episode_steps is positive");
  return 0;
}
