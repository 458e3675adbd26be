#include "games/frozenlake/map.hpp"

#include <cstdio>
#include <string_view>

namespace mcpgym::frozenlake {
namespace {

bool is_cell(char c) {
  return c == 'S' || c == 'F' || c == 'H' || c == 'G';
}

// Quoting raw control or non-ASCII bytes would put invalid text into client-facing errors.
std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(byte));
  return std::string("byte ") + hex;
}

}  // namespace

std::variant<Map, std::string> Map::from_rows(const std::vector<std::string>& rows) {
  const std::size_t size = rows.size();
  if (size < kMinMapSize || size > kMaxMapSize) {
    return "expected " + std::to_string(kMinMapSize) + " to " + std::to_string(kMaxMapSize) +
           " rows, got " + std::to_string(size);
  }
  std::string cells;
  cells.reserve(size * size);
  for (std::size_t r = 0; r < size; ++r) {
    const std::string& row = rows[r];
    if (row.size() != size) {
      return "row " + std::to_string(r) + " has " + std::to_string(row.size()) +
             " cells, expected " + std::to_string(size);
    }
    for (std::size_t c = 0; c < size; ++c) {
      if (!is_cell(row[c])) {
        return "row " + std::to_string(r) + " column " + std::to_string(c) + " has " +
               describe_char(row[c]) + ", expected one of S F H G";
      }
    }
    cells += row;
  }
  if (cells.find('S') == std::string::npos) return std::string("map has no start cell 'S'");
  return Map(static_cast<int>(size), std::move(cells));
}

std::vector<std::string> Map::rows() const {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(size_));
  const auto width = static_cast<std::size_t>(size_);
  for (std::size_t r = 0; r < width; ++r)
    out.push_back(cells_.substr(r * width, width));
  return out;
}

std::string Map::render(int agent_position) const {
  const auto width = static_cast<std::size_t>(size_);
  std::string out;
  out.reserve(cells_.size() + width);
  for (std::size_t r = 0; r < width; ++r) {
    if (r != 0) out += '\n';
    out.append(cells_, r * width, width);
  }
  // Each row before the agent's adds one newline to its offset in the output.
  if (agent_position >= 0 && agent_position < size_ * size_) {
    const auto pos = static_cast<std::size_t>(agent_position);
    out[pos + pos / width] = 'P';
  }
  return out;
}

}  // namespace mcpgym::frozenlake
