// Episode ends (docs/spec.md LAKE-006..008, DATA-006): the goal pays 1.0 and
// ends the episode, a hole ends it with 0.0, max_episode_steps truncates it on
// the right step, moves after the end are tool errors that change nothing,
// and in a multi-environment rollout every environment ends at its own step.
// Every check plays a map it knows (an explicit `desc`, CONF-001, or the
// implementation's own map read from game://initial_state), so the step on
// which the episode must end is known before the first move.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/core/context.hpp"
#include "games/numpy/pcg64.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::conformance {
namespace {

using episode::gym_needs;
using episode::Lake;
using episode::model_needs;
using episode::must_check;
using episode::Plan;
using episode::plan_path;
using episode::show;
using episode::snake_map;
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

Expected<Control, std::string> read_control(Lake& lake) {
  Control c;
  auto reward = lake.control("reward");
  if (!reward) return unexpected("reading control://reward: " + reward.error());
  auto status = lake.control("status");
  if (!status) return unexpected("reading control://status: " + status.error());
  c.reward = *reward;
  c.status = *status;
  const auto number = [](const json& j, const char* k) -> std::optional<double> {
    if (j.is_object() && j.contains(k) && j[k].is_number()) return j[k].get<double>();
    return std::nullopt;
  };
  const auto flag = [](const json& j, const char* k) -> std::optional<bool> {
    if (j.is_object() && j.contains(k) && j[k].is_boolean()) return j[k].get<bool>();
    return std::nullopt;
  };
  c.r = number(c.reward, "reward");
  c.total = number(c.status, "total_reward");
  c.terminated = flag(c.status, "terminated");
  c.truncated = flag(c.status, "truncated");
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

// The map rows of game://initial_state (CTRL-003), if they make a square map.
std::optional<std::vector<std::string>> map_of(const json& state) {
  if (!state.is_object() || !state.contains("map") || !state["map"].is_array()) return std::nullopt;
  const json& map = state["map"];
  if (map.size() < 2 || map.size() > 64) return std::nullopt;
  std::vector<std::string> rows;
  for (const auto& row : map) {
    if (!row.is_string() || row.get_ref<const std::string&>().size() != map.size())
      return std::nullopt;
    rows.push_back(row.get<std::string>());
  }
  return rows;
}

std::optional<int> position_of(const json& j) {
  if (j.is_object() && j.contains("position") && j["position"].is_number_integer()) {
    return j["position"].get<int>();
  }
  return std::nullopt;
}

// Walks `plan`; every step before the last must be an ordinary, unfinished
// step. Returns the control plane after the last step, or the broken outcome.
struct Walk {
  std::optional<Outcome> outcome;  // set when the walk itself went wrong
  Control last;
  std::optional<int> last_position;
};
Walk walk(Context& ctx, Lake& lake, const Plan& plan, const std::string& goal) {
  Walk w;
  for (std::size_t i = 0; i < plan.actions.size(); ++i) {
    const std::string step = "step " + std::to_string(i + 1) + " (" + plan.actions[i] + ")";
    auto m = lake.move(plan.actions[i]);
    if (!m) {
      w.outcome = Outcome::broken("lake_move " + plan.actions[i] + " to be answered",
                                  step + ": " + m.error());
      return w;
    }
    if (m->is_error) {
      w.outcome = Outcome::broken("every move on the way to " + goal + " to be an ordinary step",
                                  step + " was a tool error: " + excerpt(m->text, 200));
      return w;
    }
    auto c = read_control(lake);
    if (!c) {
      w.outcome = Outcome::could_not_run(step + ": " + c.error());
      return w;
    }
    ctx.note(step + ": " + excerpt(m->text, 120) + "; " + c->describe());
    if (!c->complete()) {
      w.outcome = Outcome::broken(
          "control://reward with a numeric reward and control://status with terminated, "
          "truncated, step_count and total_reward (CTRL-004, CTRL-005)",
          "after " + step + ": " + c->describe());
      return w;
    }
    const auto pos = position_of(m->observation);
    if (i + 1 < plan.actions.size()) {
      if (*c->terminated || *c->truncated || *c->r != 0.0) {
        w.outcome = Outcome::broken(
            "no reward and no end before " + goal + " (the path crosses only F cells)",
            "after " + step + " at position " + (pos ? std::to_string(*pos) : "(unknown)") +
                ": reward " + fmt(c->r) + ", terminated " + fmt(c->terminated) + ", truncated " +
                fmt(c->truncated));
        return w;
      }
      if (pos != plan.cells[i]) {
        w.outcome =
            Outcome::broken(step + " to move the agent to position " +
                                std::to_string(plan.cells[i]) + " (a deterministic move, LAKE-004)",
                            "the observation " + excerpt(m->text, 160));
        return w;
      }
    } else {
      w.last = *c;
      w.last_position = pos;
    }
  }
  return w;
}

// ---------------------------------------------------------------------------

Outcome goal_check(Context& ctx) {
  const json extra = {{"seed", 42}, {"config", {{"is_slippery", false}}}};
  auto lake = Lake::open(ctx, extra, true);
  if (!lake) return Outcome::could_not_run(lake.error());
  auto state = lake->initial_state();
  if (!state) return Outcome::could_not_run("reading game://initial_state: " + state.error());
  const auto rows = map_of(*state);
  const auto start = position_of(*state);
  if (!rows || !start) {
    return Outcome::could_not_run(
        "game://initial_state has no square map and position to plan on: " + show(*state));
  }
  const auto plan = plan_path(*rows, *start, 'G');
  if (!plan) {
    return Outcome::could_not_run("the map of game://initial_state has no path to G: " +
                                  show(*state));
  }
  const int goal = plan->cells.back();
  ctx.note("seed 42, map " + show((*state)["map"]) + ": path to G " + show(plan->actions));
  auto w = walk(ctx, *lake, *plan, "G");
  if (w.outcome) return std::move(*w.outcome);
  const std::string expected = "on step " + std::to_string(plan->actions.size()) +
                               ", entering G at position " + std::to_string(goal) +
                               ": reward 1.0, terminated true, total_reward 1.0";
  const std::string actual = "reward " + fmt(w.last.r) + ", terminated " + fmt(w.last.terminated) +
                             ", total_reward " + fmt(w.last.total) + " (position " +
                             (w.last_position ? std::to_string(*w.last_position) : "(unknown)") +
                             ")";
  if (*w.last.r != 1.0 || !*w.last.terminated || *w.last.total != 1.0 || w.last_position != goal) {
    return Outcome::broken(expected, actual);
  }
  return Outcome::held(expected, actual);
}

Outcome hole_check(Context& ctx) {
  const std::vector<std::string> desc = {"SFFF", "FHFH", "FFFH", "HFFG"};
  const json extra = {{"seed", 7}, {"config", {{"desc", desc}, {"is_slippery", false}}}};
  auto lake = Lake::open(ctx, extra, true);
  if (!lake) return Outcome::could_not_run(lake.error());
  const auto plan = plan_path(desc, 0, 'H');  // DOWN, RIGHT into the hole at 5
  auto w = walk(ctx, *lake, *plan, "the hole");
  if (w.outcome) return std::move(*w.outcome);
  const int hole = plan->cells.back();
  const std::string expected = "on step " + std::to_string(plan->actions.size()) + " (" +
                               plan->actions.back() + " into H at position " +
                               std::to_string(hole) + " of desc " + show(desc) +
                               "): terminated true, reward 0.0, total_reward 0.0";
  const std::string actual =
      "terminated " + fmt(w.last.terminated) + ", truncated " + fmt(w.last.truncated) +
      ", reward " + fmt(w.last.r) + ", total_reward " + fmt(w.last.total) + " (position " +
      (w.last_position ? std::to_string(*w.last_position) : "(unknown)") + ")";
  if (!*w.last.terminated || *w.last.r != 0.0 || *w.last.total != 0.0 || w.last_position != hole) {
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

// Ends an episode by `actions`, then tries two more moves (the game's first
// and last action): each must be a tool error with a message, and reward and
// status must stay as they were.
Outcome after_end(Context& ctx, Lake& lake, const std::vector<std::string>& actions,
                  const std::string& how, bool until_end = false) {
  auto before = end_episode(lake, actions, how, until_end);
  if (!before) return Outcome::could_not_run(before.error());
  ctx.note("ended (" + how + "): " + before->describe());
  const std::string tool = ctx.game().tool();
  const auto names = ctx.game().actions();
  for (const std::string& action : {names.front(), names.back()}) {
    auto m = lake.move(action);
    if (!m)
      return Outcome::broken(tool + " " + action + " after the end to be a tool error", m.error());
    ctx.note(tool + " " + action + " after the end -> " + show(m->raw, 200));
    if (!m->is_error || m->text.empty()) {
      return Outcome::broken(tool + " " + action + " after the episode " + how +
                                 " to be a tool error (isError true) with a message saying so",
                             m->is_error ? "a tool error with no text"
                                         : "an ordinary result: " + excerpt(m->text, 160));
    }
    auto after = read_control(lake);
    if (!after) return Outcome::could_not_run(after.error());
    if (after->reward != before->reward || after->status != before->status) {
      return Outcome::broken("the refused move changes nothing: " + before->describe(),
                             "after " + tool + " " + action + ": " + after->describe());
    }
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

Outcome moves_after_end_check(Context& ctx) {
  const GameDriver& game = ctx.game();
  std::string checked;
  {
    auto lake = Lake::open(ctx, {{"seed", 3}, {"config", game.short_episode_config()}}, true);
    if (!lake) return Outcome::could_not_run(lake.error());
    auto ending = ending_for(ctx, *lake);
    if (!ending) return Outcome::could_not_run(ending.error());
    auto o = after_end(ctx, *lake, ending->actions, "terminated", ending->until_end);
    const bool unreached = ending->until_end && o.kind == Outcome::Kind::kCouldNotRun &&
                           o.actual.find("did not end") != std::string::npos;
    if (!unreached && o.kind != Outcome::Kind::kHeld) return o;
    if (!unreached)
      checked = "after termination";
    else
      ctx.note(std::to_string(kRandomBudget) + " random actions did not end the episode");
  }
  if (ctx.profile().claims(Feature::kTruncation)) {
    json config = game.long_episode_config();
    config["max_episode_steps"] = 1;
    auto lake = Lake::open(ctx, {{"seed", 3}, {"config", config}}, true);
    if (!lake) return Outcome::could_not_run(lake.error());
    auto o = after_end(ctx, *lake, {game.actions().front()}, "truncated");
    if (o.kind != Outcome::Kind::kHeld) return o;
    checked += checked.empty() ? "after truncation" : " and after truncation";
  }
  if (checked.empty()) {
    return Outcome::not_applicable(
        "no episode end to move after: " + std::to_string(kRandomBudget) +
        " random actions did not end one, and the profile does not claim truncation");
  }
  return Outcome::held("moves after the end are tool errors that change nothing",
                       "two moves " + checked + " were refused; reward and status stayed the same");
}

Outcome truncation_check(Context& ctx) {
  const std::vector<std::string> desc = {"SFFF", "FFFF", "FFFF", "FFFG"};
  auto lake =
      Lake::open(ctx, {{"seed", 5}, {"config", {{"desc", desc}, {"max_episode_steps", 3}}}}, true);
  if (!lake) return Outcome::could_not_run(lake.error());
  const std::string expected =
      "with max_episode_steps 3, LEFT into the wall: truncated false on steps 1 and 2, truncated "
      "true (terminated false) on step 3 with step_count 3";
  for (int step = 1; step <= 3; ++step) {
    auto m = lake->move("LEFT");
    if (!m) return Outcome::broken(expected, "step " + std::to_string(step) + ": " + m.error());
    if (m->is_error) {
      return Outcome::broken(
          expected, "step " + std::to_string(step) + " was a tool error: " + excerpt(m->text, 160));
    }
    auto c = read_control(*lake);
    if (!c) return Outcome::could_not_run(c.error());
    ctx.note("step " + std::to_string(step) + ": " + c->describe());
    if (!c->complete()) {
      return Outcome::broken(expected, "step " + std::to_string(step) + ": " + c->describe());
    }
    const bool want = step == 3;
    if (*c->truncated != want || *c->terminated || *c->step_count != step) {
      return Outcome::broken(expected, "step " + std::to_string(step) + ": truncated " +
                                           fmt(c->truncated) + ", terminated " +
                                           fmt(c->terminated) + ", step_count " +
                                           std::to_string(*c->step_count));
    }
  }
  return Outcome::held(expected, "as expected");
}

Outcome multi_env_check(Context& ctx) {
  const int n = std::min(8, ctx.profile().max_envs.value_or(8));
  if (n < 2) return Outcome::not_applicable("the profile allows fewer than 2 live sessions");
  std::vector<harness::EnvironmentSpec> envs;
  for (int i = 0; i < n; ++i) {
    envs.push_back({static_cast<std::uint64_t>(100 + i),
                    {{"desc", snake_map(i + 1)}, {"is_slippery", false}}});
  }
  episode::ContextConnector connector(ctx);
  const auto result = harness::run_rollout(connector, envs, harness::shortest_path_policy(),
                                           episode::rollout_options(ctx, 12, true));
  std::string summary;
  for (const auto& env : result.envs) {
    ctx.note(env.describe());
    if (!summary.empty()) summary += "; ";
    summary += "env " + std::to_string(env.env_index) + " at step " + std::to_string(env.steps);
  }
  const std::string expected =
      "in one rollout of " + std::to_string(n) + " environments (desc maps with G 1.." +
      std::to_string(n) +
      " moves from S), environment i terminates at step i+1 with reward 1.0 while the others go on";
  for (const auto& env : result.envs) {
    const int want = env.env_index + 1;
    if (env.error) return Outcome::broken(expected, env.describe());
    if (!env.terminated || env.truncated || env.steps != want || env.total_reward != 1.0) {
      return Outcome::broken(expected, env.describe() + "; expected terminated at step " +
                                           std::to_string(want) +
                                           " (where it reaches G), total reward 1.0");
    }
    // The recording: one line per step, only the last one ended (so no call
    // went to an ended environment).
    if (static_cast<int>(env.lines.size()) != want) {
      return Outcome::broken(expected, "env " + std::to_string(env.env_index) + " recorded " +
                                           std::to_string(env.lines.size()) + " steps");
    }
    for (const auto& line : env.lines) {
      const json& last = line.messages.back();
      const json cp = last.contains("metadata") && last["metadata"].is_object()
                          ? last["metadata"].value("control_plane", json::object())
                          : json::object();
      const bool ended = true_at(cp, "terminated") || true_at(cp, "truncated");
      if (ended != (line.step == want)) {
        return Outcome::broken(expected, "env " + std::to_string(env.env_index) + " step " +
                                             std::to_string(line.step) + ": control plane " +
                                             show(cp));
      }
    }
  }
  return Outcome::held(expected, summary);
}

}  // namespace

std::vector<Check> termination_checks() {
  return {
      // LAKE-006: "The reward is 1.0 on the step that reaches `G` and 0.0 on every other step."
      // (with LAKE-007: that step ends the episode)
      must_check("termination.goal", "LAKE-006",
                 "The reward is 1.0 on the step that reaches `G` and 0.0 on every other step. "
                 "Rewards are JSON floats (`1.0`, `0.0`).",
                 model_needs(), goal_check),
      // LAKE-007: "The episode terminates on the step that enters `H` or `G`."
      must_check("termination.hole", "LAKE-007", episode::kRuleLake007, model_needs(), hole_check),
      // DATA-006: "A move after the episode has ended (terminated or truncated) is a tool
      // error saying so, and it changes nothing."
      must_check("termination.moves-after-end", "DATA-006", episode::kRuleData006, gym_needs(),
                 moves_after_end_check),
      // EPIS-001 (was LAKE-008): "Feature `truncation`: the episode is truncated on the step where
      // `step_count` reaches `max_episode_steps` ..."
      must_check("termination.truncation", "EPIS-001",
                 "Feature `truncation`: the episode is truncated on the step where `step_count` "
                 "reaches `max_episode_steps`, and both flags may be true on that step.",
                 model_needs({Feature::kTruncation}), truncation_check),
      // LAKE-007: "The episode terminates on the step that enters `H` or `G`." Here in a
      // multi-environment rollout, where each session's environment is its own (SESS-008):
      // each ends at its own step while the others go on.
      must_check("termination.multi-env-rollout", "LAKE-007", episode::kRuleLake007, model_needs(),
                 multi_env_check),
  };
}

}  // namespace mcpgym::conformance
