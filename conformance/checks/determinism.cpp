// Determinism (docs/spec.md EPIS-002, SEED-001, LAKE-001, LAKE-003, LAKE-005):
// the same seed and actions give the same episode; the seed in _extra is the
// one used; with `gymnasium-maps`, maps and slippery trajectories are the
// reference model's (games/frozenlake, bit-exact with gymnasium); and the golden
// recordings in fixtures/golden/ replay identically.
#include <rapidcheck.h>
#include <rapidcheck/detail/TestListenerAdapter.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/core/context.hpp"
#include "games/frozenlake/frozen_lake.hpp"
#include "games/numpy/pcg64.hpp"
#include "harness/record/recording.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::conformance {
namespace {

using episode::gym_needs;
using episode::kActions;
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

// ---------------------------------------------------------------------------
// EPIS-002

struct PairResult {
  std::optional<std::string> difference;  // the rule broken: where the two sessions differ
  std::optional<std::string> trouble;     // could not play (sessions refused, calls failed)
};

// Two sessions with the same seed and config play the same actions, step by
// step interleaved; everything they show must agree.
PairResult play_pair(Context& ctx, std::uint64_t seed, const json& config,
                     const std::vector<int>& actions) {
  PairResult out;
  const json extra = {{"seed", seed}, {"config", config}};
  auto a = Lake::open(ctx, extra);
  if (!a) return {std::nullopt, a.error()};
  auto b = Lake::open(ctx, extra);
  if (!b) return {std::nullopt, b.error()};
  const auto differ = [&](const std::string& what, const json& x, const json& y) {
    if (x == y) return false;
    out.difference =
        what + ": the first session shows " + show(x, 160) + ", the second " + show(y, 160);
    return true;
  };
  auto sa = a->initial_state();
  auto sb = b->initial_state();
  if (!sa || !sb)
    return {std::nullopt, "reading game://initial_state: " + (sa ? sb.error() : sa.error())};
  if (differ("game://initial_state", *sa, *sb)) return out;
  const auto names = ctx.game().actions();
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const std::string action = names[static_cast<std::size_t>(actions[i])];
    const std::string step = "step " + std::to_string(i + 1) + " (" + action + ")";
    auto ma = a->move(action);
    auto mb = b->move(action);
    if (!ma || !mb) return {std::nullopt, step + ": " + (ma ? mb.error() : ma.error())};
    if (differ(step + ", the " + ctx.game().tool() + " result", ma->summary(), mb->summary()))
      return out;
    json last_status;
    for (const char* name : {"reward", "status"}) {
      auto ca = a->control(name);
      auto cb = b->control(name);
      if (!ca || !cb) return {std::nullopt, step + ": " + (ca ? cb.error() : ca.error())};
      if (differ(step + ", control://" + name, *ca, *cb)) return out;
      last_status = *ca;
    }
    if (ended(last_status)) break;
  }
  return out;
}

