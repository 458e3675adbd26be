#include "games/frozenlake/action.hpp"

#include <algorithm>
#include <array>

namespace mcpgym::frozenlake {
namespace {

constexpr std::array<std::string_view, kActionCount> kNames = {"LEFT", "DOWN", "RIGHT", "UP"};

// Locale-independent on purpose: action names are protocol tokens, not prose.
bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_ascii_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_ascii_space(text.back()))
    text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<Action> parse_action(std::string_view text) {
  const std::string_view word = trim(text);
  for (int i = 0; i < kActionCount; ++i) {
    const std::string_view name = kNames[static_cast<std::size_t>(i)];
    const bool same =
        std::ranges::equal(word, name, [](char a, char b) { return ascii_upper(a) == b; });
    if (same) return static_cast<Action>(i);
  }
  return std::nullopt;
}

std::string_view action_name(Action a) {
  const auto index = static_cast<std::size_t>(a);
  return index < kNames.size() ? kNames[index] : std::string_view("UNKNOWN");
}

}  // namespace mcpgym::frozenlake
