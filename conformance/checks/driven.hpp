#pragma once
// Episodes the termination and metadata checks play through the game's
// driver (conformance/games/driver.hpp), so that one check judges every game
// the suite has a model of: the driver's way to the end from the server's own
// initial state, its model's prediction of every step, and moves that the
// model says change nothing (to make episodes of different lengths).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "conformance/core/check.hpp"
#include "conformance/core/context.hpp"
#include "conformance/games/driver.hpp"
#include "harness/rollout/policy.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::conformance::driven {

using json = nlohmann::json;

// A MUST check judged by the model of whatever game is played: skipped, with
// the reason, only for a game without one.
Needs model_needs(std::set<Feature> features = {});

// Whether an observation the implementation showed has every member the
// model predicts (position, grid, ...) with the predicted value.
bool shows(const json& shown, const json& predicted);

// "at position 15" when the observation has an integer position, else the
// observation itself: for messages.
std::string where(const json& observation);

// One episode, planned from the server's own initial state.
struct Plan {
  std::vector<int> actions;           // indexes into the driver's actions()
  std::vector<PredictedStep> steps;   // the model's, one per action; the last ends it
  std::vector<double> total_rewards;  // the sum of rewards after each step
  int length() const { return static_cast<int>(actions.size()); }
};

// `detours` moves that the model says leave the observation as
// `initial_state` shows it (none when no action does), then the driver's way
// to the end, cut where the model says the episode ends (also by
// `max_episode_steps` in `config`). Errors say why there is no plan: no way to
// the end, no model, or a way on which the model sees no end.
Expected<Plan, std::string> plan_episode(const GameDriver& game, std::uint64_t seed,
                                         const json& config, const json& initial_state,
                                         int detours);

// `count` moves (indexes into the driver's actions()) after which the model
// says the episode started in `initial_state` for `seed` and `config` still
// goes on, found by trying the actions in order at every step; nullopt when
// no such moves exist (a Blackjack hand that every HIT busts) or there is no
// model. For the checks that need an episode to last a few moves in any game.
std::optional<std::vector<int>> moves_that_go_on(const GameDriver& game, std::uint64_t seed,
                                                 const json& config, const json& initial_state,
                                                 int count);

// One environment of a planned rollout. The plan is made by the policy from
// the initial state that environment's own session shows, during the rollout.
struct EnvPlan {
  harness::EnvironmentSpec spec;
  int detours = 0;
  std::optional<Plan> plan;  // set once the environment's first action was chosen
  std::string error;         // why there is no plan (it then plays the game's first action)
};

// The options of a recorded rollout of the profile's game: its tool and
// actions, the control-plane form the profile offers.
harness::RolloutOptions rollout_options(Context& ctx, int max_steps);

// The step budget of planned rollouts: longer than any planned episode of
// the known games (CliffWalking's longest: 8 falls and 13 moves).
inline constexpr int kRolloutSteps = 64;

// Environment i plays plans[i]'s plan. `plans` must outlive the rollout; each
// environment writes only its own entry (run_rollout joins before it returns).
harness::PolicyFactory planned_policy(const GameDriver& game, std::vector<EnvPlan>& plans);

}  // namespace mcpgym::conformance::driven