Outcome same_episode_check(Context& ctx) {
  const bool slippery = ctx.profile().claims(Feature::kSlippery);
  const GameDriver& game = ctx.game();
  const auto names = game.actions();
  // One character per action (the drawn indexes are the same for any 4 actions).
  std::string alphabet;
  for (std::size_t i = 0; i < names.size() && i < 62; ++i)
    alphabet += "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[i];
  // Every case costs two sessions, and on a proxy two backend processes.
  const int kCases = ctx.profile().kind == ProfileKind::kProxy ? 12 : 20;
  constexpr std::uint64_t kRapidCheckSeed = 20260510;
  std::optional<std::string> failure, trouble;
  std::set<std::uint64_t> seeds_used;
  int cases = 0;
  const auto property = [&] {
    const auto seed = *rc::gen::oneOf(rc::gen::inRange<std::uint64_t>(0, 1000),
                                      rc::gen::inRange<std::uint64_t>(0, kMaxSeed + 1));
    const bool is_slippery = slippery && *rc::gen::arbitrary<bool>();
    const auto drawn = *rc::gen::container<std::string>(*rc::gen::inRange<std::size_t>(1, 9),
                                                        rc::gen::elementOf(alphabet));
    if (failure || trouble) return;  // one finding is enough; the rest pass through
    ++cases;
    seeds_used.insert(seed);
    // A game without slipperiness has no is_slippery key to send (CONF-004).
    const json config =
        game.slippery_config().is_null() ? json::object() : json{{"is_slippery", is_slippery}};
    std::vector<int> actions;
    std::string letters;
    for (char c : drawn) {
      actions.push_back(static_cast<int>(alphabet.find(c)));
      letters += names[static_cast<std::size_t>(actions.back())].substr(0, 1);
    }
    auto r = play_pair(ctx, seed, config, actions);
    const std::string where =
        "seed " + std::to_string(seed) + ", config " + config.dump() + ", actions " + letters;
    if (r.trouble) {
      trouble = where + ": " + *r.trouble;
      return;
    }
    if (r.difference) {
      failure = where + ": " + *r.difference;
      RC_FAIL(*failure);
    }
  };
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
      rc::detail::toProperty(property),
      rc::detail::TestMetadata{"determinism.same-seed-same-episode", "EPIS-002"}, params, quiet,
      no_reproduce);
  const std::string expected =
      "two sessions with the same seed, config and actions show the same initial state, " +
      game.tool() + " results, control://reward and control://status at every step";
  ctx.note(std::to_string(cases) + " RapidCheck cases (RapidCheck seed " +
           std::to_string(kRapidCheckSeed) + ")");
  if (failure) return Outcome::broken(expected, *failure);
  if (trouble) return Outcome::could_not_run(*trouble);
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream os;
    rc::detail::printResultMessage(result, os);
    return Outcome::could_not_run("RapidCheck: " + excerpt(os.str(), 300));
  }
  std::string seeds;
  for (auto s : seeds_used) {  // appended: `"," + to_string` trips g++ 12's -O3 -Wrestrict
    if (seeds.size() > 120) break;
    if (!seeds.empty()) seeds += ',';
    seeds += std::to_string(s);
  }
  return Outcome::held(expected, std::to_string(cases) + " cases agreed (seeds " + seeds + ")");
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
    const bool seed_ok = state->is_object() && state->contains("seed") &&
                         (*state)["seed"].is_number_unsigned() &&
                         (*state)["seed"].get<std::uint64_t>() == seed;
    if (!seed_ok) {
      return Outcome::broken(
          expected, "initialize with seed " + std::to_string(seed) +
                        ": game://initial_state says seed " +
                        (state->is_object() && state->contains("seed") ? show((*state)["seed"], 40)
                                                                       : std::string("(missing)")));
    }
    if (maps) {
      const json want = model_map(4, 0.8, seed);
      const json got = state->is_object() && state->contains("map") ? (*state)["map"] : json();
      if (got != want) {
        return Outcome::broken(expected, "seed " + std::to_string(seed) + ": map " + show(got) +
                                             ", the reference model's " + show(want));
      }
    }
  }
  return Outcome::held(expected, "seeds 31337 and 2^53-1 were used");
}

Outcome gymnasium_maps_check(Context& ctx) {
  struct Case {
    std::uint64_t seed;
    json config;
    int size;
    double p;
  };
  std::vector<Case> cases = {{0, json::object(), 4, 0.8},
                             {1, json::object(), 4, 0.8},
                             {42, json::object(), 4, 0.8},
                             {123, json::object(), 4, 0.8},
                             {(std::uint64_t{1} << 40) + 7, {{"p", 0.6}}, 4, 0.6}};
  if (ctx.profile().claims(Feature::k8x8)) {
    cases.push_back({3, {{"map_name", "8x8"}}, 8, 0.8});
    cases.push_back({99, {{"map_name", "8x8"}}, 8, 0.8});
    cases.push_back({11, {{"size", 5}, {"p", 0.6}}, 5, 0.6});
  }
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
    const auto get = [&](const char* k) {
      return state->is_object() && state->contains(k) ? (*state)[k] : json();
    };
    const json got = {{"map", get("map")}, {"position", get("position")}};
    if (got != want) {
      return Outcome::broken(expected, "seed " + std::to_string(c.seed) + ", config " +
                                           c.config.dump() + ": " + show(got, 300) +
                                           ", the model's " + show(want, 300));
    }
  }
  return Outcome::held(expected, "all equal");
}

