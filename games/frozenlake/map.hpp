#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mcpgym::frozenlake {

inline constexpr int kMinMapSize = 2;
inline constexpr int kMaxMapSize = 64;

// A square FrozenLake map of 'S','F','H','G' cells, row-major. One flat string keeps a
// session's environment small.
class Map {
 public:
  // Validates: 2..64 rows, every row as long as there are rows (square), only S F H G, at
  // least one S. On failure returns a human-readable reason naming the offending row/char,
  // e.g. "row 2 has 3 cells, expected 4" or "row 0 column 1 has 'X', expected one of S F H G".
  static std::variant<Map, std::string> from_rows(const std::vector<std::string>& rows);

  int size() const { return size_; }
  char cell(int position) const { return cells_[static_cast<std::size_t>(position)]; }
  std::vector<std::string> rows() const;
  // The map's rows joined by "\n" with the agent's cell shown as 'P'.
  std::string render(int agent_position) const;

  bool operator==(const Map&) const = default;

 private:
  Map(int size, std::string cells) : size_(size), cells_(std::move(cells)) {}

  int size_;
  std::string cells_;
};

}  // namespace mcpgym::frozenlake
