// Properties: random interleavings of moves and reads over several sessions
// open at once, judged against a model of each session (RapidCheck).
//
// Each case opens three sessions: s0 and s1 with the same seed and
// configuration (non-slippery; SESS-008 says they still evolve apart), and s2
// with another seed, slippery when the profile claims both `slippery` and
// `gymnasium-maps` (only then are slippery outcomes predictable, with
// games/frozenlake's FrozenLake on the same seed), and with a
// max_episode_steps when it claims `truncation`. The model takes each
// session's map from the implementation's own game://initial_state, so it
// applies to servers whose maps are not gymnasium's: a non-slippery session is
// fully determined by its map (LAKE-004, LAKE-006, LAKE-007, LAKE-008). Then a
// random sequence of commands (move, invalid move, read reward / status / info
// / initial_state, through each offered control-plane form) runs against the
// three sessions, and every answer is compared with the model: position and
// grid after a move (DATA-003, DATA-004), the control plane right after it
// (CTRL-004..007), tool errors for invalid actions and for moves after the end
// that change nothing (DATA-005, DATA-006).
//
// Running RapidCheck quietly: rc::check prints to stderr and reads RC_PARAMS
// (a process-wide configuration). This file calls
// rc::detail::checkProperty(property, metadata, params, listener, reproduce)
// with its own TestParams (seed, number of cases, largest size), the no-op
// TestListenerAdapter and an empty reproduce map: the overload that neither
// loads the configuration (the shorter overloads do, and that prints "Using
// configuration: ..." to stderr) nor prints anything, and returns the TestResult (SuccessResult /
// FailureResult with the shrunk counterexample). It is in rc::detail but it is the entry point
// every RapidCheck integration (gtest.h, catch.h, boost_test.h) uses, so it is the least fragile
// one available. RapidCheck keeps its implicit parameters in process-wide statics, so runs are
// serialized by a mutex.
//
// Reproducing: each run draws a RapidCheck seed (or takes
// MCPGYM_CONFORM_PROPERTY_SEED from the environment) and reports it, with the
// shrunk minimal failing command sequence, in the outcome.
#include <rapidcheck.h>
#include <rapidcheck/detail/TestListenerAdapter.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/core/context.hpp"
#include "games/frozenlake/frozen_lake.hpp"
#include "games/frozenlake/map.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kSessions = 3;
constexpr const char* kActionNames[4] = {"LEFT", "DOWN", "RIGHT", "UP"};
constexpr const char* kSeedVariable = "MCPGYM_CONFORM_PROPERTY_SEED";

// ---------------------------------------------------------------------------
// Commands.

enum class Op { kMove, kBadMove, kReward, kStatus, kInfo, kInitialState };

struct Command {
  Op op = Op::kMove;
  int session = 0;
  int action = 0;         // kMove
  bool via_http = false;  // reads of reward/status/info: GET /control/* instead of a resource
};

std::string describe(const Command& c) {
  const std::string s = "s" + std::to_string(c.session);
  const std::string via = c.via_http ? "GET /control/" : "control://";
  switch (c.op) {
    case Op::kMove:
      return "move(" + s + ", " + kActionNames[c.action] + ")";
    case Op::kBadMove:
      return "move(" + s + ", \"JUMP\")";
    case Op::kReward:
      return "read(" + s + ", " + via + "reward)";
    case Op::kStatus:
      return "read(" + s + ", " + via + "status)";
    case Op::kInfo:
      return "read(" + s + ", " + via + "info)";
    case Op::kInitialState:
      return "read(" + s + ", game://initial_state)";
  }
  return "?";
}

// For RapidCheck's own counterexample rendering.
[[maybe_unused]] void showValue(const Command& c, std::ostream& os) {
  os << describe(c);
}

rc::Gen<Command> command_gen(bool resources, bool http) {
  auto op = rc::gen::weightedElement<Op>({{6, Op::kMove},
                                          {1, Op::kBadMove},
                                          {2, Op::kReward},
                                          {2, Op::kStatus},
                                          {1, Op::kInfo},
                                          {1, Op::kInitialState}});
  return rc::gen::map(rc::gen::tuple(op, rc::gen::inRange(0, kSessions), rc::gen::inRange(0, 4),
                                     rc::gen::arbitrary<bool>()),
                      [resources, http](const std::tuple<Op, int, int, bool>& t) {
                        Command c;
                        c.op = std::get<0>(t);
                        c.session = std::get<1>(t);
                        c.action = std::get<2>(t);
                        c.via_http = http && (!resources || std::get<3>(t));
                        return c;
                      });
}

