#include "games/frozenlake/random_map.hpp"

#include <string>
#include <utility>
#include <vector>

#include "games/numpy/pcg64.hpp"

namespace mcpgym::frozenlake {
namespace {

// One board of np_random.choice(["F", "H"], (size, size), p=[p, 1 - p]) with S and G placed.
// numpy draws size*size doubles in row-major order and maps each through
// searchsorted(cdf, u, side="right") with cdf = cumsum([p, 1 - p]) / its last element, so a
// cell is 'F' exactly when u < cdf[0]. The corners' draws are consumed and then overwritten.
std::string draw_board(numpy::Pcg64& rng, int size, double frozen_below) {
  std::string cells(static_cast<std::size_t>(size * size), 'F');
  for (char& cell : cells)
    cell = rng.next_double() < frozen_below ? 'F' : 'H';
  cells.front() = 'S';
  cells.back() = 'G';
  return cells;
}

// gymnasium's is_valid: 4-neighbour reachability of 'G' from (0, 0) over cells other than 'H'.
bool has_path(const std::string& cells, int size) {
  std::vector<bool> seen(cells.size(), false);
  std::vector<int> frontier = {0};
  seen[0] = true;
  while (!frontier.empty()) {
    const int pos = frontier.back();
    frontier.pop_back();
    if (cells[static_cast<std::size_t>(pos)] == 'G') return true;
    const int row = pos / size;
    const int col = pos % size;
    const int neighbours[4][2] = {{row + 1, col}, {row, col + 1}, {row - 1, col}, {row, col - 1}};
    for (const auto& [r, c] : neighbours) {
      if (r < 0 || r >= size || c < 0 || c >= size) continue;
      const auto next = static_cast<std::size_t>(r * size + c);
      if (seen[next] || cells[next] == 'H') continue;
      seen[next] = true;
      frontier.push_back(r * size + c);
    }
  }
  return false;
}

std::vector<std::string> split_rows(const std::string& cells, int size) {
  std::vector<std::string> rows;
  const auto width = static_cast<std::size_t>(size);
  for (std::size_t r = 0; r < width; ++r)
    rows.push_back(cells.substr(r * width, width));
  return rows;
}

}  // namespace

std::optional<Map> generate_random_map(int size, double p, std::uint64_t seed, int max_attempts) {
  // The negated comparison also rejects NaN.
  if (size < kMinMapSize || size > kMaxMapSize || !(p >= 0.0 && p <= 1.0)) return std::nullopt;
  // cdf[0] in numpy's own double arithmetic, which need not round back to p.
  const double frozen_below = p / (p + (1.0 - p));
  numpy::Pcg64 rng(seed);
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    const std::string cells = draw_board(rng, size, frozen_below);
    if (!has_path(cells, size)) continue;
    auto map = Map::from_rows(split_rows(cells, size));
    return std::get<Map>(std::move(map));
  }
  return std::nullopt;
}

}  // namespace mcpgym::frozenlake
