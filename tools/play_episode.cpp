// mcpgym-play: plays one seeded FrozenLake episode against a running MCP-Gym
// server and prints every step: the action, the observation from the data
// plane, then reward and status from the control plane. README's main job
// until the conformance suite exists.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/bounded_json.hpp"
#include "common/cli.hpp"
#include "common/protocol.hpp"
#include "harness/mcp/client.hpp"
#include "harness/rollout/policy.hpp"

namespace {

using json = nlohmann::json;
using namespace mcpgym;

constexpr int kExitMisbehaved = 1;

[[noreturn]] void misbehaved(const std::string& why) {
  std::cerr << "mcpgym-play: the server misbehaved: " << why << "\n";
  std::exit(kExitMisbehaved);
}

template <class T>
T checked(harness::Result<T> result) {
  if (!result) misbehaved(result.error().message());
  return *std::move(result);
}

}  // namespace

int main(int argc, char** argv) {
  cli::Parser parser("mcpgym-play", "--url URL [flags]",
                     "Plays one seeded episode against a running MCP-Gym server and prints each "
                     "step.\nExit status: 0 played, 1 the server misbehaved, 2 bad flags.");
  parser.option("url", "URL", "the server's MCP endpoint, e.g. http://127.0.0.1:8000/mcp")
      .option("seed", "N", "environment seed sent in clientInfo._extra (default 42)")
      .option("config", "JSON", "environment config sent in clientInfo._extra (default {})")
      .option("actions", "LDRU...", "actions, one letter each (default DDRRDR)");
  auto parsed = parser.parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const cli::Args* args = &std::get<cli::Args>(parsed);
  const auto url = args->get("url");
  if (!url) {
    std::cerr << "mcpgym-play: [mcpgym.cli.missing_value] --url is required\n";
    return cli::kExitUsage;
  }
  auto seed = cli::to_integer("seed", args->get("seed").value_or("42"), 0,
                              static_cast<long long>(mcp::kMaxSeed));
  const json config = parse_json(args->get("config").value_or("{}")).value_or(json());
  const std::string actions = args->get("actions").value_or("DDRRDR");
  if (!seed || !config.is_object() || actions.find_first_not_of("LDRU") != std::string::npos) {
    std::cerr << "mcpgym-play: [mcpgym.cli.invalid_value] "
              << (!seed                 ? seed.error()
                  : !config.is_object() ? "--config expects a JSON object"
                                        : "--actions expects letters L, D, R, U")
              << "\n";
    return cli::kExitUsage;
  }

  auto connected = harness::connect_http(*url);
  if (!connected) {
    std::cerr << "mcpgym-play: " << connected.error() << "\n";
    return cli::kExitUsage;
  }
  harness::McpClient& session = **connected;
  const json init = checked(session.initialize({{"seed", *seed}, {"config", config}}));
  const json start = checked(session.read_resource("game://initial_state"));
  std::printf("server %s, protocol %s, seed %s\n%s\n\n",
              init["serverInfo"].value("name", "?").c_str(), session.negotiated_version().c_str(),
              start["seed"].dump().c_str(), start.value("grid", "").c_str());
  int step = 0;
  for (char c : actions) {
    const std::string action = *harness::action_of_letter(c);  // validated above
    const json result = checked(session.call_tool("lake_move", {{"action", action}}));
    if (result.value("isError", false)) misbehaved("lake_move failed: " + result.dump());
    const json observation =
        parse_json(result["content"][0].value("text", "")).value_or(json::object());
    const json reward = checked(session.read_resource("control://reward"));
    const json status = checked(session.read_resource("control://status"));
    std::printf("step %d: %-5s -> position %s  reward %s  terminated %s  truncated %s\n%s\n\n",
                ++step, action.c_str(), observation["position"].dump().c_str(),
                reward["reward"].dump().c_str(), status["terminated"].dump().c_str(),
                status["truncated"].dump().c_str(), observation.value("grid", "").c_str());
    if (status.value("terminated", false) || status.value("truncated", false)) break;
  }
  const json status = checked(session.read_resource("control://status"));
  std::printf("episode over after %s steps, total reward %s\n", status["step_count"].dump().c_str(),
              status["total_reward"].dump().c_str());
  (void)session.close();
  return 0;
}
