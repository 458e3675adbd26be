// FrozenLake's goal-seeking policy: the pure model's shortest path, replanned
// from the agent's cell every step.
#include <optional>

#include "games/frozenlake/path.hpp"
#include "harness/rollout/policy.hpp"

namespace mcpgym::harness {

namespace {

// The map and the agent's cell, as far as the environment shows them. A
// policy reads untrusted payloads, so anything malformed yields nullopt.
struct Board {
  std::vector<std::string> rows;
  int position = 0;
};

std::optional<Board> board_of(const PolicyView& view) {
  if (view.initial_state == nullptr || !view.initial_state->is_object()) return std::nullopt;
  const json& state = *view.initial_state;
  const auto map = state.find("map");
  if (map == state.end() || !map->is_array()) return std::nullopt;
  Board board;
  for (const auto& row : *map) {
    if (!row.is_string()) return std::nullopt;
    board.rows.push_back(row.get<std::string>());
  }
  const json* where = view.last_observation != nullptr ? view.last_observation : &state;
  const auto position = where->find("position");
  if (position == where->end() || !position->is_number_integer()) return std::nullopt;
  board.position = position->get<int>();
  return board;
}

class ShortestPathPolicy final : public Policy {
 public:
  std::string next_action(const PolicyView& view) override {
    const auto board = board_of(view);
    // Nothing readable to plan on, or no way to G: a harmless move.
    const auto path =
        board ? frozenlake::shortest_path(board->rows, board->position) : std::nullopt;
    return std::string(frozenlake::action_name(path ? path->front() : frozenlake::Action::kLeft));
  }
};

}  // namespace

PolicyFactory shortest_path_policy() {
  return [](int, std::uint64_t) -> std::unique_ptr<Policy> {
    return std::make_unique<ShortestPathPolicy>();
  };
}

}  // namespace mcpgym::harness