struct Case {
  int seed_a = 0;  // s0 and s1
  int seed_b = 0;  // s2
  int max_steps = 0;
  std::vector<Command> commands;
};

// ---------------------------------------------------------------------------
// The model of one session.

struct SessionSpec {
  int seed = 0;
  bool slippery = false;
  std::optional<int> max_steps;
  json extra() const {
    json config = {{"is_slippery", slippery}};
    if (max_steps) config["max_episode_steps"] = *max_steps;
    return {{"seed", seed}, {"config", config}};
  }
  std::string describe() const {
    return "seed " + std::to_string(seed) + (slippery ? ", slippery" : ", not slippery") +
           (max_steps ? ", max_episode_steps " + std::to_string(*max_steps) : "");
  }
};

struct SessionModel {
  std::vector<std::string> rows;
  json initial_state;
  int position = 0;
  int steps = 0;
  double reward = 0.0, total = 0.0, prob = 1.0;
  bool terminated = false, truncated = false;
  std::optional<int> max_steps;
  std::optional<frozenlake::FrozenLake> env;

  int size() const { return static_cast<int>(rows.size()); }
  bool ended() const { return terminated || truncated; }
  std::string grid() const {
    std::string out;
    for (int r = 0; r < size(); ++r) {
      std::string row = rows[static_cast<std::size_t>(r)];
      if (position / size() == r) row[static_cast<std::size_t>(position % size())] = 'P';
      out += (r ? "\n" : "") + row;
    }
    return out;
  }
  // games/frozenlake's model, slippery or not (a non-slippery step is
  // determined by the map, so any implementation's map can be modelled).
  void step(int action) {
    ++steps;
    const auto r = env->step(static_cast<frozenlake::Action>(action));
    position = r.position;
    reward = r.reward;
    terminated = r.terminated;
    truncated = r.truncated;
    prob = r.prob;
    total += reward;
  }
};

// ---------------------------------------------------------------------------
// Comparing answers with the model.

bool same_value(const json& got, const json& want) {
  if (got.is_number() && want.is_number()) {
    return std::fabs(got.get<double>() - want.get<double>()) <= 1e-9;
  }
  return got == want;
}

// "" when every key of `want` is in `got` with the same value; else what differs.
std::string differences(const json& got, const json& want) {
  if (!got.is_object()) return "not a JSON object: " + excerpt(got.dump(), 200);
  std::string out;
  for (const auto& [key, value] : want.items()) {
    std::string line;
    if (!got.contains(key)) {
      line = key + " missing (expected " + value.dump() + ")";
    } else if (!same_value(got[key], value)) {
      line = key + " " + excerpt(got[key].dump(), 80) + " (expected " + excerpt(value.dump(), 80) +
             ")";
    }
    if (!line.empty()) out += (out.empty() ? "" : ", ") + line;
  }
  return out;
}

