// FrozenLake's driver (docs/spec.md LAKE-*): the tool lake_move, explicit
// `desc` maps for short and long episodes, the suite's one map search
// (lake::plan_path) for the way to G, and games/frozenlake's model,
// bit-exact with gymnasium, for predictions.
#include "conformance/games/frozenlake.hpp"

#include <algorithm>
#include <deque>
#include <sstream>
#include <utility>
#include <variant>

#include "common/text.hpp"
#include "conformance/games/driver.hpp"
#include "games/frozenlake/frozen_lake.hpp"

namespace mcpgym::conformance {
namespace lake {

std::vector<std::string> snake_map(int k) {
  static const int kSnake[] = {0, 1, 2, 3, 7, 11, 10, 9, 8, 12};
  std::vector<std::string> rows = {"SFFF", "HHHF", "FFFF", "FHHH"};
  const int goal = kSnake[k];
  rows[goal / 4][goal % 4] = 'G';
  return rows;
}

std::optional<Plan> plan_path(const std::vector<std::string>& rows, int start, char target) {
  const int n = static_cast<int>(rows.size());
  if (start < 0 || start >= n * n) return std::nullopt;
  auto cell = [&](int p) { return rows[p / n][p % n]; };
  std::vector<int> from(static_cast<std::size_t>(n * n), -1), how(from.size(), -1);
  std::vector<bool> seen(from.size(), false);
  std::deque<int> frontier = {start};
  seen[start] = true;
  while (!frontier.empty()) {
    const int p = frontier.front();
    frontier.pop_front();
    if (p != start && cell(p) == target) {
      Plan plan;
      for (int q = p; q != start; q = from[q]) {
        plan.actions.insert(
            plan.actions.begin(),
            std::string(frozenlake::action_name(static_cast<frozenlake::Action>(how[q]))));
        plan.cells.insert(plan.cells.begin(), q);
      }
      return plan;
    }
    if (p != start && cell(p) == 'H') continue;
    const int r = p / n, c = p % n;
    const int next[4][2] = {{r, c - 1}, {r + 1, c}, {r, c + 1}, {r - 1, c}};
    for (int a = 0; a < 4; ++a) {
      const int rr = next[a][0], cc = next[a][1];
      if (rr < 0 || rr >= n || cc < 0 || cc >= n) continue;
      const int q = rr * n + cc;
      if (seen[q]) continue;
      seen[q] = true;
      from[q] = p;
      how[q] = a;
      frontier.push_back(q);
    }
  }
  return std::nullopt;
}

}  // namespace lake

namespace {

// `rows` if they make a square map.
std::optional<std::vector<std::string>> square(std::vector<std::string> rows) {
  if (rows.size() < 2 || rows.size() > 64) return std::nullopt;
  for (const auto& row : rows) {
    if (row.size() != rows.size()) return std::nullopt;
  }
  return rows;
}

// The map drawn by an initial state's grid (DATA-004): the agent's P stands
// on the start cell S. The eval-protocol convention's initial state is the
// observation {"position", "grid"} without `map` (EVP-005).
std::optional<std::vector<std::string>> map_of_grid(const json& grid) {
  if (!grid.is_string()) return std::nullopt;
  std::vector<std::string> rows;
  std::istringstream lines(grid.get<std::string>());
  for (std::string row; std::getline(lines, row) && rows.size() <= 64;) {
    std::replace(row.begin(), row.end(), 'P', 'S');
    rows.push_back(std::move(row));
  }
  return square(std::move(rows));
}

// The map rows of game://initial_state (CTRL-003), else of its grid, if they
// make a square map.
std::optional<std::vector<std::string>> map_of(const json& state) {
  if (!state.is_object()) return std::nullopt;
  if (!state.contains("map"))
    return state.contains("grid") ? map_of_grid(state["grid"]) : std::nullopt;
  const json& map = state["map"];
  if (!map.is_array() || map.size() > 64) return std::nullopt;
  std::vector<std::string> rows;
  for (const auto& row : map) {
    if (!row.is_string()) return std::nullopt;
    rows.push_back(row.get<std::string>());
  }
  return square(std::move(rows));
}

std::optional<int> position_of(const json& state) {
  if (state.is_object() && state.contains("position") && state["position"].is_number_integer())
    return state["position"].get<int>();
  return std::nullopt;
}

class LakeModel final : public GameModel {
 public:
  explicit LakeModel(frozenlake::FrozenLake env) : env_(std::move(env)) {}
  PredictedStep step(int action) override {
    const auto r = env_.step(static_cast<frozenlake::Action>(action));
    return PredictedStep{.observation = {{"position", r.position}, {"grid", env_.grid()}},
                         .reward = r.reward,
                         .terminated = r.terminated,
                         .truncated = r.truncated,
                         .prob = r.prob};
  }

