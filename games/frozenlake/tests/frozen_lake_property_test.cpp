#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "games/frozenlake/frozen_lake.hpp"
#include "games/frozenlake/tests/generators.hpp"

namespace mcpgym::frozenlake {
namespace {

using testing::gen_action;
using testing::gen_map;
using testing::gen_seed;

// The deterministic move, written independently of the model: clamp at the walls.
int clamped_move(int position, int size, Action a) {
  const int row = position / size;
  const int col = position % size;
  switch (a) {
    case Action::kLeft:
      return row * size + (col == 0 ? col : col - 1);
    case Action::kDown:
      return (row == size - 1 ? row : row + 1) * size + col;
    case Action::kRight:
      return row * size + (col == size - 1 ? col : col + 1);
    case Action::kUp:
      return (row == 0 ? row : row - 1) * size + col;
  }
  return position;
}

struct Episode {
  Map map;
  bool slippery;
  std::optional<int> limit;
  std::uint64_t seed;
  std::vector<Action> actions;
};

Episode draw_episode() {
  Episode e{*gen_map(), *rc::gen::arbitrary<bool>(), std::nullopt, *gen_seed(), {}};
  if (*rc::gen::arbitrary<bool>()) e.limit = *rc::gen::inRange(1, 40);
  e.actions = *rc::gen::container<std::vector<Action>>(gen_action());
  return e;
}

RC_GTEST_PROP(FrozenLakeProperty, SameInputsGiveSameEpisode, ()) {
  const Episode e = draw_episode();
  FrozenLake a(e.map, e.slippery, e.limit, e.seed);
  FrozenLake b(e.map, e.slippery, e.limit, e.seed);
  RC_ASSERT(a.initial_position() == b.initial_position());
  for (const Action action : e.actions) {
    if (a.ended()) break;
    const StepResult ra = a.step(action);
    const StepResult rb = b.step(action);
    RC_ASSERT(ra.position == rb.position);
    RC_ASSERT(ra.reward == rb.reward);
    RC_ASSERT(ra.terminated == rb.terminated);
    RC_ASSERT(ra.truncated == rb.truncated);
    RC_ASSERT(ra.prob == rb.prob);
    RC_ASSERT(a.grid() == b.grid());
  }
}

RC_GTEST_PROP(FrozenLakeProperty, StepsFollowTheRules, ()) {
  const Episode e = draw_episode();
  FrozenLake env(e.map, e.slippery, e.limit, e.seed);
  const int size = e.map.size();
  RC_ASSERT(e.map.cell(env.initial_position()) == 'S');
  RC_ASSERT(env.position() == env.initial_position());
  double total = 0.0;
  int count = 0;
  for (const Action action : e.actions) {
    if (env.ended()) break;
    const int before = env.position();
    const StepResult r = env.step(action);
    ++count;
    total += r.reward;
    RC_ASSERT(r.position >= 0);
    RC_ASSERT(r.position < size * size);
    RC_ASSERT(r.position == env.position());
    const char cell = e.map.cell(r.position);
    RC_ASSERT(r.reward == (cell == 'G' ? 1.0 : 0.0));
    RC_ASSERT(r.terminated == (cell == 'H' || cell == 'G'));
    RC_ASSERT(r.truncated == (e.limit.has_value() && count >= *e.limit));
    RC_ASSERT(env.step_count() == count);
    RC_ASSERT(env.last_reward() == r.reward);
    RC_ASSERT(env.total_reward() == total);
    RC_ASSERT(env.last_prob() == r.prob);
    RC_ASSERT(env.terminated() == r.terminated);
    RC_ASSERT(env.truncated() == r.truncated);
    if (e.slippery) {
      const int a = static_cast<int>(action);
      const int reachable[3] = {clamped_move(before, size, static_cast<Action>((a + 3) % 4)),
                                clamped_move(before, size, action),
                                clamped_move(before, size, static_cast<Action>((a + 1) % 4))};
      RC_ASSERT(std::ranges::find(reachable, r.position) != std::end(reachable));
      RC_ASSERT(r.prob == 1.0 / 3.0);
    } else {
      RC_ASSERT(r.position == clamped_move(before, size, action));
      RC_ASSERT(r.prob == 1.0);
    }
  }
}

RC_GTEST_PROP(FrozenLakeProperty, OnlyStartCellsAreInitialPositions, ()) {
  const Map map = *gen_map();
  const FrozenLake env(map, false, std::nullopt, *gen_seed());
  RC_ASSERT(map.cell(env.initial_position()) == 'S');
}

}  // namespace
}  // namespace mcpgym::frozenlake
