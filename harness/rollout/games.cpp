#include "harness/rollout/games.hpp"

#include "common/text.hpp"

namespace mcpgym::harness {

namespace {

// Names may come from an implementation's tools/list: shown bounded.
std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words)
    text += (text.empty() ? "" : ", ") + excerpt(word, 80);
  return text;
}

std::vector<GameSpec> make_catalogue() {
  std::vector<GameSpec> games;
  games.push_back({.name = "frozenlake",
                   .tool = "lake_move",
                   .actions = {"LEFT", "DOWN", "RIGHT", "UP"},
                   .goal_policy = shortest_path_policy(),
                   .example_script = "DDRRDR"});
  games.push_back({.name = "cliffwalking",
                   .tool = "cliff_move",
                   .actions = {"UP", "RIGHT", "DOWN", "LEFT"},
                   .goal_policy = cliffwalking_safe_path_policy(),
                   .example_script = "URRRRRRRRRRRD"});
  games.push_back({.name = "taxi",
                   .tool = "taxi_move",
                   .actions = {"SOUTH", "NORTH", "EAST", "WEST", "PICKUP", "DROPOFF"},
                   .goal_policy = taxi_planner_policy(),
                   .example_script = "NNEEPSSD"});
  games.push_back({.name = "blackjack",
                   .tool = "blackjack_move",
                   .actions = {"STICK", "HIT"},
                   .goal_policy = blackjack_stick_on_17_policy(),
                   .example_script = "HS"});
  return games;
}

// The `action` enum of a tool's inputSchema, when it has one of strings.
std::optional<std::vector<std::string>> action_enum(const nlohmann::json& tool) {
  if (!tool.is_object()) return std::nullopt;
  const auto schema = tool.find("inputSchema");
  if (schema == tool.end() || !schema->is_object()) return std::nullopt;
  const auto properties = schema->find("properties");
  if (properties == schema->end() || !properties->is_object()) return std::nullopt;
  const auto action = properties->find("action");
  if (action == properties->end() || !action->is_object()) return std::nullopt;
  const auto type = action->find("type");
  if (type != action->end() && *type != "string") return std::nullopt;
  const auto values = action->find("enum");
  if (values == action->end() || !values->is_array() || values->empty()) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& value : *values) {
    if (!value.is_string()) return std::nullopt;
    names.push_back(value.get<std::string>());
  }
  return names;
}

std::string tool_name(const nlohmann::json& tool) {
  const auto name = tool.is_object() ? tool.find("name") : tool.end();
  return name != tool.end() && name->is_string() ? name->get<std::string>() : std::string();
}

}  // namespace

std::string GameSpec::describe() const {
  const std::string what = "tool " + excerpt(tool, 80) + ", actions " + joined(actions);
  return known() ? name + " (" + what + ")"
                 : "the game of tool " + excerpt(tool, 80) + " (actions " + joined(actions) + ")";
}

const std::vector<GameSpec>& known_games() {
  static const std::vector<GameSpec> games = make_catalogue();
  return games;
}

std::string known_game_names() {
  std::vector<std::string> names;
  for (const auto& game : known_games())
    names.push_back(game.name);
  return joined(names);
}

const GameSpec* find_game(std::string_view name) {
  for (const auto& game : known_games()) {
    if (game.name == name) return &game;
  }
  return nullptr;
}

const GameSpec& frozenlake_game() {
  return *find_game("frozenlake");
}

Expected<GameSpec, std::string> recognise_game(const nlohmann::json& tools_list) {
  const auto tools = tools_list.is_object() ? tools_list.find("tools") : tools_list.end();
  if (tools == tools_list.end() || !tools->is_array()) {
    return unexpected(
        "[mcpgym.rollout.bad_tools_list] the tools/list result has no \"tools\" "
        "array: " +
        excerpt(tools_list.dump(), 200));
  }
  std::vector<GameSpec> found;
  std::vector<std::string> all;
  for (const auto& tool : *tools) {
    all.push_back(tool_name(tool));
    if (auto actions = action_enum(tool))
      found.push_back({.tool = all.back(), .actions = *actions});
  }
  if (found.empty()) {
    return unexpected(
        "[mcpgym.rollout.no_data_plane_tool] tools/list offers no tool whose "
        "inputSchema has a string \"action\" enum (tools: " +
        (all.empty() ? std::string("none") : joined(all)) + "); name the game with --game");
  }
  if (found.size() > 1) {
    std::vector<std::string> names;
    for (const auto& game : found)
      names.push_back(game.tool);
    return unexpected("[mcpgym.rollout.several_data_plane_tools] tools/list offers " +
                      std::to_string(found.size()) + " tools with a string \"action\" enum (" +
                      joined(names) +
                      "), so the data-plane tool is ambiguous; name the game with --game");
  }
  for (const auto& game : known_games()) {
    if (game.tool == found.front().tool) return game;
  }
  return found.front();
}

}  // namespace mcpgym::harness
