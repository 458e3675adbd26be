// Episode ends (docs/spec.md LAKE-006, LAKE-007, CLIFF-004, CLIFF-005,
// EPIS-001, DATA-006), judged through the game's driver: the driver's way to
// the end from the server's own initial state ends the episode on the step
// and with the rewards the game's model predicts; max_episode_steps truncates
// it on the right step; moves after the end are tool errors that change
// nothing; and in a multi-environment rollout every environment ends at its
// own step. FrozenLake's holes and CliffWalking's cliff have a check each, for
// their game only.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/driven.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/core/context.hpp"
#include "games/cliffwalking/board.hpp"
#include "games/numpy/pcg64.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::conformance {
namespace {

using driven::where;
using episode::gym_needs;
using episode::Lake;
using episode::must_check;
using episode::show;
using episode::true_at;
using json = nlohmann::json;

// reward, terminated, truncated, step_count, total_reward after a step.
struct Control {
  json reward, status;
  std::optional<double> r, total;
  std::optional<bool> terminated, truncated;
  std::optional<long long> step_count;
  bool complete() const { return r && total && terminated && truncated && step_count; }
  std::string describe() const {
    return "control://reward " + show(reward, 120) + ", control://status " + show(status, 160);
  }
};

std::optional<double> number_at(const json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_number()) return j[key].get<double>();
  return std::nullopt;
}

std::optional<bool> flag_at(const json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_boolean()) return j[key].get<bool>();
  return std::nullopt;
}

Expected<Control, std::string> read_control(Lake& lake) {
  Control c;
  auto reward = lake.control("reward");
  if (!reward) return unexpected("reading control://reward: " + reward.error());
  auto status = lake.control("status");
  if (!status) return unexpected("reading control://status: " + status.error());
  c.reward = *reward;
  c.status = *status;
  c.r = number_at(c.reward, "reward");
  c.total = number_at(c.status, "total_reward");
  c.terminated = flag_at(c.status, "terminated");
  c.truncated = flag_at(c.status, "truncated");
  if (c.status.is_object() && c.status.contains("step_count") &&
      c.status["step_count"].is_number_integer()) {
    c.step_count = c.status["step_count"].get<long long>();
  }
  return c;
}

std::string fmt(double v) {
  return json(v).dump();
}
std::string fmt(const std::optional<double>& v) {
  return v ? fmt(*v) : "(missing)";
}
std::string fmt(const std::optional<bool>& v) {
  return v ? (*v ? "true" : "false") : "(missing)";
}
std::string fmt(bool v) {
  return v ? "true" : "false";
}

// "reward 0.0, terminated false, truncated false, step_count 1, total_reward 0.0".
std::string flags_text(const Control& c) {
  return "reward " + fmt(c.r) + ", terminated " + fmt(c.terminated) + ", truncated " +
         fmt(c.truncated) + ", step_count " + (c.step_count ? std::to_string(*c.step_count) : "?") +
         ", total_reward " + fmt(c.total);
}
std::string flags_text(const PredictedStep& p, int step, double total) {
  return "reward " + fmt(p.reward) + ", terminated " + fmt(p.terminated) + ", truncated " +
         fmt(p.truncated) + ", step_count " + std::to_string(step) + ", total_reward " + fmt(total);
}

// The control plane and observation after a step are what the model predicts.
bool as_predicted(const Control& c, const json& observation, const PredictedStep& p, int step,
                  double total) {
  return *c.r == p.reward && *c.terminated == p.terminated && *c.truncated == p.truncated &&
         *c.step_count == step && *c.total == total && driven::shows(observation, p.observation);
}

