#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "games/cliffwalking/cliff_walking.hpp"

namespace mcpgym::cliffwalking {
namespace {

// Seeds as gymnasium users pass them: any integer a double holds exactly.
rc::Gen<std::uint64_t> gen_seed() {
  return rc::gen::inRange<std::uint64_t>(0, std::uint64_t{1} << 53);
}

rc::Gen<Action> gen_action() {
  return rc::gen::map(rc::gen::inRange(0, kActionCount),
                      [](int a) { return static_cast<Action>(a); });
}

// gymnasium's outcome of a move, written independently of the model.
StepResult expected_outcome(int from, Action moved, double prob) {
  const int row = from / kCols;
  const int col = from % kCols;
  int r = row, c = col;
  switch (moved) {
    case Action::kUp:
      r = row == 0 ? row : row - 1;
      break;
    case Action::kRight:
      c = col == kCols - 1 ? col : col + 1;
      break;
    case Action::kDown:
      r = row == kRows - 1 ? row : row + 1;
      break;
    case Action::kLeft:
      c = col == 0 ? col : col - 1;
      break;
  }
  if (r == kRows - 1 && c > 0 && c < kCols - 1) return {kStart, -100.0, false, prob};
  return {r * kCols + c, -1.0, r == kRows - 1 && c == kCols - 1, prob};
}

bool same(const StepResult& a, const StepResult& b) {
  return a.position == b.position && a.reward == b.reward && a.terminated == b.terminated &&
         a.prob == b.prob;
}

RC_GTEST_PROP(CliffWalkingProperty, SameSeedAndActionsGiveTheSameEpisode, ()) {
  const bool slippery = *rc::gen::arbitrary<bool>();
  const std::uint64_t seed = *gen_seed();
  const auto actions = *rc::gen::container<std::vector<Action>>(gen_action());
  CliffWalking a(slippery, seed);
  CliffWalking b(slippery, seed);
  for (const Action action : actions)
    RC_ASSERT(same(a.step(action), b.step(action)));
}

RC_GTEST_PROP(CliffWalkingProperty, EveryStepIsOneOfGymnasiumsTransitions, ()) {
  const bool slippery = *rc::gen::arbitrary<bool>();
  CliffWalking env(slippery, *gen_seed());
  RC_ASSERT(env.initial_position() == kStart);
  const auto actions = *rc::gen::container<std::vector<Action>>(gen_action());
  for (const Action action : actions) {
    const int before = env.position();
    const StepResult r = env.step(action);
    RC_ASSERT(r.position == env.position());
    RC_ASSERT(!is_cliff(r.position));
    const int a = static_cast<int>(action);
    if (slippery) {
      const Action candidates[3] = {static_cast<Action>((a + 3) % 4), action,
                                    static_cast<Action>((a + 1) % 4)};
      RC_ASSERT(std::ranges::any_of(candidates, [&](Action moved) {
        return same(r, expected_outcome(before, moved, 1.0 / 3.0));
      }));
    } else {
      RC_ASSERT(same(r, expected_outcome(before, action, 1.0)));
    }
  }
}

RC_GTEST_PROP(CliffWalkingProperty, TheSafePathFromTheStartWinsWhateverTheSeed, ()) {
  const std::vector<Action> path = safe_path(kStart);
  CliffWalking env(false, *gen_seed());
  double total = 0.0;
  for (const Action a : path)
    total += env.step(a).reward;
  RC_ASSERT(env.position() == kGoal);
  RC_ASSERT(total == -static_cast<double>(path.size()));
}

// A policy that replans after every move follows the same path as one that does not.
RC_GTEST_PROP(CliffWalkingProperty, SafePathsAreSuffixesOfEachOther, ()) {
  const int from = *rc::gen::suchThat(rc::gen::inRange(0, kCellCount),
                                      [](int p) { return !is_cliff(p) && p != kGoal; });
  const std::vector<Action> path = safe_path(from);
  RC_ASSERT(!path.empty());
  const std::vector<Action> rest(path.begin() + 1, path.end());
  RC_ASSERT(safe_path(clamped_move(from, path.front())) == rest);
}

}  // namespace
}  // namespace mcpgym::cliffwalking
