// Properties: random interleavings of moves and reads over several sessions
// open at once, judged against a model of each session (RapidCheck), for any
// game the suite has a driver and model of (conformance/games/driver.hpp).
//
// Each case opens three sessions: s0 and s1 with the same seed and
// configuration (non-slippery; SESS-008 says they still evolve apart), and s2
// with another seed, slippery when the profile claims `slippery` and what the
// game's exact dynamics need (ExactDynamics: FrozenLake's `gymnasium-maps`,
// nothing for CliffWalking; only then are slippery outcomes predictable); all
// three with a short max_episode_steps when it claims `truncation`. The driver builds each
// session's model from the implementation's own game://initial_state (a
// FrozenLake model takes its map from there, so it applies to servers whose
// maps are not gymnasium's: a non-slippery session is fully determined by its
// map). Then a random sequence of commands (move, invalid move, read reward /
// status / info / initial_state, through each offered control-plane form) runs
// against the three sessions, and every answer is compared with the model: the
// observation after a move (DATA-010; DATA-003/004, CLIFF-008), the control
// plane right after it (CTRL-004..007, EPIS-001, EPIS-003), tool errors for
// invalid actions and for moves after the end that change nothing (DATA-005,
// DATA-006).
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
// Over handles (HANDLE-012, the modern era): the same property with the three
// environments created by env_create on one modern client and addressed by
// their env_id (properties.handle-interleavings), every read through the
// per-handle resources or GET /control/<name>?env_id=.
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
#include <tuple>
#include <unordered_map>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/core/context.hpp"
#include "conformance/games/driver.hpp"
#include "harness/rollout/handles.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kSessions = 3;
constexpr const char* kSeedVariable = "MCPGYM_CONFORM_PROPERTY_SEED";

// ---------------------------------------------------------------------------
// Commands.

enum class Op { kMove, kBadMove, kReward, kStatus, kInfo, kInitialState };

struct Command {
  Op op = Op::kMove;
  int session = 0;
  int action = 0;           // kMove: an index into the game's actions
  std::string action_name;  // and its name
  bool via_http = false;    // reads of reward/status/info: GET /control/* instead of a resource
};

const char* control_name(Op op) {
  return op == Op::kReward ? "reward" : (op == Op::kStatus ? "status" : "info");
}

std::string describe(const Command& c) {
  const std::string s = "s" + std::to_string(c.session);
  const std::string via = c.via_http ? "GET /control/" : "control://";
  switch (c.op) {
    case Op::kMove:
      return "move(" + s + ", " + c.action_name + ")";
    case Op::kBadMove:
      return "move(" + s + ", \"JUMP\")";
    case Op::kReward:
    case Op::kStatus:
    case Op::kInfo:
      return "read(" + s + ", " + via + control_name(c.op) + ")";
    case Op::kInitialState:
      return "read(" + s + ", game://initial_state)";
  }
  return "?";
}

// For RapidCheck's own counterexample rendering.
[[maybe_unused]] void showValue(const Command& c, std::ostream& os) {
  os << describe(c);
}

// What the generator draws, before it becomes a Command.
using Drawn = std::tuple<Op, int, int, bool>;

struct CommandMaker {
  std::vector<std::string> actions;
  bool resources = false, http = false;
  Command operator()(const Drawn& t) const {
    Command c;
    c.op = std::get<0>(t);
    c.session = std::get<1>(t);
    c.action = std::get<2>(t);
    c.action_name = actions[static_cast<std::size_t>(c.action)];
    c.via_http = http && (!resources || std::get<3>(t));
    return c;
  }
};

rc::Gen<Command> command_gen(CommandMaker maker) {
  auto op = rc::gen::weightedElement<Op>({{6, Op::kMove},
                                          {1, Op::kBadMove},
                                          {2, Op::kReward},
                                          {2, Op::kStatus},
                                          {1, Op::kInfo},
                                          {1, Op::kInitialState}});
  const int actions = static_cast<int>(maker.actions.size());
  return rc::gen::map(rc::gen::tuple(op, rc::gen::inRange(0, kSessions),
                                     rc::gen::inRange(0, actions), rc::gen::arbitrary<bool>()),
                      std::move(maker));
}

struct Case {
  int seed_a = 0;  // s0 and s1
  int seed_b = 0;  // s2
  int max_steps = 0;
  std::vector<Command> commands;
};