// One step played: the tool's answer and the control plane after it.
struct Played {
  std::optional<Outcome> outcome;  // set when the step itself went wrong
  Lake::Move move;
  Control control;
};
Played play_step(Context& ctx, Lake& lake, const std::string& action, const std::string& step) {
  Played p;
  auto m = lake.move(action);
  if (!m) {
    p.outcome = Outcome::broken(ctx.game().tool() + " " + action + " to be answered",
                                step + ": " + m.error());
    return p;
  }
  if (m->is_error) {
    p.outcome = Outcome::broken("every move on the way to be an ordinary step",
                                step + " was a tool error: " + excerpt(m->text, 200));
    return p;
  }
  auto c = read_control(lake);
  if (!c) {
    p.outcome = Outcome::could_not_run(step + ": " + c.error());
    return p;
  }
  ctx.note(step + ": " + excerpt(m->text, 120) + "; " + c->describe());
  if (!c->complete()) {
    p.outcome = Outcome::broken(
        "control://reward with a numeric reward and control://status with terminated, "
        "truncated, step_count and total_reward (CTRL-004, CTRL-005)",
        "after " + step + ": " + c->describe());
    return p;
  }
  p.move = std::move(*m);
  p.control = std::move(*c);
  return p;
}

// Plays `actions` (indexes of the game's actions) in an episode the model
// follows; every step before the last must be as the model predicts. Returns
// the last step as the server showed it and as the model predicts it.
struct Walk {
  std::optional<Outcome> outcome;  // set when the walk itself went wrong
  Control last;
  json last_observation;
  PredictedStep predicted;
  double predicted_total = 0.0;
};
Walk walk(Context& ctx, Lake& lake, GameModel& model, const std::vector<int>& actions) {
  const auto names = ctx.game().actions();
  Walk w;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const std::string& name = names[static_cast<std::size_t>(actions[i])];
    const std::string step = "step " + std::to_string(i + 1) + " (" + name + ")";
    Played played = play_step(ctx, lake, name, step);
    if (played.outcome) {
      w.outcome = std::move(played.outcome);
      return w;
    }
    w.predicted = model.step(actions[i]);
    w.predicted_total += w.predicted.reward;
    w.last = played.control;
    w.last_observation = played.move.observation;
    const int count = static_cast<int>(i + 1);
    if (i + 1 < actions.size() &&
        !as_predicted(w.last, w.last_observation, w.predicted, count, w.predicted_total)) {
      w.outcome = Outcome::broken(
          step + " as the " + ctx.game().name() +
              " model predicts it: " + where(w.predicted.observation) + ", " +
              flags_text(w.predicted, count, w.predicted_total),
          "after " + step + " " + where(w.last_observation) + ": " + flags_text(w.last));
      return w;
    }
  }
  return w;
}

// A session of `extra`, its initial state and the model of its episode.
struct Episode {
  std::optional<Lake> lake;
  json initial_state;
  std::unique_ptr<GameModel> model;
};
Expected<Episode, std::string> open_episode(Context& ctx, std::uint64_t seed, const json& config) {
  auto lake = Lake::open(ctx, {{"seed", seed}, {"config", config}}, true);
  if (!lake) return unexpected(lake.error());
  auto state = lake->initial_state();
  if (!state) return unexpected("reading game://initial_state: " + state.error());
  auto model = ctx.game().model(seed, config, *state);
  if (!model) return unexpected(model.error());
  Episode e;
  e.lake.emplace(std::move(*lake));
  e.initial_state = std::move(*state);
  e.model = std::move(*model);
  return e;
}

// ---------------------------------------------------------------------------
constexpr const char* kRuleCliff004 =
    "A move whose clamped cell is in the cliff puts the agent back at 36 with reward -100.0, and "
    "the episode does not terminate.";

// A check of CliffWalking's own rules, through its model.
Needs cliff_needs() {
  Needs needs = driven::model_needs();
  needs.games = {"cliffwalking"};
  return needs;
}

