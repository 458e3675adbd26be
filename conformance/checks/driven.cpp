#include "conformance/checks/driven.hpp"

#include <memory>
#include <utility>

#include "common/text.hpp"
#include "conformance/checks/episode.hpp"

namespace mcpgym::conformance::driven {
namespace {

// The first action after which the model, fresh from the initial state,
// shows the initial state again and the episode goes on.
std::optional<int> action_that_changes_nothing(const GameDriver& game, std::uint64_t seed,
                                               const json& config, const json& initial_state) {
  const int count = static_cast<int>(game.actions().size());
  for (int a = 0; a < count; ++a) {
    auto model = game.model(seed, config, initial_state);
    if (!model) return std::nullopt;
    const PredictedStep step = (*model)->step(a);
    if (!step.terminated && !step.truncated && shows(initial_state, step.observation)) return a;
  }
  return std::nullopt;
}

// Plays the planned actions, then the game's first one once they run out.
class PlannedPolicy final : public harness::Policy {
 public:
  PlannedPolicy(const GameDriver& game, EnvPlan& slot) : game_(game), slot_(slot) {}
  std::string next_action(const harness::PolicyView& view) override {
    const auto names = game_.actions();
    if (view.step == 0) plan(view);
    if (slot_.plan && view.step < slot_.plan->length())
      return names[static_cast<std::size_t>(slot_.plan->actions[view.step])];
    return names.front();
  }

 private:
  void plan(const harness::PolicyView& view) {
    if (view.initial_state == nullptr) {
      slot_.error = "the rollout showed the policy no game://initial_state";
      return;
    }
    auto planned =
        plan_episode(game_, slot_.spec.seed, slot_.spec.config, *view.initial_state, slot_.detours);
    if (planned)
      slot_.plan = std::move(*planned);
    else
      slot_.error = planned.error();
  }
  const GameDriver& game_;
  EnvPlan& slot_;
};

}  // namespace

Needs model_needs(std::set<Feature> features) {
  Needs needs = episode::gym_needs(std::move(features));
  needs.model = true;
  return needs;
}

bool shows(const json& shown, const json& predicted) {
  if (!shown.is_object() || !predicted.is_object()) return false;
  for (const auto& [key, value] : predicted.items()) {
    if (!shown.contains(key) || shown[key] != value) return false;
  }
  return true;
}

std::string where(const json& observation) {
  if (observation.is_object() && observation.contains("position") &&
      observation["position"].is_number_integer()) {
    return "at position " + std::to_string(observation["position"].get<int>());
  }
  return "at " + episode::show(observation, 120);
}

Expected<Plan, std::string> plan_episode(const GameDriver& game, std::uint64_t seed,
                                         const json& config, const json& initial_state,
                                         int detours) {
  const auto way = game.actions_to_end(initial_state);
  if (!way) {
    return unexpected("the " + game.name() + " driver finds no way to the end from " +
                      episode::show(initial_state));
  }
  Plan plan;
  if (const auto stay = action_that_changes_nothing(game, seed, config, initial_state))
    plan.actions.assign(static_cast<std::size_t>(detours), *stay);
  plan.actions.insert(plan.actions.end(), way->begin(), way->end());
  auto model = game.model(seed, config, initial_state);
  if (!model) return unexpected(model.error());
  double total = 0.0;
  for (std::size_t i = 0; i < plan.actions.size(); ++i) {
    plan.steps.push_back((*model)->step(plan.actions[i]));
    total += plan.steps.back().reward;
    plan.total_rewards.push_back(total);
    if (plan.steps.back().terminated || plan.steps.back().truncated) {
      plan.actions.resize(i + 1);
      return plan;
    }
  }
  return unexpected("the " + game.name() + " model sees no end on the driver's way " +
                    episode::show(json(plan.actions)) + " from " + episode::show(initial_state));
}

harness::RolloutOptions rollout_options(Context& ctx, int max_steps) {
  harness::RolloutOptions options = episode::rollout_options(ctx, max_steps, true);
  options.tool = ctx.game().tool();
  options.actions = ctx.game().actions();
  return options;
}

harness::PolicyFactory planned_policy(const GameDriver& game, std::vector<EnvPlan>& plans) {
  return [&game, &plans](int env_index, std::uint64_t) -> std::unique_ptr<harness::Policy> {
    return std::make_unique<PlannedPolicy>(game, plans[static_cast<std::size_t>(env_index)]);
  };
}

namespace {

// Whether `moves` played on a fresh model leave the episode going.
bool goes_on(const GameDriver& game, std::uint64_t seed, const json& config,
             const json& initial_state, const std::vector<int>& moves) {
  auto model = game.model(seed, config, initial_state);
  if (!model) return false;
  for (int action : moves) {
    const PredictedStep step = (*model)->step(action);
    if (step.terminated || step.truncated) return false;
  }
  return true;
}

// Depth-first: extends `prefix` to `count` moves that go on.
bool extend(const GameDriver& game, std::uint64_t seed, const json& config,
            const json& initial_state, int count, std::vector<int>& prefix) {
  if (static_cast<int>(prefix.size()) == count) return true;
  const int actions = static_cast<int>(game.actions().size());
  for (int a = 0; a < actions; ++a) {
    prefix.push_back(a);
    if (goes_on(game, seed, config, initial_state, prefix) &&
        extend(game, seed, config, initial_state, count, prefix)) {
      return true;
    }
    prefix.pop_back();
  }
  return false;
}

}  // namespace

std::optional<std::vector<int>> moves_that_go_on(const GameDriver& game, std::uint64_t seed,
                                                 const json& config, const json& initial_state,
                                                 int count) {
  if (!game.has_model()) return std::nullopt;
  std::vector<int> moves;
  if (!extend(game, seed, config, initial_state, count, moves)) return std::nullopt;
  return moves;
}

}  // namespace mcpgym::conformance::driven