Case draw_case(const rc::Gen<Command>& commands) {
  Case c;
  c.seed_a = *rc::gen::inRange(0, 10000);
  c.seed_b = *rc::gen::inRange(0, 10000);
  // Short, and for every session: random moves seldom end a CliffWalking
  // episode, so truncation is what brings its sessions to an end and to a
  // move after it (DATA-006).
  c.max_steps = *rc::gen::inRange(1, 7);
  c.commands = *rc::gen::container<std::vector<Command>>(commands);
  return c;
}

// ---------------------------------------------------------------------------
// The model of one session.

struct SessionSpec {
  int seed = 0;
  bool slippery = false;
  std::optional<int> max_steps;
  // The game's config keys that make the session (slipperiness), and the seed.
  json config(const GameDriver& game) const {
    json config = slipperiness_config(game, slippery);
    if (max_steps) config["max_episode_steps"] = *max_steps;
    return config;
  }
  std::string describe() const {
    return "seed " + std::to_string(seed) + (slippery ? ", slippery" : ", not slippery") +
           (max_steps ? ", max_episode_steps " + std::to_string(*max_steps) : "");
  }
};

// What a session shows, as its driver's model predicts it.
struct SessionModel {
  json initial_state;
  std::unique_ptr<GameModel> model;
  json observation;  // the model's observation members after the last step
  int steps = 0;
  double reward = 0.0, total = 0.0, prob = 1.0;
  bool terminated = false, truncated = false;

