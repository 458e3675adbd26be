#pragma once

#include <cstdint>
#include <optional>

#include "games/frozenlake/map.hpp"

namespace mcpgym::frozenlake {

// gymnasium.envs.toy_text.frozen_lake.generate_random_map(size, p, seed), bit-exact.
// Returns nullopt when no valid map was found within max_attempts boards (gymnasium
// itself would loop forever, e.g. p = 0), and also when size is outside
// [kMinMapSize, kMaxMapSize] or p outside [0, 1].
inline constexpr int kDefaultMaxMapAttempts = 10000;
std::optional<Map> generate_random_map(int size, double p, std::uint64_t seed,
                                       int max_attempts = kDefaultMaxMapAttempts);

}  // namespace mcpgym::frozenlake
