// mcpgym-play: plays one seeded episode of any MCP-Gym game against a running
// server and prints every step: the action, the observation from the data
// plane, then reward and status from the control plane. The game is --game's
// or recognised from the server's tools/list.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/bounded_json.hpp"
#include "common/cli.hpp"
#include "common/protocol.hpp"
#include "harness/mcp/client.hpp"
#include "harness/rollout/games.hpp"
#include "harness/rollout/policy.hpp"
#include "harness/rollout/rollout.hpp"

namespace {

using json = nlohmann::json;
using namespace mcpgym;

constexpr int kExitMisbehaved = 1;

[[noreturn]] void misbehaved(const std::string& why) {
  std::cerr << "mcpgym-play: the server misbehaved: " << why << "\n";
  std::exit(kExitMisbehaved);
}

[[noreturn]] void bad_flags(const std::string& why) {
  std::cerr << "mcpgym-play: " << why << "\n";
  std::exit(cli::kExitUsage);
}

template <class T>
T checked(harness::Result<T> result) {
  if (!result) misbehaved(result.error().message());
  return *std::move(result);
}

cli::Parser make_parser() {
  cli::Parser parser(
      "mcpgym-play", "--url URL [flags]",
      "Plays one seeded episode against a running MCP-Gym server and prints each step. The game\n"
      "is --game's, or else recognised from the server's tools/list (said on stderr); a tool\n"
      "the harness does not know is played by name with --actions.\n"
      "Exit status: 0 played, 1 the server misbehaved, 2 bad flags.");
  parser.option("url", "URL", "the server's MCP endpoint, e.g. http://127.0.0.1:8000/mcp")
      .option("game", "NAME",
              "the game: " + harness::known_game_names() + " (default: recognised from tools/list)")
      .option("seed", "N", "environment seed sent in clientInfo._extra (default 42)")
      .option("config", "JSON", "environment config sent in clientInfo._extra (default {})")
      .option("actions", "ACTIONS",
              "action names separated by commas (RIGHT,RIGHT,DOWN) or their first letters "
              "(RRDD) (default: the game's example, frozenlake DDRRDR)");
  return parser;
}

// The known game --game names, or nullptr without the flag.
const harness::GameSpec* named_game(const cli::Args& args) {
  const auto name = args.get("game");
  if (!name) return nullptr;
  const harness::GameSpec* game = harness::find_game(*name);
  if (game == nullptr) {
    bad_flags("[mcpgym.cli.invalid_value] --game '" + *name +
              "' is not a game the harness knows; expected one of " + harness::known_game_names());
  }
  return game;
}

harness::GameSpec recognised_game(harness::McpClient& session) {
  auto game = harness::discover_game(session);
  if (!game) misbehaved(game.error());
  std::cerr << "mcpgym-play: " << (game->known() ? "recognised " : "playing ") << game->describe()
            << " from tools/list\n";
  return *game;
}

std::vector<std::string> actions_to_play(const cli::Args& args, const harness::GameSpec& game) {
  const auto script = args.get("actions");
  if (!script && game.example_script.empty()) {
    bad_flags("[mcpgym.cli.invalid_value] --actions is needed for " + game.describe() +
              ": the harness has no example episode for it");
  }
  auto actions = harness::parse_script(script.value_or(game.example_script), game.actions);
  if (!actions) bad_flags(actions.error());
  return *actions;
}

std::string text_of(const json& result) {
  const auto content = result.find("content");
  if (content == result.end() || !content->is_array() || content->empty()) return {};
  const json& block = content->front();
  const auto text = block.is_object() ? block.find("text") : block.end();
  return text != block.end() && text->is_string() ? text->get<std::string>() : std::string();
}

// The observation without its grid (printed on its own lines) and action.
std::string observation_summary(json observation) {
  if (!observation.is_object()) return observation.dump();
  observation.erase("grid");
  observation.erase("action");
  return observation.dump();
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = make_parser().parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const cli::Args& args = std::get<cli::Args>(parsed);
  const auto url = args.get("url");
  if (!url) bad_flags("[mcpgym.cli.missing_value] --url is required");
  auto seed = cli::to_integer("seed", args.get("seed").value_or("42"), 0,
                              static_cast<long long>(mcp::kMaxSeed));
  if (!seed) bad_flags(seed.error());
  const json config = parse_json(args.get("config").value_or("{}")).value_or(json());
  if (!config.is_object()) bad_flags("[mcpgym.cli.invalid_value] --config expects a JSON object");
  const harness::GameSpec* named = named_game(args);
  // A known game's --actions are checked before anything is sent.
  if (named != nullptr) actions_to_play(args, *named);

  auto connected = harness::connect_http(*url);
  if (!connected) bad_flags(connected.error());
  harness::McpClient& session = **connected;
  const json init = checked(session.initialize({{"seed", *seed}, {"config", config}}));
  const harness::GameSpec game = named != nullptr ? *named : recognised_game(session);
  const std::vector<std::string> actions = actions_to_play(args, game);
  const json start = checked(session.read_resource("game://initial_state"));
  std::printf("server %s, protocol %s, seed %s, game %s\n%s\n\n",
              init["serverInfo"].value("name", "?").c_str(), session.negotiated_version().c_str(),
              start["seed"].dump().c_str(), game.describe().c_str(),
              start.value("grid", "").c_str());
  int step = 0;
  for (const std::string& action : actions) {
    const json result = checked(session.call_tool(game.tool, {{"action", action}}));
    if (!result.is_object() || result.value("isError", false)) {
      misbehaved(game.tool + " failed: " + result.dump());
    }
    const json observation = parse_json(text_of(result)).value_or(json::object());
    const json reward = checked(session.read_resource("control://reward"));
    const json status = checked(session.read_resource("control://status"));
    std::printf("step %d: %-5s -> %s  reward %s  terminated %s  truncated %s\n%s\n\n", ++step,
                action.c_str(), observation_summary(observation).c_str(),
                reward["reward"].dump().c_str(), status["terminated"].dump().c_str(),
                status["truncated"].dump().c_str(),
                observation.is_object() ? observation.value("grid", "").c_str() : "");
    if (status.value("terminated", false) || status.value("truncated", false)) break;
  }
  const json status = checked(session.read_resource("control://status"));
  std::printf("episode over after %s steps, total reward %s\n", status["step_count"].dump().c_str(),
              status["total_reward"].dump().c_str());
  (void)session.close();
  return 0;
}