// The JSON object in the text of the first element of `holder[key]`.
std::optional<json> first_text_json(const json& holder, const char* key) {
  if (!holder.is_object() || !holder.contains(key) || !holder[key].is_array() ||
      holder[key].empty() || !holder[key][0].is_object() || !holder[key][0].contains("text") ||
      !holder[key][0]["text"].is_string()) {
    return std::nullopt;
  }
  json j = parse_json_or_discarded(holder[key][0]["text"].get<std::string>());
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

bool is_tool_error(const json& result) {
  return result.is_object() && result.contains("isError") && result["isError"] == true;
}

// ---------------------------------------------------------------------------
// A run of the property.

struct Run {
  explicit Run(Context& c) : ctx(c) {}
  Context& ctx;
  std::vector<SessionSpec> (*specs_for)(const Case&, const Profile&) = nullptr;
  bool resources = false, http = false;
  Clock::time_point deadline;  // no new cases after it
  std::chrono::milliseconds shrink_budget{0};
  std::optional<Clock::time_point> shrink_deadline;  // set by the first failure

  int cases_run = 0;
  bool cut_short = false;
  std::string setup_error;   // a session that could not be opened (not this property's rule)
  std::string last_failure;  // the problem of the most recent failing case
  std::string last_trace;    // and its case and commands, up to the failing one
  std::size_t last_length = 0;

  // One case against the implementation: "" when every answer matched.
  std::string execute(const Case& c, std::string& trace);
};

std::vector<SessionSpec> session_specs(const Case& c, const Profile& profile) {
  SessionSpec a{c.seed_a, false, std::nullopt};
  SessionSpec b{
      c.seed_b, profile.claims(Feature::kSlippery) && profile.claims(Feature::kGymnasiumMaps),
      profile.claims(Feature::kTruncation) ? std::optional<int>(c.max_steps) : std::nullopt};
  return {a, a, b};
}

// Closes every session of a case, whatever happened.
struct Sessions {
  std::vector<std::unique_ptr<harness::McpClient>> clients;
  ~Sessions() {
    for (auto& c : clients) {
      if (c) (void)c->close();
    }
  }
};

std::string Run::execute(const Case& c, std::string& trace) {
  const auto specs = specs_for(c, ctx.profile());
  Sessions sessions;
  std::vector<SessionModel> models(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    trace += (i ? "; s" : "s") + std::to_string(i) + ": " + specs[i].describe();
  }
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const std::string s = "s" + std::to_string(i);
    auto client = ctx.session(specs[i].extra());
    if (!client) {
      setup_error = "opening " + s + " (" + specs[i].describe() + "): " + client.error();
      return "";
    }
    sessions.clients.push_back(std::move(client).value());
    auto state = sessions.clients.back()->read_resource("game://initial_state");
    if (!state) return s + ": game://initial_state could not be read: " + state.error().message();
    const json& st = *state;
    SessionModel& m = models[i];
    m.initial_state = st;
    m.max_steps = specs[i].max_steps;
    if (!st.is_object() || !st.contains("map") || !st["map"].is_array() || st["map"].empty() ||
        st["map"].size() > 64 || !st.contains("position") || !st["position"].is_number_integer()) {
      return s +
             ": game://initial_state has no usable map and position: " + excerpt(st.dump(), 200);
    }
    for (const auto& row : st["map"]) {
      if (!row.is_string() || row.get_ref<const std::string&>().size() != st["map"].size() ||
          row.get_ref<const std::string&>().find_first_not_of("SFHG") != std::string::npos) {
        return s + ": game://initial_state \"map\" is not a square of S F H G: " +
               excerpt(st["map"].dump(), 200);
      }
      m.rows.push_back(row.get<std::string>());
    }
    m.position = st["position"].get<int>();
    if (m.position < 0 || m.position >= m.size() * m.size()) {
      return s + ": game://initial_state position " + std::to_string(m.position) +
             " is off the map";
    }
    // The session must be the one asked for (SEED-001, CTRL-003): with a
    // shared environment it shows another session's.
    const std::string wrong = differences(
        st, {{"seed", specs[i].seed}, {"is_slippery", specs[i].slippery}, {"grid", m.grid()}});
    if (!wrong.empty()) {
      return s + " (" + specs[i].describe() + "): game://initial_state " + excerpt(st.dump(), 200) +
             " does not match the session asked for: " + wrong;
    }
    {
      auto map = frozenlake::Map::from_rows(m.rows);
      if (auto* why = std::get_if<std::string>(&map)) return s + ": the map is not valid: " + *why;
      m.env.emplace(std::get<frozenlake::Map>(std::move(map)), specs[i].slippery,
                    specs[i].max_steps, static_cast<std::uint64_t>(specs[i].seed));
      if (m.env->initial_position() != m.position) {
        return s + ": gymnasium's reset on seed " + std::to_string(specs[i].seed) +
               " starts at position " + std::to_string(m.env->initial_position()) +
               " but game://initial_state says " + std::to_string(m.position);
      }
    }
  }
  trace += c.commands.empty() ? "; no commands" : "; commands:";
  int n = 0;
  for (const Command& cmd : c.commands) {
    trace += " " + std::to_string(++n) + ". " + describe(cmd);
    harness::McpClient& client = *sessions.clients[static_cast<std::size_t>(cmd.session)];
    SessionModel& m = models[static_cast<std::size_t>(cmd.session)];
    std::string problem;
    switch (cmd.op) {
      case Op::kMove:
      case Op::kBadMove: {
        const std::string action = cmd.op == Op::kMove ? kActionNames[cmd.action] : "JUMP";
        auto r = client.call_tool("lake_move", {{"action", action}});
        if (!r) {
          problem = "no tool result: " + r.error().message();
        } else if (cmd.op == Op::kBadMove || m.ended()) {
          if (!is_tool_error(*r)) {
            problem = std::string(cmd.op == Op::kBadMove
                                      ? "an invalid action should be a tool error (DATA-005)"
                                      : "a move after the episode ended (" +
                                            std::string(m.terminated ? "terminated" : "truncated") +
                                            " at step " + std::to_string(m.steps) +
                                            ") should be a tool error (DATA-006)") +
                      " but answered " + excerpt(r->dump(), 200);
          }
        } else if (is_tool_error(*r)) {
          problem = "a tool error where the model moves: " + excerpt(r->dump(), 200);
        } else {
          m.step(cmd.action);
          auto payload = first_text_json(*r, "content");
          if (!payload) {
            problem = "no JSON payload in the tool result: " + excerpt(r->dump(), 200);
          } else if (auto d = differences(
                         *payload,
                         {{"position", m.position}, {"grid", m.grid()}, {"action", action}});
                     !d.empty()) {
            problem = "answered " + excerpt(payload->dump(), 200) + ": " + d;
          }
        }
        break;
      }
      case Op::kReward:
      case Op::kStatus:
      case Op::kInfo: {
        const std::string name =
            cmd.op == Op::kReward ? "reward" : (cmd.op == Op::kStatus ? "status" : "info");
        auto r = cmd.via_http ? client.read_control_http(name)
                              : client.read_resource("control://" + name);
        if (!r) {
          problem = "no answer: " + r.error().message();
          break;
        }
        json want;
        if (cmd.op == Op::kReward) {
          want = {{"reward", m.reward}, {"step_count", m.steps}};
        } else if (cmd.op == Op::kStatus) {
          want = {{"terminated", m.terminated},
                  {"truncated", m.truncated},
                  {"step_count", m.steps},
                  {"total_reward", m.total}};
        } else if (m.steps == 0) {
          if (*r != json::object())
            problem =
                "answered " + excerpt(r->dump(), 200) + " (expected {} before the first step)";
          break;
        } else {
          // LAKE-009's {"prob": p} is a SHOULD: judged only when present.
          want = r->is_object() && r->contains("prob") ? json{{"prob", m.prob}} : json::object();
        }
        if (auto d = differences(*r, want); !d.empty()) {
          problem = "answered " + excerpt(r->dump(), 200) + ": " + d;
        }
        break;
      }
      case Op::kInitialState: {
        auto r = client.read_resource("game://initial_state");
        if (!r) {
          problem = "no answer: " + r.error().message();
        } else if (*r != m.initial_state) {
          problem = "answered " + excerpt(r->dump(), 200) +
                    ", not what it said at the start: " + excerpt(m.initial_state.dump(), 200);
        }
        break;
      }
    }
    if (!problem.empty()) {
      trace += " <- here";
      return std::to_string(n) + ". " + describe(cmd) + " (s" + std::to_string(cmd.session) +
             " at step_count " + std::to_string(m.steps) + " in the model): " + problem;
    }
  }
  return "";
}

