// CliffWalking's driver (docs/spec.md CLIFF-*). A stub until the pure model
// (games/cliffwalking) is merged: the tool, actions and features are known,
// so CliffWalking servers are recognised and get the model-free checks.
#include "conformance/games/driver.hpp"

namespace mcpgym::conformance {
namespace {

class CliffWalkingDriver final : public GameDriver {
 public:
  std::string name() const override { return "cliffwalking"; }
  std::string tool() const override { return "cliff_move"; }
  std::vector<std::string> actions() const override { return {"UP", "RIGHT", "DOWN", "LEFT"}; }
  std::set<Feature> features() const override { return {Feature::kSlippery, Feature::kTruncation}; }
  bool has_model() const override { return false; }
  json short_episode_config() const override { return {{"is_slippery", false}}; }
  json long_episode_config() const override { return {{"is_slippery", false}}; }
  json slippery_config() const override { return {{"is_slippery", true}}; }
  std::optional<std::vector<int>> actions_to_end(const json&) const override {
    return std::nullopt;
  }
  Expected<std::unique_ptr<GameModel>, std::string> model(std::uint64_t, const json&,
                                                          const json&) const override {
    return unexpected(needs_model_reason());
  }
};

}  // namespace

std::shared_ptr<const GameDriver> cliffwalking_driver() {
  static const auto driver = std::make_shared<const CliffWalkingDriver>();
  return driver;
}

}  // namespace mcpgym::conformance