  bool ended() const { return terminated || truncated; }
  void step(int action) {
    const PredictedStep p = model->step(action);
    ++steps;
    observation = p.observation;
    reward = p.reward;
    terminated = p.terminated;
    truncated = p.truncated;
    prob = p.prob;
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

// One environment of a case as the run reaches it: an MCP session of its own
// (legacy), or a handle on the case's one modern client (HANDLE-012).
class EnvAccess {
 public:
  virtual ~EnvAccess() = default;
  // The game's tool with `action`.
  virtual harness::Result<json> move(const std::string& tool, const std::string& action) = 0;
  // `name` (reward, status, info, initial_state) as a resource, or by GET /control/*.
  virtual harness::Result<json> read(const std::string& name, bool via_http) = 0;
  // How the initial state's resource is named, for messages.
  virtual std::string initial_state_uri() const = 0;
};

class SessionAccess final : public EnvAccess {
 public:
  explicit SessionAccess(std::unique_ptr<harness::McpClient> client) : client_(std::move(client)) {}
  ~SessionAccess() override { (void)client_->close(); }
  harness::Result<json> move(const std::string& tool, const std::string& action) override {
    return client_->call_tool(tool, {{"action", action}});
  }
  harness::Result<json> read(const std::string& name, bool via_http) override {
    if (name == "initial_state") return client_->read_resource(initial_state_uri());
    return via_http ? client_->read_control_http(name)
                    : client_->read_resource("control://" + name);
  }
  std::string initial_state_uri() const override { return "game://initial_state"; }

 private:
  std::unique_ptr<harness::McpClient> client_;
};

class HandleAccess final : public EnvAccess {
 public:
  HandleAccess(harness::McpClient& client, std::string env_id)
      : client_(client), env_id_(std::move(env_id)) {}
  ~HandleAccess() override { (void)harness::close_env(client_, env_id_); }
  harness::Result<json> move(const std::string& tool, const std::string& action) override {
    return client_.call_tool(tool, harness::with_env_id({{"action", action}}, env_id_));
  }
  harness::Result<json> read(const std::string& name, bool via_http) override {
    return harness::read_env_control(
        client_,
        via_http ? harness::ControlPlaneForm::kHttp : harness::ControlPlaneForm::kResources,
        env_id_, name);
  }
  std::string initial_state_uri() const override {
    return harness::env_control_uri(env_id_, "initial_state");
  }

 private:
  harness::McpClient& client_;
  std::string env_id_;
};

// The environments of a case, and the modern client their handles live on;
// every one is closed (session or handle) whatever happened.
struct Envs {
  std::unique_ptr<harness::McpClient> modern;  // declared first: outlives the handles
  std::vector<std::unique_ptr<EnvAccess>> open;

  // A legacy session initialized with `extra`.
  Expected<void, std::string> open_session(Context& ctx, const json& extra) {
    auto client = ctx.session(extra);
    if (!client) return unexpected(client.error());
    open.push_back(std::make_unique<SessionAccess>(std::move(client).value()));
    return {};
  }
  // An env_create'd handle on the modern client (discovered on first use).
  Expected<void, std::string> create_handle(Context& ctx, std::uint64_t seed, const json& config) {
    if (!modern) {
      harness::ClientOptions options;
      options.era = harness::Era::kModern;
      auto client = ctx.client(options);
      if (!client) return unexpected(client.error());
      if (auto discovered = (*client)->initialize(nullptr); !discovered)
        return unexpected("server/discover failed: " + discovered.error().message());
      modern = std::move(client).value();
    }
    auto created = harness::create_env(*modern, seed, config);
    if (!created) return unexpected("env_create failed: " + created.error().message());
    open.push_back(std::make_unique<HandleAccess>(*modern, created->env_id));
    return {};
  }
  ~Envs() { open.clear(); }
};

// ---------------------------------------------------------------------------
// A run of the property.

struct Run {
  Run(Context& c, bool over_handles) : ctx(c), game(c.game()), handles(over_handles) {}
  Context& ctx;
  const GameDriver& game;
  bool handles;                // environments by env_create and env_id, else by session
  bool slippery = false;       // s2 is slippery
  bool truncation = false;     // s2 has a max_episode_steps
  Clock::time_point deadline;  // no new cases after it
  std::chrono::milliseconds shrink_budget{0};
  std::optional<Clock::time_point> shrink_deadline;  // set by the first failure

  int cases_run = 0;
  bool cut_short = false;
  std::string setup_error;   // a session that could not be opened (not this property's rule)
  std::string last_failure;  // the problem of the most recent failing case
  std::string last_trace;    // and its case and commands, up to the failing one
  std::size_t last_length = 0;

  std::vector<SessionSpec> specs(const Case& c) const;
  // One case against the implementation: whether every answer matched.
  bool one_case(const Case& c);
  // One case: "" when every answer matched, else the problem.
  std::string execute(const Case& c, std::string& trace);
  // Opens environment `i` and its model: "" when both are as asked.
  std::string open_env(std::size_t i, const SessionSpec& spec, Envs& envs, SessionModel& m);
  // One command's answer against the model: "" when it matched.
  std::string run_command(const Command& cmd, EnvAccess& env, SessionModel& m);
  std::string check_move(const Command& cmd, EnvAccess& env, SessionModel& m);
  std::string check_control_read(const Command& cmd, EnvAccess& env, const SessionModel& m);
};

std::vector<SessionSpec> Run::specs(const Case& c) const {
  const auto max_steps = truncation ? std::optional<int>(c.max_steps) : std::nullopt;
  SessionSpec a{c.seed_a, false, max_steps};
  SessionSpec b{c.seed_b, slippery, max_steps};
  return {a, a, b};
}

std::string Run::open_env(std::size_t i, const SessionSpec& spec, Envs& envs, SessionModel& m) {
  const std::string s = "s" + std::to_string(i);
  const json config = spec.config(game);
  auto opened = handles ? envs.create_handle(ctx, static_cast<std::uint64_t>(spec.seed), config)
                        : envs.open_session(ctx, {{"seed", spec.seed}, {"config", config}});
  if (!opened) {
    setup_error = "opening " + s + " (" + spec.describe() + "): " + opened.error();
    return "";
  }
  EnvAccess& env = *envs.open.back();
  auto state = env.read("initial_state", false);
  if (!state) {
    return s + ": " + env.initial_state_uri() + " could not be read: " + state.error().message();
  }
  m.initial_state = *state;
  // The session must be the one asked for (SEED-001, CTRL-011): with a
  // shared environment it shows another session's.
  json asked = slipperiness_config(game, spec.slippery);
  asked["seed"] = spec.seed;
  if (const std::string wrong = differences(m.initial_state, asked); !wrong.empty()) {
    return s + " (" + spec.describe() + "): " + env.initial_state_uri() + " " +
           excerpt(m.initial_state.dump(), 200) + " does not match the " +
           (handles ? "environment" : "session") + " asked for: " + wrong;
  }
  auto model = game.model(static_cast<std::uint64_t>(spec.seed), config, m.initial_state);
  if (!model) return s + " (" + spec.describe() + "): " + model.error();
  m.model = std::move(model).value();
  return "";
}

std::string Run::check_move(const Command& cmd, EnvAccess& env, SessionModel& m) {
  const std::string action = cmd.op == Op::kMove ? cmd.action_name : "JUMP";
  auto r = env.move(game.tool(), action);
  if (!r) return "no tool result: " + r.error().message();
  if (cmd.op == Op::kBadMove || m.ended()) {
    if (is_tool_error(*r)) return "";
    return std::string(cmd.op == Op::kBadMove
                           ? "an invalid action should be a tool error (DATA-005)"
                           : "a move after the episode ended (" +
                                 std::string(m.terminated ? "terminated" : "truncated") +
                                 " at step " + std::to_string(m.steps) +
                                 ") should be a tool error (DATA-006)") +
           " but answered " + excerpt(r->dump(), 200);
  }
  if (is_tool_error(*r)) return "a tool error where the model moves: " + excerpt(r->dump(), 200);
  m.step(cmd.action);
  auto payload = first_text_json(*r, "content");
  if (!payload) return "no JSON payload in the tool result: " + excerpt(r->dump(), 200);
  json want = m.observation;
  want["action"] = action;
  if (auto d = differences(*payload, want); !d.empty())
    return "answered " + excerpt(payload->dump(), 200) + ": " + d;
  return "";
}

std::string Run::check_control_read(const Command& cmd, EnvAccess& env, const SessionModel& m) {
  const std::string name = control_name(cmd.op);
  auto r = env.read(name, cmd.via_http);
  if (!r) return "no answer: " + r.error().message();
  json want;
  if (cmd.op == Op::kReward) {
    want = {{"reward", m.reward}, {"step_count", m.steps}};
  } else if (cmd.op == Op::kStatus) {
    want = {{"terminated", m.terminated},
            {"truncated", m.truncated},
            {"step_count", m.steps},
            {"total_reward", m.total}};
  } else if (m.steps == 0) {
    if (*r == json::object()) return "";
    return "answered " + excerpt(r->dump(), 200) + " (expected {} before the first step)";
  } else {
    // The step info's {"prob": p} (LAKE-009, CLIFF-011) is a SHOULD: judged only when present.
    want = r->is_object() && r->contains("prob") ? json{{"prob", m.prob}} : json::object();
  }
  if (auto d = differences(*r, want); !d.empty())
    return "answered " + excerpt(r->dump(), 200) + ": " + d;
  return "";
}

std::string Run::run_command(const Command& cmd, EnvAccess& env, SessionModel& m) {
  switch (cmd.op) {
    case Op::kMove:
    case Op::kBadMove:
      return check_move(cmd, env, m);
    case Op::kReward:
    case Op::kStatus:
    case Op::kInfo:
      return check_control_read(cmd, env, m);
    case Op::kInitialState: {
      auto r = env.read("initial_state", false);
      if (!r) return "no answer: " + r.error().message();
      if (*r == m.initial_state) return "";
      return "answered " + excerpt(r->dump(), 200) +
             ", not what it said at the start: " + excerpt(m.initial_state.dump(), 200);
    }
  }
  return "";
}

std::string Run::execute(const Case& c, std::string& trace) {
  const auto session_specs = specs(c);
  Envs envs;
  std::vector<SessionModel> models(session_specs.size());
  for (std::size_t i = 0; i < session_specs.size(); ++i) {
    trace += (i ? "; s" : "s") + std::to_string(i) + ": " + session_specs[i].describe();
  }
  for (std::size_t i = 0; i < session_specs.size(); ++i) {
    const std::string problem = open_env(i, session_specs[i], envs, models[i]);
    if (!problem.empty() || !setup_error.empty()) return problem;
  }
  trace += c.commands.empty() ? "; no commands" : "; commands:";
  int n = 0;
  for (const Command& cmd : c.commands) {
    trace += " " + std::to_string(++n) + ". " + describe(cmd);
    const auto index = static_cast<std::size_t>(cmd.session);
    SessionModel& m = models[index];
    if (const std::string problem = run_command(cmd, *envs.open[index], m); !problem.empty()) {
      trace += " <- here";
      return std::to_string(n) + ". " + describe(cmd) + " (s" + std::to_string(cmd.session) +
             " at step_count " + std::to_string(m.steps) + " in the model): " + problem;
    }
  }
  return "";
}

bool Run::one_case(const Case& c) {
  const auto now = Clock::now();
  if (now > (shrink_deadline ? *shrink_deadline : deadline) || !setup_error.empty()) {
    cut_short = true;
    return true;  // out of time: a vacuous pass (a shrink that is not taken)
  }
  ++cases_run;
  std::string trace;
  std::string failure;
  try {
    failure = execute(c, trace);
  } catch (const std::exception& e) {
    failure = std::string("the check could not read an answer: ") + e.what();
  }
  if (failure.empty()) return true;
  if (!shrink_deadline) shrink_deadline = Clock::now() + shrink_budget;
  last_failure = failure;
  last_trace = trace;
  last_length = c.commands.size();
  return false;
}

// Whether the profile claims what slippery sessions of its game need to be
// predictable: `slippery` and the game's exact dynamics.
bool slippery_predictable(const Profile& profile, const GameDriver& game) {
  if (!profile.claims(Feature::kSlippery) || game.slippery_config().is_null()) return false;
  for (Feature f : game.exact_dynamics().needs) {
    if (!profile.claims(f)) return false;
  }
  return true;
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

Outcome run_property(Context& ctx, bool over_handles) {
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
  Run run(ctx, over_handles);
  run.slippery = slippery_predictable(profile, run.game);
  run.truncation = profile.claims(Feature::kTruncation);
  run.deadline = Clock::now() + budget;
  run.shrink_budget = shrink_budget;
  CommandMaker maker{.actions = run.game.actions(),
                     .resources = profile.offers(ControlPlane::kResources),
                     .http = profile.offers(ControlPlane::kHttp)};
  if (!maker.resources && !maker.http) maker.resources = true;
  const auto commands = command_gen(std::move(maker));

  rc::detail::TestParams params;
  params.seed = seed;
  params.maxSuccess = cases;
  params.maxSize = max_length;
  params.maxDiscardRatio = 10;
  params.disableShrinking = false;
  rc::detail::TestListenerAdapter quiet;
  rc::detail::TestMetadata metadata;
  metadata.id =
      over_handles ? "properties.handle-interleavings" : "properties.session-interleavings";
  metadata.description = metadata.id;
  const auto started = Clock::now();
  // The overload with a reproduce map: the shorter ones read the process-wide
  // configuration (RC_PARAMS), which prints "Using configuration" to stderr.
  const std::unordered_map<std::string, rc::detail::Reproduce> no_reproduce;
  const rc::detail::TestResult result = rc::detail::checkProperty(
      rc::detail::toProperty([&run, &commands] { return run.one_case(draw_case(commands)); }),
      metadata, params, quiet, no_reproduce);
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();

  const std::string expected =
      "in random interleavings of moves and reads over " + std::to_string(kSessions) +
      (over_handles ? " handles open at once on one modern client" : " sessions open at once") +
      ", every answer is what a model of that " + (over_handles ? "handle" : "session") +
      " alone predicts "
      "(the observation after a move; reward, step_count, terminated, truncated, "
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
  // also exercise SESS-007, DATA-003..006, DATA-010, CTRL-004..007 and EPIS-001, and each
  // game's dynamics through its driver's model (LAKE-004..007, CLIFF-003..006).
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
                .games = {}},
      .fresh_process = false,
      .run = [](Context& ctx) { return run_property(ctx, false); }});
  // HANDLE-012: the same rules per handle as per session, judged by the same
  // property over env_create'd handles.
  checks.push_back(Check{
      .id = "properties.handle-interleavings",
      .spec_id = "HANDLE-012",
      .level = Level::kMust,
      .rule = "The generic MCP-Gym rules hold per handle exactly as per session: each handle has "
              "an environment of its own, and two handles with one seed and configuration evolve "
              "independently (SESS-008); every call and read naming a handle reaches its "
              "environment for its whole life (SESS-007)",
      .needs = {.kinds = kGymKinds,
                .features = {},
                .control = {},
                .transport = Transport::kHttp,
                .model = true,
                .games = {},
                .era = CheckEra::kModern},
      .fresh_process = false,
      .run = [](Context& ctx) { return run_property(ctx, true); }});
  return checks;
}

}  // namespace mcpgym::conformance