// termination.goal: the driver's way to the end, every step as the model
// predicts, the last one terminating with the predicted reward.
Outcome goal_check(Context& ctx) {
  const json config = ctx.game().long_episode_config();
  auto episode = open_episode(ctx, 42, config);
  if (!episode) return Outcome::could_not_run(episode.error());
  const auto way = ctx.game().actions_to_end(episode->initial_state);
  if (!way || way->empty()) {
    return Outcome::could_not_run("the " + ctx.game().name() +
                                  " driver finds no way to the end from " +
                                  show(episode->initial_state));
  }
  ctx.note("seed 42, initial state " + show(episode->initial_state) + ": the driver's way " +
           show(json(*way)));
  auto w = walk(ctx, *episode->lake, *episode->model, *way);
  if (w.outcome) return std::move(*w.outcome);
  if (!w.predicted.terminated) {
    return Outcome::could_not_run("the " + ctx.game().name() +
                                  " model does not end the episode on the driver's way");
  }
  const std::string expected = "on step " + std::to_string(way->size()) + ", reaching the goal " +
                               where(w.predicted.observation) + ": reward " +
                               fmt(w.predicted.reward) + ", terminated true, total_reward " +
                               fmt(w.predicted_total);
  const std::string actual = "reward " + fmt(w.last.r) + ", terminated " + fmt(w.last.terminated) +
                             ", total_reward " + fmt(w.last.total) + " (" +
                             where(w.last_observation) + ")";
  if (*w.last.r != w.predicted.reward || !*w.last.terminated ||
      *w.last.total != w.predicted_total ||
      !driven::shows(w.last_observation, w.predicted.observation)) {
    return Outcome::broken(expected, actual);
  }
  return Outcome::held(expected, actual);
}

// termination.hole (FrozenLake only): DOWN, RIGHT into the hole at 5.
Outcome hole_check(Context& ctx) {
  const std::vector<std::string> desc = {"SFFF", "FHFH", "FFFH", "HFFG"};
  const json config = {{"desc", desc}, {"is_slippery", false}};
  auto episode = open_episode(ctx, 7, config);
  if (!episode) return Outcome::could_not_run(episode.error());
  const auto plan = episode::plan_path(desc, 0, 'H');
  std::vector<int> actions;
  for (const auto& name : plan->actions)
    actions.push_back(*ctx.game().action_index(name));
  auto w = walk(ctx, *episode->lake, *episode->model, actions);
  if (w.outcome) return std::move(*w.outcome);
  const int hole = plan->cells.back();
  const std::string expected = "on step " + std::to_string(plan->actions.size()) + " (" +
                               plan->actions.back() + " into H at position " +
                               std::to_string(hole) + " of desc " + show(desc) +
                               "): terminated true, reward 0.0, total_reward 0.0";
  const std::string actual = "terminated " + fmt(w.last.terminated) + ", truncated " +
                             fmt(w.last.truncated) + ", reward " + fmt(w.last.r) +
                             ", total_reward " + fmt(w.last.total) + " (" +
                             where(w.last_observation) + ")";
  if (!*w.last.terminated || *w.last.r != 0.0 || *w.last.total != 0.0 ||
      where(w.last_observation) != "at position " + std::to_string(hole)) {
    return Outcome::broken(expected, actual);
  }
  return Outcome::held(expected, actual);
}

// termination.cliff (CliffWalking only): RIGHT from the start and DOWN from
// 25 both step into the cliff at 37; each puts the agent back at the start
// with reward -100.0, and the episode goes on.
Outcome cliff_check(Context& ctx) {
  const std::vector<std::string> names = {"RIGHT", "UP", "RIGHT", "DOWN"};
  auto episode = open_episode(ctx, 11, ctx.game().short_episode_config());
  if (!episode) return Outcome::could_not_run(episode.error());
  std::vector<int> actions;
  for (const auto& name : names)
    actions.push_back(*ctx.game().action_index(name));
  auto w = walk(ctx, *episode->lake, *episode->model, actions);
  if (w.outcome) return std::move(*w.outcome);
  const std::string start = "at position " + std::to_string(cliffwalking::kStart);
  const std::string expected =
      "RIGHT, UP, RIGHT, DOWN from the start: steps 1 and 4 enter the cliff, each puts the "
      "agent back " +
      start + " with reward -100.0 and the episode goes on; after step 4: terminated false, " +
      "truncated false, total_reward " + fmt(w.predicted_total);
  const std::string actual = where(w.last_observation) + ": reward " + fmt(w.last.r) +
                             ", terminated " + fmt(w.last.terminated) + ", truncated " +
                             fmt(w.last.truncated) + ", total_reward " + fmt(w.last.total);
  if (where(w.last_observation) != start || *w.last.r != -100.0 || *w.last.terminated ||
      *w.last.truncated || *w.last.total != w.predicted_total) {
    return Outcome::broken(expected, actual);
  }
  return Outcome::held(expected, actual);
}

