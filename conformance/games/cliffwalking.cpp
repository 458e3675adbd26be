// CliffWalking's driver (docs/spec.md CLIFF-*): the tool cliff_move, the
// model of games/cliffwalking (bit-exact with gymnasium 1.0) for predictions,
// and its safe path from the server's own position to the goal. The model has
// no TimeLimit: the driver counts steps against max_episode_steps (EPIS-001).
#include <utility>

#include "conformance/games/driver.hpp"
#include "games/cliffwalking/cliff_walking.hpp"

namespace mcpgym::conformance {
namespace {

class CliffModel final : public GameModel {
 public:
  CliffModel(cliffwalking::CliffWalking env, std::optional<int> max_steps)
      : env_(std::move(env)), max_steps_(max_steps) {}
  PredictedStep step(int action) override {
    const auto r = env_.step(static_cast<cliffwalking::Action>(action));
    ++steps_;
    return PredictedStep{
        .observation = {{"position", r.position}, {"grid", cliffwalking::render(r.position)}},
        .reward = r.reward,
        .terminated = r.terminated,
        .truncated = max_steps_ && steps_ >= *max_steps_,
        .prob = r.prob};
  }

 private:
  cliffwalking::CliffWalking env_;
  std::optional<int> max_steps_;
  int steps_ = 0;
};

bool true_at(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
}

std::optional<int> position_of(const json& state) {
  if (!state.is_object() || !state.contains("position") || !state["position"].is_number_integer())
    return std::nullopt;
  const int p = state["position"].get<int>();
  if (p < 0 || p >= cliffwalking::kCellCount) return std::nullopt;
  return p;
}

class CliffWalkingDriver final : public GameDriver {
 public:
  std::string name() const override { return "cliffwalking"; }
  std::string tool() const override { return "cliff_move"; }
  std::vector<std::string> actions() const override {
    std::vector<std::string> names;
    for (int a = 0; a < cliffwalking::kActionCount; ++a)
      names.emplace_back(cliffwalking::action_name(static_cast<cliffwalking::Action>(a)));
    return names;
  }
  std::set<Feature> features() const override { return {Feature::kSlippery, Feature::kTruncation}; }
  bool has_model() const override { return true; }
  // The board is fixed: every episode starts at 36; the safe path takes 13 moves.
  json short_episode_config() const override { return {{"is_slippery", false}}; }
  json long_episode_config() const override { return {{"is_slippery", false}}; }
  json slippery_config() const override { return {{"is_slippery", true}}; }

  std::optional<std::vector<int>> actions_to_end(const json& initial_state) const override {
    const auto start = position_of(initial_state);
    if (!start || *start == cliffwalking::kGoal) return std::nullopt;
    std::vector<int> out;
    for (auto a : cliffwalking::safe_path(*start))
      out.push_back(static_cast<int>(a));
    return out;
  }

  Expected<std::unique_ptr<GameModel>, std::string> model(
      std::uint64_t seed, const json& config, const json& initial_state) const override {
    cliffwalking::CliffWalking env(true_at(config, "is_slippery"), seed);
    if (position_of(initial_state) != env.initial_position()) {
      return unexpected("game://initial_state has no position " +
                        std::to_string(env.initial_position()) +
                        " (CLIFF-009), so the model cannot follow it");
    }
    std::optional<int> max_steps;
    if (config.is_object() && config.contains("max_episode_steps") &&
        config["max_episode_steps"].is_number_integer()) {
      max_steps = config["max_episode_steps"].get<int>();
    }
    return std::unique_ptr<GameModel>(std::make_unique<CliffModel>(std::move(env), max_steps));
  }

  // CLIFF-007 is a MUST of every CliffWalking server: no feature to claim.
  ExactDynamics exact_dynamics() const override { return {{}, "CLIFF-006, CLIFF-007"}; }

  std::vector<GoldenRecording> golden_recordings() const override {
    return {
        {"cliffwalking-shortest.jsonl", json::object(), 100, {}},
        {"cliffwalking-cliff.jsonl", json::object(), 5, {}},
        {"cliffwalking-slippery-random.jsonl", {{"is_slippery", true}}, 40, {Feature::kSlippery}},
        {"cliffwalking-truncated.jsonl", {{"max_episode_steps", 3}}, 100, {Feature::kTruncation}},
    };
  }
};

}  // namespace

std::shared_ptr<const GameDriver> cliffwalking_driver() {
  static const auto driver = std::make_shared<const CliffWalkingDriver>();
  return driver;
}

}  // namespace mcpgym::conformance
