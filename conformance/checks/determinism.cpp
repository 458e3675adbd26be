// Determinism (docs/spec.md EPIS-002, SEED-001, LAKE-001; through the game's
// driver LAKE-003/LAKE-005 for FrozenLake and CLIFF-006/CLIFF-007 for
// CliffWalking): the same seed and actions give the same episode; the seed in
// _extra is the one used; FrozenLake's maps are gymnasium's; when the game's
// dynamics are gymnasium's bit for bit (conformance/games/driver.hpp,
// ExactDynamics), slippery trajectories are the driver's model's and the
// game's golden recordings in fixtures/golden/ replay identically.
#include <rapidcheck.h>
#include <rapidcheck/detail/TestListenerAdapter.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/core/context.hpp"
#include "conformance/games/driver.hpp"
#include "games/frozenlake/frozen_lake.hpp"
#include "games/numpy/pcg64.hpp"
#include "harness/record/recording.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::conformance {
namespace {

using episode::gym_needs;
using episode::Lake;
using episode::model_needs;
using episode::must_check;
using episode::show;
using episode::str_at;
using episode::true_at;
using json = nlohmann::json;

constexpr std::uint64_t kMaxSeed = (std::uint64_t{1} << 53) - 1;

bool ended(const json& status) {
  return true_at(status, "terminated") || true_at(status, "truncated");
}

// The member `key` of untrusted JSON, or null.
json member(const json& j, const char* key) {
  return j.is_object() && j.contains(key) ? j[key] : json();
}

// A check that plays the profile's game through its driver and model.
Needs driver_needs(std::set<Feature> features = {}) {
  Needs needs = gym_needs(std::move(features));
  needs.model = true;
  return needs;
}

// Why a check that needs the game's exact dynamics does not apply: a feature
// they need that the profile does not claim; nothing when it claims them all.
std::optional<std::string> exact_dynamics_unclaimed(Context& ctx) {
  const GameDriver& game = ctx.game();
  const ExactDynamics exact = game.exact_dynamics();
  for (Feature f : exact.needs) {
    if (!ctx.profile().claims(f)) {
      return "needs feature '" + std::string(feature_name(f)) + "' for " + game.name() +
             "'s dynamics to be gymnasium's (" + exact.rules +
             "), which the profile does not claim";
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// EPIS-002

struct PairResult {
  std::optional<std::string> difference;  // the rule broken: where the two sessions differ
  std::optional<std::string> trouble;     // could not play (sessions refused, calls failed)
};

PairResult differing(const std::string& what, const json& first, const json& second) {
  if (first == second) return {};
  return {
      what + ": the first session shows " + show(first, 160) + ", the second " + show(second, 160),
      std::nullopt};
}

PairResult trouble(std::string what) {
  return {std::nullopt, std::move(what)};
}

bool found(const PairResult& r) {
  return r.difference || r.trouble;
}

// One step on both sessions, compared: the tool result, control://reward and
// control://status. `over` is set when the status says the episode ended.
PairResult compare_step(Lake& a, Lake& b, const std::string& action, const std::string& step,
                        const std::string& tool, bool& over) {
  auto ma = a.move(action);
  auto mb = b.move(action);
  if (!ma || !mb) return trouble(step + ": " + (ma ? mb.error() : ma.error()));
  if (auto r = differing(step + ", the " + tool + " result", ma->summary(), mb->summary());
      found(r))
    return r;
  for (const std::string name : {"reward", "status"}) {
    auto ca = a.control(name);
    auto cb = b.control(name);
    if (!ca || !cb) return trouble(step + ": " + (ca ? cb.error() : ca.error()));
    if (auto r = differing(step + ", control://" + name, *ca, *cb); found(r)) return r;
    if (name == "status") over = ended(*ca);
  }
  return {};
}

// Two sessions with the same seed and config play the same actions, step by
// step interleaved; everything they show must agree.
PairResult play_pair(Context& ctx, std::uint64_t seed, const json& config,
                     const std::vector<int>& actions) {
  const json extra = {{"seed", seed}, {"config", config}};
  auto a = Lake::open(ctx, extra);
  if (!a) return trouble(a.error());
  auto b = Lake::open(ctx, extra);
  if (!b) return trouble(b.error());
  auto sa = a->initial_state();
  auto sb = b->initial_state();
  if (!sa || !sb) return trouble("reading game://initial_state: " + (sa ? sb.error() : sa.error()));
  if (auto r = differing("game://initial_state", *sa, *sb); found(r)) return r;
  const auto names = ctx.game().actions();
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const std::string action = names[static_cast<std::size_t>(actions[i])];
    bool over = false;
    auto r = compare_step(*a, *b, action, "step " + std::to_string(i + 1) + " (" + action + ")",
                          ctx.game().tool(), over);
    if (found(r) || over) return r;
  }
  return {};
}

// The RapidCheck property of same_episode_check: each case draws a seed,
// slipperiness and up to 8 actions, and plays them on a pair of sessions.
struct SameEpisodeRun {
  explicit SameEpisodeRun(Context& c) : ctx(c) {}
  Context& ctx;
  bool slippery = false;  // the profile claims it: cases may be slippery
  std::string alphabet;   // one character per action, for RapidCheck's strings
  std::optional<std::string> failure, trouble;
  std::set<std::uint64_t> seeds_used;
  int cases = 0;

  void one_case();
};

void SameEpisodeRun::one_case() {
  const auto seed = *rc::gen::oneOf(rc::gen::inRange<std::uint64_t>(0, 1000),
                                    rc::gen::inRange<std::uint64_t>(0, kMaxSeed + 1));
  const bool is_slippery = slippery && *rc::gen::arbitrary<bool>();
  const auto drawn = *rc::gen::container<std::string>(*rc::gen::inRange<std::size_t>(1, 9),
                                                      rc::gen::elementOf(alphabet));
  if (failure || trouble) return;  // one finding is enough; the rest pass through
  ++cases;
  seeds_used.insert(seed);
  // A game without slipperiness has no key for it to send (CONF-004).
  const json config = slipperiness_config(ctx.game(), is_slippery);
  const auto names = ctx.game().actions();
  std::vector<int> actions;
  std::string letters;
  for (char c : drawn) {
    actions.push_back(static_cast<int>(alphabet.find(c)));
    letters += names[static_cast<std::size_t>(actions.back())].substr(0, 1);
  }
  const auto r = play_pair(ctx, seed, config, actions);
  const std::string where =
      "seed " + std::to_string(seed) + ", config " + config.dump() + ", actions " + letters;
  if (r.trouble) {
    trouble = where + ": " + *r.trouble;
  } else if (r.difference) {
    failure = where + ": " + *r.difference;
    RC_FAIL(*failure);
  }
}

// One character per action (the drawn indexes are the same for any 4 actions).
std::string action_alphabet(std::size_t actions) {
  static const std::string kCharacters =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return kCharacters.substr(0, std::min(actions, kCharacters.size()));
}

// "0,7,1000" for the report, cut after about 120 characters.
std::string seeds_text(const std::set<std::uint64_t>& seeds) {
  std::string out;
  for (auto s : seeds) {  // appended: `"," + to_string` trips g++ 12's -O3 -Wrestrict
    if (out.size() > 120) break;
    if (!out.empty()) out += ',';
    out += std::to_string(s);
  }
  return out;
}

Outcome same_episode_check(Context& ctx) {
  SameEpisodeRun run{ctx};
  run.slippery = ctx.profile().claims(Feature::kSlippery);
  run.alphabet = action_alphabet(ctx.game().actions().size());
  // Every case costs two sessions, and on a proxy two backend processes.
  const int kCases = ctx.profile().kind == ProfileKind::kProxy ? 12 : 20;
  constexpr std::uint64_t kRapidCheckSeed = 20260510;
  rc::detail::TestParams params;
  params.seed = kRapidCheckSeed;
  params.maxSuccess = kCases;
  params.maxSize = 10;
  params.disableShrinking = true;  // every case costs two sessions
  rc::detail::TestListenerAdapter quiet;
  // The overload with a reproduce map neither loads RapidCheck's process-wide
  // configuration nor prints it (see session_property.cpp).
  const std::unordered_map<std::string, rc::detail::Reproduce> no_reproduce;
  const auto result = rc::detail::checkProperty(
      rc::detail::toProperty([&run] { run.one_case(); }),
      rc::detail::TestMetadata{"determinism.same-seed-same-episode", "EPIS-002"}, params, quiet,
      no_reproduce);
  const std::string expected =
      "two sessions with the same seed, config and actions show the same initial state, " +
      ctx.game().tool() + " results, control://reward and control://status at every step";
  ctx.note(std::to_string(run.cases) + " RapidCheck cases (RapidCheck seed " +
           std::to_string(kRapidCheckSeed) + ")");
  if (run.failure) return Outcome::broken(expected, *run.failure);
  if (run.trouble) return Outcome::could_not_run(*run.trouble);
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream os;
    rc::detail::printResultMessage(result, os);
    return Outcome::could_not_run("RapidCheck: " + excerpt(os.str(), 300));
  }
  return Outcome::held(expected, std::to_string(run.cases) + " cases agreed (seeds " +
                                     seeds_text(run.seeds_used) + ")");
}

// ---------------------------------------------------------------------------
// SEED-001, LAKE-001

std::vector<std::string> model_map(int size, double p, std::uint64_t seed) {
  auto map = frozenlake::generate_random_map(size, p, seed);
  return map ? map->rows() : std::vector<std::string>{};
}

Outcome seed_used_check(Context& ctx) {
  const bool maps = ctx.profile().claims(Feature::kGymnasiumMaps);
  const std::string expected =
      std::string("game://initial_state reports the seed given in _extra") +
      (maps ? ", and the map is generate_random_map(4, 0.8, seed)" : "");
  for (const std::uint64_t seed : {std::uint64_t{31337}, kMaxSeed}) {
    auto lake = Lake::open(ctx, {{"seed", seed}, {"config", json::object()}});
    if (!lake) return Outcome::could_not_run(lake.error());
    auto state = lake->initial_state();
    if (!state) return Outcome::could_not_run("reading game://initial_state: " + state.error());
    ctx.note("seed " + std::to_string(seed) + ": game://initial_state " + show(*state, 300));
    const json reported = member(*state, "seed");
    const bool seed_ok = reported.is_number_unsigned() && reported.get<std::uint64_t>() == seed;
    if (!seed_ok) {
      return Outcome::broken(
          expected, "initialize with seed " + std::to_string(seed) +
                        ": game://initial_state says seed " +
                        (reported.is_null() ? std::string("(missing)") : show(reported, 40)));
    }
    if (maps) {
      const json want = model_map(4, 0.8, seed);
      const json got = member(*state, "map");
      if (got != want) {
        return Outcome::broken(expected, "seed " + std::to_string(seed) + ": map " + show(got) +
                                             ", the reference model's " + show(want));
      }
    }
  }
  return Outcome::held(expected, "seeds 31337 and 2^53-1 were used");
}

struct MapCase {
  std::uint64_t seed;
  json config;
  int size;
  double p;
};

std::vector<MapCase> map_cases(bool big_boards) {
  std::vector<MapCase> cases = {{0, json::object(), 4, 0.8},
                                {1, json::object(), 4, 0.8},
                                {42, json::object(), 4, 0.8},
                                {123, json::object(), 4, 0.8},
                                {(std::uint64_t{1} << 40) + 7, {{"p", 0.6}}, 4, 0.6}};
  if (big_boards) {
    cases.push_back({3, {{"map_name", "8x8"}}, 8, 0.8});
    cases.push_back({99, {{"map_name", "8x8"}}, 8, 0.8});
    cases.push_back({11, {{"size", 5}, {"p", 0.6}}, 5, 0.6});
  }
  return cases;
}

Outcome gymnasium_maps_check(Context& ctx) {
  const auto cases = map_cases(ctx.profile().claims(Feature::k8x8));
  const std::string expected =
      "each map is gymnasium's generate_random_map(size, p, seed) and the start is the "
      "reference model's, for " +
      std::to_string(cases.size()) + " seeds/configs";
  for (const auto& c : cases) {
    auto lake = Lake::open(ctx, {{"seed", c.seed}, {"config", c.config}});
    if (!lake) return Outcome::could_not_run(lake.error());
    auto state = lake->initial_state();
    if (!state) return Outcome::could_not_run("reading game://initial_state: " + state.error());
    const auto map = frozenlake::generate_random_map(c.size, c.p, c.seed);
    if (!map)
      return Outcome::could_not_run("the model found no map for seed " + std::to_string(c.seed));
    frozenlake::FrozenLake env(*map, false, std::nullopt, c.seed);
    const json want = {{"map", map->rows()}, {"position", env.initial_position()}};
    const json got = {{"map", member(*state, "map")}, {"position", member(*state, "position")}};
    if (got != want) {
      return Outcome::broken(expected, "seed " + std::to_string(c.seed) + ", config " +
                                           c.config.dump() + ": " + show(got, 300) +
                                           ", the model's " + show(want, 300));
    }
  }
  return Outcome::held(expected, "all equal");
}

// ---------------------------------------------------------------------------
// Slippery dynamics against the driver's model

constexpr std::uint64_t kSlipperySeeds[] = {7, 8, 9, 1234};
constexpr int kSlipperySteps = 16;

// Numbers compare as doubles (1 and 1.0 alike); anything else exactly.
bool same_members(const json& got, const json& want) {
  for (const auto& [key, value] : want.items()) {
    const json& g = got[key];
    const bool same =
        g.is_number() && value.is_number() ? g.get<double>() == value.get<double>() : g == value;
    if (!same) return false;
  }
  return true;
}

// One slippery episode of `seed`, step by step against the model: nothing
// when it followed the model to its end or for kSlipperySteps steps.
std::optional<Outcome> follow_slippery_episode(Context& ctx, std::uint64_t seed,
                                               const std::string& expected, int& steps) {
  const GameDriver& game = ctx.game();
  const json config = game.slippery_config();
  const std::string at_seed = "seed " + std::to_string(seed);
  auto lake = Lake::open(ctx, {{"seed", seed}, {"config", config}});
  if (!lake) return Outcome::could_not_run(lake.error());
  auto state = lake->initial_state();
  if (!state)
    return Outcome::could_not_run(at_seed + ": reading game://initial_state: " + state.error());
  auto model = game.model(seed, config, *state);
  if (!model) return Outcome::broken(expected, at_seed + ": " + model.error());
  const auto names = game.actions();
  numpy::Pcg64 actions(seed + 1000);
  std::string played;
  double total = 0.0;
  for (int step = 1; step <= kSlipperySteps; ++step) {
    const std::string& name = names[actions.next_uint64() % names.size()];
    played += name.substr(0, 1);
    const PredictedStep want = (*model)->step(*game.action_index(name));
    total += want.reward;
    auto m = lake->move(name);
    if (!m) return Outcome::could_not_run(at_seed + ": " + m.error());
    auto reward = lake->control("reward");
    auto status = lake->control("status");
    if (!reward || !status)
      return Outcome::could_not_run(at_seed + ": " + (reward ? status.error() : reward.error()));
    ++steps;
    const json got = {{"position", member(m->observation, "position")},
                      {"reward", member(*reward, "reward")},
                      {"terminated", member(*status, "terminated")},
                      {"total_reward", member(*status, "total_reward")}};
    const json exp = {{"position", want.observation["position"]},
                      {"reward", want.reward},
                      {"terminated", want.terminated},
                      {"total_reward", total}};
    if (m->is_error || !same_members(got, exp)) {
      return Outcome::broken(expected, at_seed + ", actions " + played + ", step " +
                                           std::to_string(step) + ": got " + show(got) +
                                           ", the model's " + show(exp));
    }
    if (want.terminated || want.truncated) break;
  }
  ctx.note(at_seed + ": " + played + " as the model");
  return std::nullopt;
}

Outcome slippery_model_check(Context& ctx) {
  if (auto why = exact_dynamics_unclaimed(ctx)) return Outcome::not_applicable(*why);
  const GameDriver& game = ctx.game();
  const std::string expected =
      "slippery " + game.name() + " episodes (seeds 7, 8, 9, 1234; config " +
      game.slippery_config().dump() + ") follow the model of " + game.exact_dynamics().rules +
      " step by step: position, reward, terminated, total_reward";
  int steps = 0;
  for (const std::uint64_t seed : kSlipperySeeds) {
    if (auto verdict = follow_slippery_episode(ctx, seed, expected, steps)) return *verdict;
  }
  return Outcome::held(expected, std::to_string(steps) + " steps as the model");
}

// ---------------------------------------------------------------------------
// Golden recordings

// The contract's keys: those the golden recording's tool results and initial
// states hold. The reference that made it shows exactly the contract's
// (DATA-010, CTRL-011), so an implementation that orders keys differently or
// adds its own still matches, and one that lacks a key does not.
struct ContractKeys {
  std::set<std::string> tool_result;
  std::set<std::string> initial_state;
};

const std::string kInitialStatePrefix = "Initial state (game://initial_state): ";

// The JSON object of a recorded message's content, and whether it is an
// initial state (else a tool result); nothing for any other message.
std::optional<std::pair<json, bool>> payload_of(const json& message) {
  if (!message.is_object() || !message.contains("content") || !message["content"].is_string())
    return std::nullopt;
  const std::string text = message["content"].get<std::string>();
  const std::string role = str_at(message, "role");
  json j;
  bool initial = false;
  if (role == "tool") {
    j = parse_json_or_discarded(text);
  } else if (role == "user" && text.rfind(kInitialStatePrefix, 0) == 0) {
    j = parse_json_or_discarded(std::string_view(text).substr(kInitialStatePrefix.size()));
    initial = true;
  }
  if (!j.is_object()) return std::nullopt;
  return std::make_pair(std::move(j), initial);
}

ContractKeys recorded_keys(const std::vector<harness::RecordedStep>& golden) {
  ContractKeys keys;
  for (const auto& line : golden) {
    if (!line.messages.is_array()) continue;
    for (const auto& m : line.messages) {
      const auto payload = payload_of(m);
      if (!payload) continue;
      auto& into = payload->second ? keys.initial_state : keys.tool_result;
      for (const auto& [key, value] : payload->first.items())
        into.insert(key);
    }
  }
  return keys;
}

// The keys `convention` requires: under eval-protocol the initial state is the
// game's observation without `action` (EVP-005), so only those of its keys.
ContractKeys contract_keys(const std::vector<harness::RecordedStep>& golden,
                           Convention convention) {
  ContractKeys keys = recorded_keys(golden);
  if (convention == Convention::kEvalProtocol) {
    std::erase_if(keys.initial_state, [&](const std::string& key) {
      return key == "action" || !keys.tool_result.contains(key);
    });
  }
  return keys;
}

json only_keys(const json& j, const std::set<std::string>& keys) {
  json kept = json::object();
  for (const auto& k : keys) {
    if (j.contains(k)) kept[k] = j[k];
  }
  return kept;
}

// The contract's fields only, in one rendering.
json canonical(json messages, const ContractKeys& keys) {
  if (!messages.is_array()) return messages;
  for (auto& m : messages) {
    const auto payload = payload_of(m);
    if (!payload) continue;
    const auto& [j, initial] = *payload;
    m["content"] = initial ? kInitialStatePrefix + only_keys(j, keys.initial_state).dump()
                           : only_keys(j, keys.tool_result).dump();
  }
  return messages;
}

std::vector<harness::RecordedStep> canonical(std::vector<harness::RecordedStep> lines,
                                             const ContractKeys& keys) {
  for (auto& l : lines)
    l.messages = canonical(std::move(l.messages), keys);
  return lines;
}

// "8x8, slippery": the features `golden` needs that the profile does not claim.
std::string unclaimed(const Context& ctx, const GoldenRecording& golden) {
  std::string missing;
  for (Feature f : golden.features) {
    if (!ctx.profile().claims(f))
      missing += std::string(missing.empty() ? "" : ", ") + std::string(feature_name(f));
  }
  return missing;
}

// One environment per env_index of the recording, with its seed and `config`.
Expected<std::vector<harness::EnvironmentSpec>, std::string> environments_of(
    const std::vector<harness::RecordedStep>& golden, const json& config) {
  std::map<int, std::uint64_t> seeds;
  for (const auto& line : golden)
    seeds[line.env_index] = line.seed.value_or(0);
  std::vector<harness::EnvironmentSpec> envs;
  for (const auto& [index, seed] : seeds) {
    if (index != static_cast<int>(envs.size()))
      return unexpected("env_index values are not 0..n-1");
    envs.push_back({seed, config});
  }
  return envs;
}

// Replays one golden recording: nothing when the new recording is the same.
std::optional<Outcome> replay_golden(Context& ctx, const GoldenRecording& g) {
  const auto path = ctx.paths().fixtures / "golden" / g.file;
  auto golden = harness::read_recording(path);
  if (!golden) return Outcome::could_not_run("the golden recording: " + golden.error());
  auto policy = harness::replay_policy(*golden);
  if (!policy) return Outcome::could_not_run(policy.error());
  auto envs = environments_of(*golden, g.config);
  if (!envs) return Outcome::could_not_run(path.string() + ": " + envs.error());
  episode::ContextConnector connector(ctx);
  auto options = episode::rollout_options(ctx, g.max_steps, true);
  options.tool = ctx.game().tool();
  options.actions = ctx.game().actions();
  const auto result = harness::run_rollout(connector, *envs, *policy, options);
  const std::string expected = "replaying " + g.file + " (seeds, config " + g.config.dump() +
                               ", its actions) gives the same recording";
  for (const auto& env : result.envs) {
    if (env.error) return Outcome::broken(expected, g.file + ": " + env.describe());
  }
  const ContractKeys keys = contract_keys(*golden, ctx.profile().convention);
  if (auto d = harness::compare_recordings(canonical(*golden, keys),
                                           canonical(result.recording(), keys))) {
    return Outcome::broken(expected, g.file + ": " + d->describe());
  }
  ctx.note(g.file + ": " + std::to_string(golden->size()) + " lines replayed identically");
  return std::nullopt;
}

Outcome golden_check(Context& ctx) {
  if (auto why = exact_dynamics_unclaimed(ctx)) return Outcome::not_applicable(*why);
  int replayed = 0;
  std::string left_out;
  for (const auto& g : ctx.game().golden_recordings()) {
    if (const std::string missing = unclaimed(ctx, g); !missing.empty()) {
      left_out += " " + g.file + " (needs " + missing + ")";
      continue;
    }
    if (auto verdict = replay_golden(ctx, g)) return *verdict;
    ++replayed;
  }
  std::string actual = std::to_string(replayed) + " golden recording(s) replayed identically";
  if (!left_out.empty()) actual += "; not applicable:" + left_out;
  return Outcome::held("the golden recordings of fixtures/golden/ replay identically", actual);
}

}  // namespace

std::vector<Check> determinism_checks() {
  return {
      // EPIS-002 (was LAKE-010, for every game now): "The same seed, configuration and
      // actions give the same observations, rewards and flags."
      must_check("determinism.same-seed-same-episode", "EPIS-002",
                 "The same seed, configuration and actions give the same observations, rewards "
                 "and flags.",
                 gym_needs(), same_episode_check),
      // SEED-001: "The seed comes from `params.clientInfo._extra.seed` of the `initialize`
      // request." (reported in game://initial_state, CTRL-003)
      must_check("determinism.seed-used", "SEED-001",
                 "The seed comes from `params.clientInfo._extra.seed` of the `initialize` "
                 "request.",
                 gym_needs(), seed_used_check),
      // LAKE-001: "Feature `gymnasium-maps` ...: the map is gymnasium's
      // `generate_random_map(size, p, seed)`. ..." FrozenLake's by nature: skipped for
      // other games, saying so.
      must_check("determinism.gymnasium-maps", "LAKE-001",
                 "Feature `gymnasium-maps` (the reference always does this): the map is "
                 "gymnasium's `generate_random_map(size, p, "
                 "seed)`. One generator, `numpy.random.Generator(PCG64(SeedSequence(seed)))`, is "
                 "used for every retry. ...",
                 model_needs({Feature::kGymnasiumMaps}), gymnasium_maps_check),
      // LAKE-005: "Feature `slippery`: the candidate moves for action `a` are `(a-1)%4`, `a`,
      // `(a+1)%4`, in that order, each with probability exactly `1/3`." With LAKE-003's
      // generator (one draw per step), trajectories equal the model's. The same for every
      // game whose driver models its dynamics exactly: CliffWalking's CLIFF-006 and CLIFF-007.
      must_check("determinism.slippery-model", "LAKE-005",
                 "Feature `slippery`: the candidate moves for action `a` are `(a-1)%4`, `a`, "
                 "`(a+1)%4`, in that order, each with probability exactly `1/3` (`1.0/3.0`).",
                 driver_needs({Feature::kSlippery}), slippery_model_check),
      // LAKE-003: "Feature `gymnasium-maps`: the environment's own generator is a second,
      // independent `numpy.random.Generator(PCG64(SeedSequence(seed)))` on the same seed. ..."
      // The golden recordings were made by the reference, which is gymnasium-exact; each
      // game has its own (CliffWalking's judge CLIFF-001..009 and CLIFF-007's draws).
      must_check("determinism.golden-replay", "LAKE-003",
                 "Feature `gymnasium-maps`: the environment's own generator is a second, "
                 "independent `numpy.random.Generator(PCG64(SeedSequence(seed)))` on the same "
                 "seed. ... Every step draws one `random()`, even when the move is "
                 "deterministic, and takes the first transition whose cumulative probability "
                 "exceeds it.",
                 driver_needs(), golden_check),
  };
}

}  // namespace mcpgym::conformance