// Plays `actions` (names of the game's actions) to end the episode; with
// `until_end`, stops as soon as control://status says it ended. Returns the
// control plane then, or why the episode could not be ended.
Expected<Control, std::string> end_episode(Lake& lake, const std::vector<std::string>& actions,
                                           const std::string& how, bool until_end) {
  for (const auto& action : actions) {
    auto m = lake.move(action);
    if (!m || m->is_error) {
      return unexpected("could not end the episode (" + how + "): " + action + " -> " +
                        (m ? excerpt(m->text, 160) : m.error()));
    }
    if (!until_end) continue;
    auto now = read_control(lake);
    if (!now) return unexpected(now.error());
    if (now->complete() && (*now->terminated || *now->truncated)) return *now;
  }
  auto end = read_control(lake);
  if (!end) return unexpected(end.error());
  if (!end->complete() || !(*end->terminated || *end->truncated)) {
    return unexpected("the episode did not end (" + how + "): " + end->describe());
  }
  return *end;
}

// One refused move after the end: a tool error with a message that leaves
// reward and status as they were.
std::optional<Outcome> refused_after_end(Context& ctx, Lake& lake, const std::string& action,
                                         const Control& before, const std::string& how) {
  const std::string tool = ctx.game().tool();
  auto m = lake.move(action);
  if (!m)
    return Outcome::broken(tool + " " + action + " after the end to be a tool error", m.error());
  ctx.note(tool + " " + action + " after the end -> " + show(m->raw, 200));
  if (!m->is_error || m->text.empty()) {
    return Outcome::broken(
        tool + " " + action + " after the episode " + how +
            " to be a tool error (isError true) with a message saying so",
        m->is_error ? "a tool error with no text" : "an ordinary result: " + excerpt(m->text, 160));
  }
  auto after = read_control(lake);
  if (!after) return Outcome::could_not_run(after.error());
  if (after->reward != before.reward || after->status != before.status) {
    return Outcome::broken("the refused move changes nothing: " + before.describe(),
                           "after " + tool + " " + action + ": " + after->describe());
  }
  return std::nullopt;
}

// Ends an episode by `actions`, then tries two more moves (the game's first
// and last action): each must be refused and change nothing.
Outcome after_end(Context& ctx, Lake& lake, const std::vector<std::string>& actions,
                  const std::string& how, bool until_end = false) {
  auto before = end_episode(lake, actions, how, until_end);
  if (!before) return Outcome::could_not_run(before.error());
  ctx.note("ended (" + how + "): " + before->describe());
  const auto names = ctx.game().actions();
  for (const std::string& action : {names.front(), names.back()}) {
    if (auto refused = refused_after_end(ctx, lake, action, *before, how))
      return std::move(*refused);
  }
  return Outcome::held("", "");
}