Outcome slippery_model_check(Context& ctx) {
  const std::string expected =
      "slippery episodes (seeds 7, 8, 9, 1234; 4x4) follow the reference model step by step: "
      "position, reward, terminated, total_reward";
  int steps = 0;
  for (const std::uint64_t seed : {7u, 8u, 9u, 1234u}) {
    auto lake = Lake::open(ctx, {{"seed", seed}, {"config", {{"is_slippery", true}}}});
    if (!lake) return Outcome::could_not_run(lake.error());
    frozenlake::FrozenLake env(*frozenlake::generate_random_map(4, 0.8, seed), true, std::nullopt,
                               seed);
    numpy::Pcg64 actions(seed + 1000);
    std::string played;
    for (int step = 1; step <= 16; ++step) {
      const auto a = static_cast<frozenlake::Action>(actions.next_uint64() % 4);
      const std::string name = kActions[static_cast<int>(a)];
      played += name.substr(0, 1);
      const auto want = env.step(a);
      auto m = lake->move(name);
      if (!m) return Outcome::could_not_run("seed " + std::to_string(seed) + ": " + m.error());
      auto reward = lake->control("reward");
      auto status = lake->control("status");
      if (!reward || !status) {
        return Outcome::could_not_run("seed " + std::to_string(seed) + ": " +
                                      (reward ? status.error() : reward.error()));
      }
      ++steps;
      const json& obs = m->observation;  // discarded (not an object) when not JSON
      const auto get = [](const json& j, const char* k) {
        return j.is_object() && j.contains(k) ? j[k] : json();
      };
      const json got = {{"position", get(obs, "position")},
                        {"reward", get(*reward, "reward")},
                        {"terminated", get(*status, "terminated")},
                        {"total_reward", get(*status, "total_reward")}};
      const json exp = {{"position", want.position},
                        {"reward", want.reward},
                        {"terminated", want.terminated},
                        {"total_reward", env.total_reward()}};
      const auto num_eq = [](const json& x, const json& y) {
        return x.is_number() && y.is_number() ? x.get<double>() == y.get<double>() : x == y;
      };
      bool ok = true;
      for (const auto& [k, v] : exp.items())
        ok = ok && num_eq(got[k], v);
      if (m->is_error || !ok) {
        return Outcome::broken(expected, "seed " + std::to_string(seed) + ", actions " + played +
                                             ", step " + std::to_string(step) + ": got " +
                                             show(got) + ", the model's " + show(exp));
      }
      if (want.terminated || want.truncated) break;
    }
    ctx.note("seed " + std::to_string(seed) + ": " + played + " as the model");
  }
  return Outcome::held(expected, std::to_string(steps) + " steps as the model");
}

// ---------------------------------------------------------------------------
// Golden recordings

struct Golden {
  const char* file;
  json config;
  int max_steps;
  std::set<Feature> features;  // besides gymnasium-maps (all golden maps are seeded)
};

// How tools/regen-golden.sh made each file.
const std::vector<Golden>& goldens() {
  static const std::vector<Golden> kGoldens = {
      {"4x4-shortest.jsonl", json::object(), 100, {}},
      {"4x4-scripted.jsonl", json::object(), 20, {}},
      {"8x8-shortest.jsonl", {{"map_name", "8x8"}}, 100, {Feature::k8x8}},
      {"slippery-random.jsonl", {{"is_slippery", true}}, 40, {Feature::kSlippery}},
      {"truncated.jsonl", {{"max_episode_steps", 5}}, 100, {Feature::kTruncation}},
  };
  return kGoldens;
}

// The contract's fields only, in one rendering: tool results keep position,
// grid and action (DATA-003); the initial state keeps CTRL-003's keys. So an
// implementation that orders keys differently or adds its own still matches.
json canonical(const json& messages) {
  static const std::string kPrefix = "Initial state (game://initial_state): ";
  json out = messages;
  if (!out.is_array()) return out;
  const auto keep = [](const json& j, std::initializer_list<const char*> keys) {
    json kept = json::object();
    for (const char* k : keys) {
      if (j.contains(k)) kept[k] = j[k];
    }
    return kept;
  };
  for (auto& m : out) {
    if (!m.is_object() || !m.contains("content") || !m["content"].is_string()) continue;
    const std::string text = m["content"].get<std::string>();
    const std::string role = str_at(m, "role");
    if (role == "tool") {
      const json j = parse_json_or_discarded(text);
      if (j.is_object()) m["content"] = keep(j, {"action", "grid", "position"}).dump();
    } else if (role == "user" && text.rfind(kPrefix, 0) == 0) {
      const json j = parse_json_or_discarded(text.substr(kPrefix.size()));
      if (j.is_object()) {
        m["content"] =
            kPrefix + keep(j, {"grid", "is_slippery", "map", "position", "seed", "size"}).dump();
      }
    }
  }
  return out;
}

