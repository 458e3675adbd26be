#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mcpgym::frozenlake {

// gymnasium FrozenLake's action numbering.
enum class Action : std::uint8_t { kLeft = 0, kDown = 1, kRight = 2, kUp = 3 };
inline constexpr int kActionCount = 4;

// Trims ASCII whitespace, case-insensitive: " right " -> kRight. Unknown -> nullopt.
std::optional<Action> parse_action(std::string_view text);

std::string_view action_name(Action a);  // "LEFT", "DOWN", "RIGHT", "UP"

}  // namespace mcpgym::frozenlake