// The actions that end the episode of `config` from the server's own initial
// state: the driver's way for a game it models, else up to kRandomBudget
// actions drawn from a fixed seed (played until control://status says it ended).
constexpr int kRandomBudget = 200;
struct Ending {
  std::vector<std::string> actions;
  bool until_end = false;
};
Expected<Ending, std::string> ending_for(Context& ctx, Lake& lake) {
  const GameDriver& game = ctx.game();
  const auto names = game.actions();
  Ending ending;
  if (!game.has_model()) {
    numpy::Pcg64 draws(20261206);
    for (int i = 0; i < kRandomBudget; ++i)
      ending.actions.push_back(names[draws.next_uint64() % names.size()]);
    ending.until_end = true;
    return ending;
  }
  auto state = lake.initial_state();
  if (!state) return unexpected("reading game://initial_state: " + state.error());
  const auto way = game.actions_to_end(*state);
  if (!way) return unexpected("the driver finds no way to the end from " + show(*state));
  for (int a : *way)
    ending.actions.push_back(names[static_cast<std::size_t>(a)]);
  return ending;
}

// Moves after termination: "after termination" when judged, "" when random
// actions did not end the episode (an unknown game), or the failure.
Expected<std::string, Outcome> moves_after_termination(Context& ctx) {
  auto lake = Lake::open(ctx, {{"seed", 3}, {"config", ctx.game().short_episode_config()}}, true);
  if (!lake) return unexpected(Outcome::could_not_run(lake.error()));
  auto ending = ending_for(ctx, *lake);
  if (!ending) return unexpected(Outcome::could_not_run(ending.error()));
  auto o = after_end(ctx, *lake, ending->actions, "terminated", ending->until_end);
  const bool unreached = ending->until_end && o.kind == Outcome::Kind::kCouldNotRun &&
                         o.actual.find("did not end") != std::string::npos;
  if (unreached) {
    ctx.note(std::to_string(kRandomBudget) + " random actions did not end the episode");
    return std::string();
  }
  if (o.kind != Outcome::Kind::kHeld) return unexpected(std::move(o));
  return std::string("after termination");
}

// Moves after truncation at max_episode_steps 1.
std::optional<Outcome> moves_after_truncation(Context& ctx) {
  json config = ctx.game().long_episode_config();
  config["max_episode_steps"] = 1;
  auto lake = Lake::open(ctx, {{"seed", 3}, {"config", config}}, true);
  if (!lake) return Outcome::could_not_run(lake.error());
  auto o = after_end(ctx, *lake, {ctx.game().actions().front()}, "truncated");
  if (o.kind != Outcome::Kind::kHeld) return o;
  return std::nullopt;
}

Outcome moves_after_end_check(Context& ctx) {
  auto checked = moves_after_termination(ctx);
  if (!checked) return std::move(checked).error();
  if (ctx.profile().claims(Feature::kTruncation)) {
    if (auto failed = moves_after_truncation(ctx)) return std::move(*failed);
    *checked += checked->empty() ? "after truncation" : " and after truncation";
  }
  if (checked->empty()) {
    return Outcome::not_applicable(
        "no episode end to move after: " + std::to_string(kRandomBudget) +
        " random actions did not end one, and the profile does not claim truncation");
  }
  return Outcome::held(
      "moves after the end are tool errors that change nothing",
      "two moves " + *checked + " were refused; reward and status stayed the same");
}

// Three moves that do not end an episode of `game` started in `initial_state`
// for `seed` and `config` (without a time limit): the first 3 of the driver's
// way to the end when it is longer, else 3 the model says go on.
std::optional<std::vector<int>> three_moves_on(const GameDriver& game, std::uint64_t seed,
                                               const json& config, const json& initial_state) {
  const auto way = game.actions_to_end(initial_state);
  if (way && way->size() > 3) return std::vector<int>(way->begin(), way->begin() + 3);
  return driven::moves_that_go_on(game, seed, config, initial_state, 3);
}

