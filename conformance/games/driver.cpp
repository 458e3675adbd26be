#include "conformance/games/driver.hpp"

#include <utility>

#include "common/text.hpp"

namespace mcpgym::conformance {
namespace {

// A data-plane tool the suite has no model of: only its name and actions are known.
class UnknownGame final : public GameDriver {
 public:
  UnknownGame(std::string tool, std::vector<std::string> actions)
      : tool_(std::move(tool)), actions_(std::move(actions)) {}
  std::string name() const override { return "unknown"; }
  std::string tool() const override { return tool_; }
  std::vector<std::string> actions() const override { return actions_; }
  std::set<Feature> features() const override { return {Feature::kTruncation}; }
  bool has_model() const override { return false; }
  json short_episode_config() const override { return json::object(); }
  json long_episode_config() const override { return json::object(); }
  json slippery_config() const override { return nullptr; }
  std::optional<std::vector<int>> actions_to_end(const json&) const override {
    return std::nullopt;
  }
  Expected<std::unique_ptr<GameModel>, std::string> model(std::uint64_t, const json&,
                                                          const json&) const override {
    return unexpected(needs_model_reason());
  }
  ExactDynamics exact_dynamics() const override { return {}; }
  std::vector<GoldenRecording> golden_recordings() const override { return {}; }

 private:
  std::string tool_;
  std::vector<std::string> actions_;
};

// The action names of a tool whose inputSchema takes a string `action` from
// an enum of strings; nullopt for any other tool.
std::optional<std::vector<std::string>> action_enum(const json& tool) {
  if (!tool.is_object() || !tool.contains("inputSchema")) return std::nullopt;
  const json& schema = tool["inputSchema"];
  if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object())
    return std::nullopt;
  const json& properties = schema["properties"];
  if (!properties.contains("action") || !properties["action"].is_object()) return std::nullopt;
  const json& action = properties["action"];
  if (!action.contains("enum") || !action["enum"].is_array() || action["enum"].empty())
    return std::nullopt;
  std::vector<std::string> names;
  for (const json& name : action["enum"]) {
    if (!name.is_string()) return std::nullopt;
    names.push_back(name.get<std::string>());
  }
  return names;
}

// plan_policy's: the plan is made at the first step, from the initial state.
class PlanPolicy final : public harness::Policy {
 public:
  explicit PlanPolicy(const GameDriver& game) : game_(game), names_(game.actions()) {}
  std::string next_action(const harness::PolicyView& view) override {
    if (!plan_ && view.initial_state)
      plan_ = game_.actions_to_end(*view.initial_state).value_or(std::vector<int>{});
    const auto step = static_cast<std::size_t>(view.step);
    const int action = plan_ && step < plan_->size() ? (*plan_)[step] : 0;
    return names_[static_cast<std::size_t>(action)];
  }

 private:
  const GameDriver& game_;
  std::vector<std::string> names_;
  std::optional<std::vector<int>> plan_;
};

std::string tool_name(const json& tool) {
  return tool.is_object() && tool.contains("name") && tool["name"].is_string()
             ? tool["name"].get<std::string>()
             : std::string();
}

}  // namespace

std::optional<int> GameDriver::action_index(std::string_view action) const {
  const auto names = actions();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == action) return static_cast<int>(i);
  }
  return std::nullopt;
}

std::string GameDriver::features_text() const {
  std::string out;
  for (Feature f : features())
    out += (out.empty() ? "" : ", ") + std::string(feature_name(f));
  return out;
}

harness::PolicyFactory plan_policy(const GameDriver& game) {
  return [&game](int, std::uint64_t) { return std::make_unique<PlanPolicy>(game); };
}

json slipperiness_config(const GameDriver& game, bool slippery) {
  json config = game.slippery_config();
  if (!config.is_object()) return json::object();
  if (slippery) return config;
  for (auto& [key, value] : config.items()) {
    if (value.is_boolean()) value = false;
  }
  return config;
}

const std::vector<std::string>& known_games() {
  static const std::vector<std::string> names = {"frozenlake", "cliffwalking", "taxi", "blackjack"};
  return names;
}

std::string known_games_text() {
  std::string out;
  for (const auto& name : known_games())
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::shared_ptr<const GameDriver> driver_named(std::string_view name) {
  if (name == "frozenlake") return frozenlake_driver();
  if (name == "cliffwalking") return cliffwalking_driver();
  if (name == "taxi") return taxi_driver();
  if (name == "blackjack") return blackjack_driver();
  return nullptr;
}

std::shared_ptr<const GameDriver> unknown_game(std::string tool, std::vector<std::string> actions) {
  return std::make_shared<UnknownGame>(std::move(tool), std::move(actions));
}

std::string GameChoice::describe() const {
  return driver->name() + " (" + how + ")";
}

json GameChoice::to_json() const {
  return {{"name", driver->name()},
          {"tool", driver->tool()},
          {"actions", driver->actions()},
          {"how", how}};
}

Expected<GameChoice, std::string> recognise_game(const json& tools) {
  std::string listed;
  std::vector<std::pair<std::string, std::vector<std::string>>> candidates;
  if (tools.is_array()) {
    for (const json& tool : tools) {
      const std::string name = tool_name(tool);
      listed += (listed.empty() ? "" : ", ") + excerpt(name, 60);
      for (const auto& game : known_games()) {
        auto driver = driver_named(game);
        if (driver->tool() == name) {
          return GameChoice{driver, "recognised from the tool " + name + " in tools/list"};
        }
      }
      if (auto actions = action_enum(tool)) candidates.emplace_back(name, std::move(*actions));
    }
  }
  if (candidates.size() == 1) {
    auto& [name, actions] = candidates.front();
    return GameChoice{unknown_game(name, actions),
                      "the tool " + name + " in tools/list is no game the suite knows (it knows " +
                          known_games_text() + ")"};
  }
  return unexpected(std::string("[mcpgym.conform.game_not_recognised] tools/list has ") +
                    (candidates.empty() ? "no data-plane tool"
                                        : std::to_string(candidates.size()) + " data-plane tools") +
                    " (a tool taking a string `action` from an enum) among its tools [" + listed +
                    "]; name the game with --game (" + known_games_text() + ")");
}

std::string needs_model_reason() {
  return "needs a model of the game; the suite knows " + known_games_text();
}

}  // namespace mcpgym::conformance
