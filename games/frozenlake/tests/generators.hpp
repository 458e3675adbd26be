#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <string>
#include <vector>

#include "games/frozenlake/action.hpp"
#include "games/frozenlake/map.hpp"

namespace mcpgym::frozenlake::testing {

// Seeds as gymnasium users pass them: any integer a double holds exactly.
inline rc::Gen<std::uint64_t> gen_seed() {
  return rc::gen::inRange<std::uint64_t>(0, std::uint64_t{1} << 53);
}

inline rc::Gen<Action> gen_action() {
  return rc::gen::map(rc::gen::inRange(0, kActionCount),
                      [](int a) { return static_cast<Action>(a); });
}

// Any valid map, not only generated ones: several starts, no goal, holes anywhere.
inline rc::Gen<Map> gen_map() {
  return rc::gen::mapcat(rc::gen::inRange(kMinMapSize, 9), [](int size) {
    const auto cells = static_cast<std::size_t>(size * size);
    return rc::gen::map(
        rc::gen::pair(rc::gen::container<std::string>(cells, rc::gen::element('S', 'F', 'H', 'G')),
                      rc::gen::inRange<std::size_t>(0, cells)),
        [size](std::pair<std::string, std::size_t> drawn) {
          drawn.first[drawn.second] = 'S';
          std::vector<std::string> rows;
          const auto width = static_cast<std::size_t>(size);
          for (std::size_t r = 0; r < width; ++r)
            rows.push_back(drawn.first.substr(r * width, width));
          return std::get<Map>(Map::from_rows(rows));
        });
  });
}

}  // namespace mcpgym::frozenlake::testing