 private:
  frozenlake::FrozenLake env_;
};

class FrozenLakeDriver final : public GameDriver {
 public:
  std::string name() const override { return "frozenlake"; }
  std::string tool() const override { return "lake_move"; }
  std::vector<std::string> actions() const override {
    std::vector<std::string> names;
    for (int a = 0; a < frozenlake::kActionCount; ++a)
      names.emplace_back(frozenlake::action_name(static_cast<frozenlake::Action>(a)));
    return names;
  }
  std::set<Feature> features() const override {
    return {Feature::kSlippery, Feature::kTruncation, Feature::kGymnasiumMaps, Feature::k8x8};
  }
  bool has_model() const override { return true; }
  // S next to G in the corner: one RIGHT ends the episode.
  json short_episode_config() const override {
    return {{"desc", {"FFFF", "FFFF", "FFFF", "FFSG"}}, {"is_slippery", false}};
  }
  // gymnasium's 4x4 map given explicitly: its shortest path to G takes 6 moves.
  json long_episode_config() const override {
    return {{"desc", {"SFFF", "FHFH", "FFFH", "HFFG"}}, {"is_slippery", false}};
  }
  json slippery_config() const override { return {{"is_slippery", true}}; }

  std::optional<std::vector<int>> actions_to_end(const json& initial_state) const override {
    const auto rows = map_of(initial_state);
    const auto start = position_of(initial_state);
    if (!rows || !start) return std::nullopt;
    const auto plan = lake::plan_path(*rows, *start, 'G');
    if (!plan) return std::nullopt;
    std::vector<int> out;
    for (const auto& action : plan->actions)
      out.push_back(*action_index(action));
    return out;
  }

  Expected<std::unique_ptr<GameModel>, std::string> model(
      std::uint64_t seed, const json& config, const json& initial_state) const override {
    const auto rows = map_of(initial_state);
    const auto start = position_of(initial_state);
    if (!rows || !start) {
      return unexpected("game://initial_state has no square map and position to model: " +
                        excerpt(initial_state.dump(), 200));
    }
    auto map = frozenlake::Map::from_rows(*rows);
    if (auto* why = std::get_if<std::string>(&map))
      return unexpected("the map of game://initial_state is not valid: " + *why);
    const bool slippery = config.is_object() && config.contains("is_slippery") &&
                          config["is_slippery"].is_boolean() && config["is_slippery"].get<bool>();
    std::optional<int> max_steps;
    if (config.is_object() && config.contains("max_episode_steps") &&
        config["max_episode_steps"].is_number_integer()) {
      max_steps = config["max_episode_steps"].get<int>();
    }
    frozenlake::FrozenLake env(std::get<frozenlake::Map>(std::move(map)), slippery, max_steps,
                               seed);
    if (env.initial_position() != *start) {
      return unexpected("gymnasium's reset on seed " + std::to_string(seed) +
                        " starts at position " + std::to_string(env.initial_position()) +
                        " but game://initial_state says " + std::to_string(*start));
    }
    return std::unique_ptr<GameModel>(std::make_unique<LakeModel>(std::move(env)));
  }

  // LAKE-001 and LAKE-003 hold only under `gymnasium-maps`.
  ExactDynamics exact_dynamics() const override {
    return {{Feature::kGymnasiumMaps}, "LAKE-003, LAKE-005"};
  }

  std::vector<GoldenRecording> golden_recordings() const override {
    return {
        {"4x4-shortest.jsonl", json::object(), 100, {}},
        {"4x4-scripted.jsonl", json::object(), 20, {}},
        {"8x8-shortest.jsonl", {{"map_name", "8x8"}}, 100, {Feature::k8x8}},
        {"slippery-random.jsonl", {{"is_slippery", true}}, 40, {Feature::kSlippery}},
        {"truncated.jsonl", {{"max_episode_steps", 5}}, 100, {Feature::kTruncation}},
    };
  }
};

}  // namespace

std::shared_ptr<const GameDriver> frozenlake_driver() {
  static const auto driver = std::make_shared<const FrozenLakeDriver>();
  return driver;
}

}  // namespace mcpgym::conformance