std::vector<harness::RecordedStep> canonical(std::vector<harness::RecordedStep> lines) {
  for (auto& l : lines)
    l.messages = canonical(l.messages);
  return lines;
}

Outcome golden_check(Context& ctx) {
  const auto dir = ctx.paths().fixtures / "golden";
  std::vector<std::string> replayed, left_out;
  for (const auto& g : goldens()) {
    std::string missing;
    for (Feature f : g.features) {
      if (!ctx.profile().claims(f))
        missing += std::string(missing.empty() ? "" : ", ") + std::string(feature_name(f));
    }
    if (!missing.empty()) {
      left_out.push_back(std::string(g.file) + " (needs " + missing + ")");
      continue;
    }
    const auto path = dir / g.file;
    auto golden = harness::read_recording(path);
    if (!golden) return Outcome::could_not_run("the golden recording: " + golden.error());
    auto policy = harness::replay_policy(*golden);
    if (!policy) return Outcome::could_not_run(policy.error());
    std::map<int, std::uint64_t> seeds;
    for (const auto& line : *golden)
      seeds[line.env_index] = line.seed.value_or(0);
    std::vector<harness::EnvironmentSpec> envs;
    for (const auto& [index, seed] : seeds) {
      if (index != static_cast<int>(envs.size())) {
        return Outcome::could_not_run(path.string() + ": env_index values are not 0..n-1");
      }
      envs.push_back({seed, g.config});
    }
    episode::ContextConnector connector(ctx);
    const auto result = harness::run_rollout(connector, envs, *policy,
                                             episode::rollout_options(ctx, g.max_steps, true));
    const std::string expected = "replaying " + std::string(g.file) + " (seeds, config " +
                                 g.config.dump() + ", its actions) gives the same recording";
    for (const auto& env : result.envs) {
      if (env.error) return Outcome::broken(expected, std::string(g.file) + ": " + env.describe());
    }
    if (auto d = harness::compare_recordings(canonical(*golden), canonical(result.recording()))) {
      return Outcome::broken(expected, std::string(g.file) + ": " + d->describe());
    }
    ctx.note(std::string(g.file) + ": " + std::to_string(golden->size()) +
             " lines replayed identically");
    replayed.push_back(g.file);
  }
  std::string actual =
      std::to_string(replayed.size()) + " golden recording(s) replayed identically";
  if (!left_out.empty()) {
    actual += "; not applicable:";
    for (const auto& l : left_out)
      actual += " " + l;
  }
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
      // `generate_random_map(size, p, seed)`. ..."
      must_check("determinism.gymnasium-maps", "LAKE-001",
                 "Feature `gymnasium-maps` (the reference always does this): the map is "
                 "gymnasium's `generate_random_map(size, p, "
                 "seed)`. One generator, `numpy.random.Generator(PCG64(SeedSequence(seed)))`, is "
                 "used for every retry. ...",
                 model_needs({Feature::kGymnasiumMaps}), gymnasium_maps_check),
      // LAKE-005: "Feature `slippery`: the candidate moves for action `a` are `(a-1)%4`, `a`,
      // `(a+1)%4`, in that order, each with probability exactly `1/3`." With LAKE-003's
      // generator (one draw per step), trajectories equal the model's.
      must_check("determinism.slippery-model", "LAKE-005",
                 "Feature `slippery`: the candidate moves for action `a` are `(a-1)%4`, `a`, "
                 "`(a+1)%4`, in that order, each with probability exactly `1/3` (`1.0/3.0`).",
                 model_needs({Feature::kGymnasiumMaps, Feature::kSlippery}), slippery_model_check),
      // LAKE-003: "Feature `gymnasium-maps`: the environment's own generator is a second,
      // independent `numpy.random.Generator(PCG64(SeedSequence(seed)))` on the same seed. ..."
      // The golden recordings were made by the reference, which is gymnasium-exact.
      must_check("determinism.golden-replay", "LAKE-003",
                 "Feature `gymnasium-maps`: the environment's own generator is a second, "
                 "independent `numpy.random.Generator(PCG64(SeedSequence(seed)))` on the same "
                 "seed. ... Every step draws one `random()`, even when the move is "
                 "deterministic, and takes the first transition whose cumulative probability "
                 "exceeds it.",
                 model_needs({Feature::kGymnasiumMaps}), golden_check),
  };
}

}  // namespace mcpgym::conformance
