// Blackjack's driver (docs/spec.md BJACK-*): the tool blackjack_move, the
// model of games/blackjack (bit-exact with gymnasium 1.0 and numpy's choice)
// for predictions, and STICK, which ends every episode. The model has no
// TimeLimit: the driver counts steps against max_episode_steps (EPIS-001).
#include "games/blackjack/blackjack.hpp"

#include <utility>

#include "conformance/games/driver.hpp"

namespace mcpgym::conformance {
namespace {

json observation_of(const blackjack::Observation& o) {
  return {
      {"player_sum", o.player_sum}, {"dealer_card", o.dealer_card}, {"usable_ace", o.usable_ace}};
}

class BlackjackModel final : public GameModel {
 public:
  BlackjackModel(blackjack::Blackjack env, std::optional<int> max_steps)
      : env_(std::move(env)), max_steps_(max_steps) {}
  PredictedStep step(int action) override {
    const auto r = env_.step(static_cast<blackjack::Action>(action));
    ++steps_;
    // Blackjack's info is {} (BJACK-011): no probability to predict.
    return PredictedStep{.observation = observation_of(r.observation),
                         .reward = r.reward,
                         .terminated = r.terminated,
                         .truncated = max_steps_ && steps_ >= *max_steps_,
                         .prob = 1.0};
  }

 private:
  blackjack::Blackjack env_;
  std::optional<int> max_steps_;
  int steps_ = 0;
};

bool true_at(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
}

// game://initial_state without its seed: what BJACK-009 says the model shows.
bool shows(const json& initial_state, const json& observation) {
  if (!initial_state.is_object()) return false;
  for (const auto& [key, value] : observation.items()) {
    if (!initial_state.contains(key) || initial_state[key] != value) return false;
  }
  return true;
}

class BlackjackDriver final : public GameDriver {
 public:
  std::string name() const override { return "blackjack"; }
  std::string tool() const override { return "blackjack_move"; }
  std::vector<std::string> actions() const override { return {"STICK", "HIT"}; }
  std::set<Feature> features() const override { return {Feature::kTruncation}; }
  bool has_model() const override { return true; }
  // Every episode is short: STICK ends it, and a few HITs bust.
  json short_episode_config() const override { return json::object(); }
  json long_episode_config() const override { return json::object(); }
  json slippery_config() const override { return nullptr; }

  // STICK ends every episode, whatever was dealt (BJACK-006).
  std::optional<std::vector<int>> actions_to_end(const json& /*initial_state*/) const override {
    return std::vector<int>{static_cast<int>(blackjack::Action::kStick)};
  }

  Expected<std::unique_ptr<GameModel>, std::string> model(
      std::uint64_t seed, const json& config, const json& initial_state) const override {
    const blackjack::Rules rules{.natural = true_at(config, "natural"),
                                 .sab = true_at(config, "sab")};
    blackjack::Blackjack env(rules, seed);
    const json dealt = observation_of(env.observation());
    if (!shows(initial_state, dealt)) {
      return unexpected("game://initial_state does not show the deal " + dealt.dump() +
                        " (BJACK-009), so the model cannot follow it");
    }
    std::optional<int> max_steps;
    if (config.is_object() && config.contains("max_episode_steps") &&
        config["max_episode_steps"].is_number_integer()) {
      max_steps = config["max_episode_steps"].get<int>();
    }
    return std::unique_ptr<GameModel>(std::make_unique<BlackjackModel>(std::move(env), max_steps));
  }

  // BJACK-002..004: every server deals with numpy's choice as gymnasium does.
  ExactDynamics exact_dynamics() const override { return {{}, "BJACK-002, BJACK-003, BJACK-004"}; }

  // tools/regen-golden.sh's Blackjack recordings.
  std::vector<GoldenRecording> golden_recordings() const override {
    return {
        {"blackjack-stick17.jsonl", json::object(), 100, {}},
        {"blackjack-natural.jsonl", {{"natural", true}}, 100, {}},
        {"blackjack-sab.jsonl", {{"sab", true}}, 100, {}},
        {"blackjack-random.jsonl", {{"natural", true}, {"sab", false}}, 10, {}},
        {"blackjack-truncated.jsonl", {{"max_episode_steps", 1}}, 100, {Feature::kTruncation}},
    };
  }
};

}  // namespace

std::shared_ptr<const GameDriver> blackjack_driver() {
  static const auto driver = std::make_shared<const BlackjackDriver>();
  return driver;
}

}  // namespace mcpgym::conformance