// Plays `moves` in `lake`, whose episode has max_episode_steps 3.
Outcome truncated_at_three(Context& ctx, Lake& lake, const std::vector<int>& moves) {
  const std::string expected =
      "with max_episode_steps 3, 3 moves that do not end the episode (the first 3 of the "
      "driver's way to the end, or 3 its model says go on): truncated false on steps 1 and 2, "
      "truncated true (terminated false) on step 3 with step_count 3";
  const auto names = ctx.game().actions();
  for (int step = 1; step <= 3; ++step) {
    const std::string name = names[static_cast<std::size_t>(moves[step - 1])];
    Played played = play_step(ctx, lake, name, "step " + std::to_string(step) + " (" + name + ")");
    if (played.outcome) {
      if (played.outcome->kind == Outcome::Kind::kBroken) played.outcome->expected = expected;
      return std::move(*played.outcome);
    }
    const Control& c = played.control;
    const bool want = step == 3;
    if (*c.truncated != want || *c.terminated || *c.step_count != step) {
      return Outcome::broken(expected, "step " + std::to_string(step) + ": truncated " +
                                           fmt(c.truncated) + ", terminated " + fmt(c.terminated) +
                                           ", step_count " + std::to_string(*c.step_count));
    }
  }
  return Outcome::held(expected, "as expected");
}

// termination.truncation: 3 moves that do not end the episode, with
// max_episode_steps 3. Seeds from 5 on until one deals an episode that lasts
// (a Blackjack hand that every HIT busts does not).
Outcome truncation_check(Context& ctx) {
  constexpr std::uint64_t kFirstSeed = 5;
  constexpr std::uint64_t kSeeds = 16;
  const json plain = ctx.game().long_episode_config();
  json config = plain;
  config["max_episode_steps"] = 3;
  std::string last_state;
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    auto lake = Lake::open(ctx, {{"seed", seed}, {"config", config}}, seed == kFirstSeed);
    if (!lake) return Outcome::could_not_run(lake.error());
    auto state = lake->initial_state();
    if (!state) return Outcome::could_not_run("reading game://initial_state: " + state.error());
    if (auto moves = three_moves_on(ctx.game(), seed, plain, *state)) {
      return truncated_at_three(ctx, *lake, *moves);
    }
    last_state = show(*state);
  }
  return Outcome::could_not_run(
      "the " + ctx.game().name() +
      " driver finds no 3 moves that leave the episode going, for seeds " +
      std::to_string(kFirstSeed) + " to " + std::to_string(kFirstSeed + kSeeds - 1) +
      " (the last from " + last_state + ")");
}

// The control_plane metadata of a recorded line's last message.
json recorded_control_plane(const harness::RecordedStep& line) {
  const json& last = line.messages.back();
  return last.contains("metadata") && last["metadata"].is_object()
             ? last["metadata"].value("control_plane", json::object())
             : json::object();
}

// One environment of the multi-environment rollout against its plan.
std::optional<Outcome> env_as_planned(const harness::EnvOutcome& env, const driven::EnvPlan& plan,
                                      const std::string& expected) {
  if (env.error) return Outcome::broken(expected, env.describe());
  if (!plan.plan) return Outcome::could_not_run(env.describe() + ": " + plan.error);
  const int want = plan.plan->length();
  const PredictedStep& end = plan.plan->steps.back();
  const double total = plan.plan->total_rewards.back();
  if (env.terminated != end.terminated || env.truncated != end.truncated || env.steps != want ||
      env.total_reward != total) {
    return Outcome::broken(expected, env.describe() + "; expected " +
                                         (end.terminated ? "terminated" : "truncated") +
                                         " at step " + std::to_string(want) +
                                         " (as the model predicts), total reward " + fmt(total));
  }
  // The recording: one line per step, only the last one ended (so no call
  // went to an ended environment).
  if (static_cast<int>(env.lines.size()) != want) {
    return Outcome::broken(expected, "env " + std::to_string(env.env_index) + " recorded " +
                                         std::to_string(env.lines.size()) + " steps");
  }
  for (const auto& line : env.lines) {
    const json cp = recorded_control_plane(line);
    const bool ended = true_at(cp, "terminated") || true_at(cp, "truncated");
    if (ended != (line.step == want)) {
      return Outcome::broken(expected, "env " + std::to_string(env.env_index) + " step " +
                                           std::to_string(line.step) + ": control plane " +
                                           show(cp));
    }
  }
  return std::nullopt;
}

