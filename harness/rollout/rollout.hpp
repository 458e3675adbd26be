#pragma once
// Multi-environment rollouts: N environments step concurrently, each in its
// own MCP session (and its own process where the implementation serves one
// environment per process). Each step: the policy picks an action, the
// harness calls the data-plane tool, then reads the control plane. An
// environment that terminates or truncates stops while the others go on; no
// tool call is ever sent to an ended environment.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/mcp/client.hpp"
#include "harness/process/supervisor.hpp"
#include "harness/record/recording.hpp"
#include "harness/rollout/control_plane_form.hpp"
#include "harness/rollout/games.hpp"
#include "harness/rollout/policy.hpp"

namespace mcpgym::harness {

struct EnvironmentSpec {
  std::uint64_t seed = 0;
  json config = json::object();
};

// Gives each environment a connected, not yet initialized, MCP client.
class Connector {
 public:
  virtual ~Connector() = default;
  virtual Expected<std::unique_ptr<McpClient>, std::string> connect(int env_index,
                                                                    const EnvironmentSpec& env) = 0;
  // Stops every process this connector started and refuses later connects, so
  // calls blocked on them end (a whole-run deadline). Thread-safe; idempotent.
  virtual void stop_all() {}
};

// Every environment is a session of the server at `url`.
std::unique_ptr<Connector> url_connector(std::string url, ClientOptions options = {});
// One process per environment, launched from `base` with {seed} and {config}
// (and {port}) filled in; the processes live as long as the connector.
std::unique_ptr<Connector> process_per_env_connector(LaunchSpec base, ClientOptions options = {});

struct RolloutOptions {
  int max_steps = 100;
  ControlPlaneForm control_plane = ControlPlaneForm::kResources;
  // The game's data-plane tool and its action names in gymnasium's order
  // (policies see them in PolicyView::actions). FrozenLake's by default, for
  // callers that predate the game seam; use_game() sets both.
  std::string tool = "lake_move";
  std::vector<std::string> actions = {"LEFT", "DOWN", "RIGHT", "UP"};
  void use_game(const GameSpec& game) {
    tool = game.tool;
    actions = game.actions;
  }
  // For programs not told the game: when set, each environment asks its own
  // session's tools/list right after initialize (discover_game), then plays
  // that game (its tool and actions, not the two above) with the policy this
  // returns; the factory given to run_rollout is unused. Called on the
  // environment's thread, serialized with the other callbacks. An error
  // (discovery's, or this function's) is the environment's failure, before
  // its first step. Asking in each session, not in a probe of its own, keeps
  // the question under the run's deadline and inside each environment's
  // process.
  std::function<Expected<PolicyFactory, std::string>(int env_index, const GameSpec& game)>
      policy_for_game;
  // MCP-Gym over handles (docs/spec.md HANDLE-001..011) instead of one
  // environment per session: initialize(nullptr), env_create with the
  // environment's seed and config, every game tool called with the env_id,
  // the control plane read by handle, env_close at the end. The recorded
  // tool arguments leave the env_id out, so a recording compares with a
  // legacy one. Pair it with a connector whose ClientOptions::era is modern
  // (or auto); legacy sessions stay the default.
  bool over_handles = false;
  // Keep one recording line per step. Each line holds the whole conversation
  // so far (reward-kit's format), so a recorded episode costs O(steps^2);
  // runs that only need outcomes turn this off.
  bool record = true;
  // Called once per environment when it stops (any thread, serialized).
  std::function<void(const struct EnvOutcome&)> on_env_done;
  // Called with each recorded line as soon as its step is complete (any
  // thread, serialized), so a run cut short still has every finished step.
  std::function<void(const RecordedStep&)> on_step;
};

struct EnvOutcome {
  int env_index = 0;
  std::uint64_t seed = 0;
  int steps = 0;
  bool terminated = false;
  bool truncated = false;
  double total_reward = 0.0;
  std::optional<std::string> error;  // what the implementation did wrong, if anything
  std::vector<RecordedStep> lines;   // one per step, for the recording
  std::string describe() const;      // "env 2 (seed 42): terminated at step 6, total reward 1.0"
};

struct RolloutResult {
  std::vector<EnvOutcome> envs;  // by env_index
  bool ok() const;
  // All lines, ordered by (env_index, step): the recording's content, the
  // same bytes whatever order the environments finished in.
  std::vector<RecordedStep> recording() const;
};

// The game a session serves, from its own tools/list (every page, then
// recognise_game). The session must be initialized.
Expected<GameSpec, std::string> discover_game(McpClient& client);

RolloutResult run_rollout(Connector& connector, const std::vector<EnvironmentSpec>& envs,
                          const PolicyFactory& policy, const RolloutOptions& options);

}  // namespace mcpgym::harness
