#pragma once
// Shared helpers for checks that play FrozenLake episodes (termination.cpp,
// metadata.cpp, determinism.cpp) and for building the MUST checks of the
// episode and proxy areas: one session with a seed and config, the control
// plane read in the form the profile offers, the connector rollouts use, a
// shortest path over a map, and untrusted JSON read without exceptions.
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/core/check.hpp"
#include "conformance/core/context.hpp"
#include "conformance/games/frozenlake.hpp"
#include "harness/mcp/client.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::conformance::episode {

using json = nlohmann::json;

// The actions in FrozenLake's order (0..3).
inline constexpr const char* kActions[4] = {"LEFT", "DOWN", "RIGHT", "UP"};

// A bounded rendering of untrusted JSON for expected/actual texts.
std::string show(const json& value, std::size_t max = 200);

// Members of untrusted JSON, without exceptions: the value when it has the
// right type, else the fallback ("" and false).
std::string str_at(const json& j, const char* key);
bool true_at(const json& j, const char* key);

// One MCP session on the implementation, closed when the check is done (a
// proxy counts live sessions), playing the profile's game. Control-plane reads use the form the
// profile offers: resources when it offers them, else GET /control/<name>.
class Lake {
 public:
  // `note`: note "initialize with _extra ..." in the report.
  static Expected<Lake, std::string> open(Context& ctx, const json& extra, bool note = false);
  Lake(Lake&&) = default;
  ~Lake();

  Expected<json, std::string> initial_state();
  // "reward" or "status".
  Expected<json, std::string> control(const std::string& name);

  struct Move {
    bool is_error = false;
    std::string text;  // the first text block
    json observation;  // the text parsed, or discarded
    json raw;
    // {"isError": bool, "observation": <the text parsed, or the text itself>}
    json summary() const;
  };
  // A call of the game's data-plane tool (lake_move for FrozenLake).
  Expected<Move, std::string> move(const std::string& action);

 private:
  Lake(Context& ctx, std::unique_ptr<harness::McpClient> client);
  std::unique_ptr<harness::McpClient> client_;
  bool resources_ = true;
  std::string tool_;  // the game's data-plane tool
};

// A new client for one environment: for stdio profiles a new process through
// the Context (serialized by `mutex`: the Context is not thread-safe), else a
// connection to the HTTP endpoint with the Context's call timeout.
Expected<std::unique_ptr<harness::McpClient>, std::string> new_client(Context& ctx,
                                                                      std::mutex& mutex);

// A connector for rollouts over new_client.
class ContextConnector final : public harness::Connector {
 public:
  explicit ContextConnector(Context& ctx) : ctx_(ctx) {}
  Expected<std::unique_ptr<harness::McpClient>, std::string> connect(
      int, const harness::EnvironmentSpec&) override;

 private:
  Context& ctx_;
  std::mutex mutex_;
};

// The control-plane form the profile offers, for rollouts.
harness::ControlPlaneForm form_for(const Context& ctx);
harness::RolloutOptions rollout_options(const Context& ctx, int max_steps, bool record);

// FrozenLake's maps and the suite's one search over them (conformance/games/frozenlake.hpp).
using lake::Plan;
using lake::plan_path;
using lake::snake_map;

// Rules quoted by checks of several areas.
inline constexpr const char* kRuleLake007 =
    "The episode terminates on the step that enters `H` or `G`.";
inline constexpr const char* kRuleData006 =
    "A move after the episode has ended (terminated or truncated) is a tool error saying so, and "
    "it changes nothing.";

// Checks: every check of these areas is a MUST with every field given.
Needs gym_needs(std::set<Feature> features = {});
// The same for a check written on FrozenLake's maps and rules (it needs its
// model): skipped for other games, saying why.
Needs model_needs(std::set<Feature> features = {});
Check must_check(std::string id, std::string spec_id, std::string rule, Needs needs,
                 std::function<Outcome(Context&)> run, bool fresh_process = false);

}  // namespace mcpgym::conformance::episode
