// Taxi's driver (docs/spec.md TAXI-*): the tool taxi_move, the model of
// games/taxi (bit-exact with gymnasium 1.0) for predictions, and its planner
// from the server's own initial state to the delivery. The model has no
// TimeLimit: the driver counts steps against max_episode_steps (EPIS-001).
#include "games/taxi/taxi.hpp"

#include <utility>

#include "conformance/games/driver.hpp"

namespace mcpgym::conformance {
namespace {

// The observation TAXI-006 names, without "action".
json observation_of(int state) {
  const taxi::State s = taxi::decode(state);
  return {{"state", state},
          {"taxi_row", s.taxi_row},
          {"taxi_col", s.taxi_col},
          {"passenger_location", s.passenger},
          {"destination", s.destination},
          {"grid", taxi::render(state)}};
}

class TaxiModel final : public GameModel {
 public:
  TaxiModel(taxi::Taxi env, std::optional<int> max_steps)
      : env_(std::move(env)), max_steps_(max_steps) {}
  PredictedStep step(int action) override {
    const auto r = env_.step(static_cast<taxi::Action>(action));
    ++steps_;
    return PredictedStep{.observation = observation_of(r.state),
                         .reward = r.reward,
                         .terminated = r.terminated,
                         .truncated = max_steps_ && steps_ >= *max_steps_,
                         .prob = r.prob};
  }

 private:
  taxi::Taxi env_;
  std::optional<int> max_steps_;
  int steps_ = 0;
};

// The state of game://initial_state (TAXI-008), if it holds one in range.
std::optional<int> state_of(const json& initial_state) {
  if (!initial_state.is_object() || !initial_state.contains("state") ||
      !initial_state["state"].is_number_integer())
    return std::nullopt;
  const int s = initial_state["state"].get<int>();
  if (s < 0 || s >= taxi::kStateCount) return std::nullopt;
  return s;
}

// The planner's actions from `state` to the delivery, over the deterministic
// table; nullopt if they do not end within a bound (never, on gymnasium's map).
std::optional<std::vector<int>> planned_episode(int state) {
  constexpr int kBound = 64;
  std::vector<int> actions;
  while (static_cast<int>(actions.size()) < kBound) {
    const taxi::Action a = taxi::planned_action(state);
    actions.push_back(static_cast<int>(a));
    const taxi::Transition t = taxi::transition(state, a);
    if (t.terminated) return actions;
    state = t.state;
  }
  return std::nullopt;
}

class TaxiDriver final : public GameDriver {
 public:
  std::string name() const override { return "taxi"; }
  std::string tool() const override { return "taxi_move"; }
  std::vector<std::string> actions() const override {
    std::vector<std::string> names;
    for (int a = 0; a < taxi::kActionCount; ++a)
      names.emplace_back(taxi::action_name(static_cast<taxi::Action>(a)));
    return names;
  }
  std::set<Feature> features() const override { return {Feature::kTruncation}; }
  bool has_model() const override { return true; }
  // No config keys of its own (TAXI-009): every episode is deterministic and
  // the planner delivers in at most 20 steps; an ended episode needs a delivery.
  json short_episode_config() const override { return json::object(); }
  json long_episode_config() const override { return json::object(); }
  json slippery_config() const override { return nullptr; }

  std::optional<std::vector<int>> actions_to_end(const json& initial_state) const override {
    const auto start = state_of(initial_state);
    if (!start) return std::nullopt;
    return planned_episode(*start);
  }

  Expected<std::unique_ptr<GameModel>, std::string> model(
      std::uint64_t seed, const json& config, const json& initial_state) const override {
    taxi::Taxi env(seed);
    if (state_of(initial_state) != env.initial_state()) {
      return unexpected("game://initial_state has no state " + std::to_string(env.initial_state()) +
                        " (TAXI-008), so the model cannot follow it");
    }
    std::optional<int> max_steps;
    if (config.is_object() && config.contains("max_episode_steps") &&
        config["max_episode_steps"].is_number_integer()) {
      max_steps = config["max_episode_steps"].get<int>();
    }
    return std::unique_ptr<GameModel>(std::make_unique<TaxiModel>(std::move(env), max_steps));
  }

  // TAXI-005: every server draws reset's state as gymnasium does.
  ExactDynamics exact_dynamics() const override { return {{}, "TAXI-003, TAXI-004, TAXI-005"}; }

  // tools/regen-golden.sh's Taxi recordings.
  std::vector<GoldenRecording> golden_recordings() const override {
    return {
        {"taxi-shortest.jsonl", json::object(), 100, {}},
        {"taxi-illegal.jsonl", json::object(), 9, {}},
        {"taxi-random.jsonl", json::object(), 25, {}},
        {"taxi-truncated.jsonl", {{"max_episode_steps", 3}}, 100, {Feature::kTruncation}},
    };
  }
};

}  // namespace

std::shared_ptr<const GameDriver> taxi_driver() {
  static const auto driver = std::make_shared<const TaxiDriver>();
  return driver;
}

}  // namespace mcpgym::conformance
