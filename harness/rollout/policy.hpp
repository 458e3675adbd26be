#pragma once
// Policies choose each environment's next action. One Policy object serves
// one environment, on that environment's thread, so policies keep state freely.
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "harness/record/recording.hpp"

namespace mcpgym::harness {

using json = nlohmann::json;

struct PolicyView {
  int env_index = 0;
  std::uint64_t seed = 0;
  int step = 0;                            // steps taken so far
  const json* initial_state = nullptr;     // the game://initial_state payload
  const json* last_observation = nullptr;  // the last tool result's JSON, null before step 1
};

class Policy {
 public:
  virtual ~Policy() = default;
  // An action name: "LEFT", "DOWN", "RIGHT" or "UP".
  virtual std::string next_action(const PolicyView& view) = 0;
};

using PolicyFactory = std::function<std::unique_ptr<Policy>(int env_index, std::uint64_t seed)>;

// The listed actions, the last one repeated once they run out.
// Letters L D R U, e.g. "RRDD".
Expected<PolicyFactory, std::string> scripted_policy(std::string_view letters);
// Uniform over the four actions, from a generator seeded by (seed, env_index),
// so a rollout is reproducible.
PolicyFactory random_policy(std::uint64_t seed);
// Breadth-first search over the FrozenLake map of game://initial_state from the
// agent's current cell to the nearest G, avoiding H; recomputed every step, so
// it also recovers from slips. Reaches G whenever a path exists.
PolicyFactory shortest_path_policy();
// The actions an earlier recording took, per env_index (matched by index).
Expected<PolicyFactory, std::string> replay_policy(const std::vector<RecordedStep>& recording);

// "scripted:RRDD", "random:<seed>", "shortest", "replay:<file.jsonl>".
// Errors start with [mcpgym.cli.invalid_value] and list the accepted forms.
Expected<PolicyFactory, std::string> parse_policy(std::string_view spec);

// "LEFT" for 'L', "DOWN" for 'D', "RIGHT" for 'R', "UP" for 'U'.
std::optional<std::string> action_of_letter(char letter);

// The actions of one environment's conversation (its assistant tool_calls).
std::vector<std::string> actions_in(const json& messages);

}  // namespace mcpgym::harness