std::uint64_t run_seed(std::string& origin) {
  if (const char* s = std::getenv(kSeedVariable); s && *s) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s, &end, 10);
    if (end && *end == '\0') {
      origin = std::string("from ") + kSeedVariable;
      return v;
    }
  }
  origin = "drawn for this run";
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

std::timed_mutex& rapidcheck_mutex() {
  static std::timed_mutex m;
  return m;
}

Outcome run_property(Context& ctx) {
  const Profile& profile = ctx.profile();
  // Each proxy session (and each stdio session) starts a process: fewer cases there.
  const bool heavy = profile.kind == ProfileKind::kProxy || profile.launch == LaunchMode::kStdio;
  const int cases = heavy ? 12 : 40;
  const int max_length = heavy ? 20 : 30;
  const auto budget = heavy ? std::chrono::seconds(12) : std::chrono::seconds(6);
  const auto shrink_budget = heavy ? std::chrono::seconds(8) : std::chrono::seconds(4);

  std::unique_lock lock(rapidcheck_mutex(), std::defer_lock);
  if (!lock.try_lock_for(budget)) {
    return Outcome::could_not_run("another RapidCheck property run did not finish in time");
  }

  std::string seed_origin;
  const std::uint64_t seed = run_seed(seed_origin);
  Run run(ctx);
  run.specs_for = session_specs;
  run.resources = profile.offers(ControlPlane::kResources);
  run.http = profile.offers(ControlPlane::kHttp);
  run.deadline = Clock::now() + budget;
  run.shrink_budget = shrink_budget;
  if (!run.resources && !run.http) run.resources = true;

  const auto commands = command_gen(run.resources, run.http);
  auto property = [&run, &commands]() -> bool {
    Case c;
    c.seed_a = *rc::gen::inRange(0, 10000);
    c.seed_b = *rc::gen::inRange(0, 10000);
    c.max_steps = *rc::gen::inRange(2, 12);
    c.commands = *rc::gen::container<std::vector<Command>>(commands);
    const auto now = Clock::now();
    if (now > (run.shrink_deadline ? *run.shrink_deadline : run.deadline) ||
        !run.setup_error.empty()) {
      run.cut_short = true;
      return true;  // out of time: a vacuous pass (a shrink that is not taken)
    }
    ++run.cases_run;
    std::string trace;
    std::string failure;
    try {
      failure = run.execute(c, trace);
    } catch (const std::exception& e) {
      failure = std::string("the check could not read an answer: ") + e.what();
    }
    if (failure.empty()) return true;
    if (!run.shrink_deadline) run.shrink_deadline = Clock::now() + run.shrink_budget;
    run.last_failure = failure;
    run.last_trace = trace;
    run.last_length = c.commands.size();
    return false;
  };

  rc::detail::TestParams params;
  params.seed = seed;
  params.maxSuccess = cases;
  params.maxSize = max_length;
  params.maxDiscardRatio = 10;
  params.disableShrinking = false;
  rc::detail::TestListenerAdapter quiet;
  rc::detail::TestMetadata metadata;
  metadata.id = "properties.session-interleavings";
  metadata.description = metadata.id;
  const auto started = Clock::now();
  // The overload with a reproduce map: the shorter ones read the process-wide
  // configuration (RC_PARAMS), which prints "Using configuration" to stderr.
  const std::unordered_map<std::string, rc::detail::Reproduce> no_reproduce;
  const rc::detail::TestResult result = rc::detail::checkProperty(
      rc::detail::toProperty(property), metadata, params, quiet, no_reproduce);
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();

  const std::string expected =
      "in random interleavings of moves and reads over " + std::to_string(kSessions) +
      " sessions open at once, every answer is what a model of that session alone predicts "
      "(position and grid after a move; reward, step_count, terminated, truncated, "
      "total_reward right after it; tool errors, changing nothing, for an invalid action and "
      "for moves after the end)";
  const std::string reproduce = "RapidCheck seed " + std::to_string(seed) + " (" + seed_origin +
                                "; rerun with " + kSeedVariable + "=" + std::to_string(seed) + ")";
  const std::string scale =
      std::to_string(cases) + " cases of up to " + std::to_string(max_length) + " commands";
  rc::detail::FailureResult failure;
  if (result.match(failure)) {
    Outcome o =
        Outcome::broken(expected, run.last_failure + " [minimal failing case after shrinking, " +
                                      std::to_string(run.last_length) +
                                      " commands: " + run.last_trace + "; " + reproduce + "]");
    return std::move(o)
        .with(reproduce + "; failed after " + std::to_string(failure.numSuccess) +
              " passing cases of " + scale + "; " + std::to_string(run.cases_run) +
              " cases run in all (shrinking included) in " + std::to_string(took) + " ms" +
              (run.cut_short ? "; shrinking was cut short by its time budget, so the case shown "
                               "may not be the smallest"
                             : ""))
        .with("minimal case: " + run.last_trace);
  }
  if (!run.setup_error.empty()) {
    return Outcome::could_not_run(run.setup_error + " (" + reproduce + ")");
  }
  rc::detail::SuccessResult success;
  if (result.match(success)) {
    const std::string ran =
        run.cut_short
            ? std::to_string(run.cases_run) + " of " + scale + " (the time budget ran out)"
            : std::to_string(run.cases_run) + " " + scale.substr(scale.find(' ') + 1);
    return std::move(Outcome::held(expected,
                                   "every answer matched the model in " + ran + "; " + reproduce))
        .with("took " + std::to_string(took) + " ms");
  }
  std::ostringstream other;
  rc::detail::printResultMessage(result, other);
  return Outcome::could_not_run("RapidCheck did not finish the property: " +
                                excerpt(other.str(), 300) + " (" + reproduce + ")");
}

}  // namespace

std::vector<Check> session_property_checks() {
  std::vector<Check> checks;
  // SESS-008: "Each session has its own environment, never shared. Two sessions
  // evolve independently even with the same seed and configuration: a step in
  // one changes nothing in the other." Judged over random interleavings, which
  // also exercise SESS-007, LAKE-004..008, DATA-003..006 and CTRL-004..007.
  checks.push_back(Check{
      .id = "properties.session-interleavings",
      .spec_id = "SESS-008",
      .level = Level::kMust,
      .rule = "Each session has its own environment, never shared. Two sessions evolve "
              "independently even with the same seed and configuration: a step in one changes "
              "nothing in the other.",
      .needs = {.kinds = kGymKinds,
                .features = {},
                .control = {},
                .transport = {},
                .model = true,
                .games = {"frozenlake"}},
      .fresh_process = false,
      .run = run_property});
  return checks;
}

}  // namespace mcpgym::conformance