// termination.multi-env-rollout: environment i plays i moves that change
// nothing, then the driver's way to the end, so each ends at its own step.
Outcome multi_env_check(Context& ctx) {
  const int n = std::min(8, ctx.profile().max_envs.value_or(8));
  if (n < 2) return Outcome::not_applicable("the profile allows fewer than 2 live sessions");
  std::vector<driven::EnvPlan> plans(static_cast<std::size_t>(n));
  std::vector<harness::EnvironmentSpec> envs;
  for (int i = 0; i < n; ++i) {
    plans[i].spec = {static_cast<std::uint64_t>(100 + i), ctx.game().short_episode_config()};
    plans[i].detours = i;
    envs.push_back(plans[i].spec);
  }
  episode::ContextConnector connector(ctx);
  const auto result =
      harness::run_rollout(connector, envs, driven::planned_policy(ctx.game(), plans),
                           driven::rollout_options(ctx, driven::kRolloutSteps));
  std::string summary;
  for (const auto& env : result.envs) {
    ctx.note(env.describe());
    if (!summary.empty()) summary += "; ";
    summary += "env " + std::to_string(env.env_index) + " at step " + std::to_string(env.steps);
  }
  const std::string expected =
      "in one rollout of " + std::to_string(n) +
      " environments, environment i plays i moves that change nothing and then the driver's "
      "way to the end: each ends on the step the model predicts while the others go on";
  for (const auto& env : result.envs) {
    if (auto failed = env_as_planned(env, plans[static_cast<std::size_t>(env.env_index)], expected))
      return std::move(*failed);
  }
  return Outcome::held(expected, summary);
}

}  // namespace

std::vector<Check> termination_checks() {
  return {
      // LAKE-006: "The reward is 1.0 on the step that reaches `G` and 0.0 on every other step."
      // (with LAKE-007: that step ends the episode). For every game with a model: its own
      // instance (CliffWalking: CLIFF-005), as the model predicts it.
      must_check("termination.goal", "LAKE-006",
                 "The reward is 1.0 on the step that reaches `G` and 0.0 on every other step. "
                 "Rewards are JSON floats (`1.0`, `0.0`).",
                 driven::model_needs(), goal_check),
      // LAKE-007: "The episode terminates on the step that enters `H` or `G`." Holes are
      // FrozenLake's; other games have no such cell.
      must_check("termination.hole", "LAKE-007", episode::kRuleLake007, episode::model_needs(),
                 hole_check),
      // DATA-006: "A move after the episode has ended (terminated or truncated) is a tool
      // error saying so, and it changes nothing."
      must_check("termination.moves-after-end", "DATA-006", episode::kRuleData006, gym_needs(),
                 moves_after_end_check),
      // EPIS-001 (was LAKE-008): "Feature `truncation`: the episode is truncated on the step where
      // `step_count` reaches `max_episode_steps` ..."
      must_check("termination.truncation", "EPIS-001",
                 "Feature `truncation`: the episode is truncated on the step where `step_count` "
                 "reaches `max_episode_steps`, and both flags may be true on that step.",
                 driven::model_needs({Feature::kTruncation}), truncation_check),
      // LAKE-007: "The episode terminates on the step that enters `H` or `G`." Here in a
      // multi-environment rollout, where each session's environment is its own (SESS-008):
      // each ends at its own step while the others go on. For every game with a model.
      must_check("termination.multi-env-rollout", "LAKE-007", episode::kRuleLake007,
                 driven::model_needs(), multi_env_check),
      // CLIFF-004: the cliff sends the agent back to the start with -100.0 and does not end
      // the episode.
      must_check("termination.cliff", "CLIFF-004", kRuleCliff004, cliff_needs(), cliff_check),
  };
}

}  // namespace mcpgym::conformance
