#pragma once
// Policies choose each environment's next action. One Policy object serves
// one environment, on that environment's thread, so policies keep state freely.
// Scripted, seeded-random and replay policies work for any game: they take
// the game's action names from the PolicyView (or, for a script, from the
// game it is parsed for). Goal-seeking policies are per game
// (harness/rollout/games.hpp).
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "harness/record/recording.hpp"

namespace mcpgym::harness {

using json = nlohmann::json;

struct GameSpec;  // harness/rollout/games.hpp

struct PolicyView {
  int env_index = 0;
  std::uint64_t seed = 0;
  int step = 0;                            // steps taken so far
  const json* initial_state = nullptr;     // the game://initial_state payload
  const json* last_observation = nullptr;  // the last tool result's JSON, null before step 1
  // The game's action names in gymnasium's order (RolloutOptions::actions).
  // Empty means FrozenLake's LEFT, DOWN, RIGHT, UP, for callers that predate
  // the game seam.
  std::span<const std::string> actions = {};
};

class Policy {
 public:
  virtual ~Policy() = default;
  // One of the game's action names, e.g. "LEFT".
  virtual std::string next_action(const PolicyView& view) = 0;
};

using PolicyFactory = std::function<std::unique_ptr<Policy>(int env_index, std::uint64_t seed)>;

// The actions of a script, canonical names of `actions`: names separated by
// commas ("RIGHT,RIGHT,DOWN", case-insensitive, spaces trimmed), and, when
// the game's names have distinct first letters, runs of those letters
// ("RRDD"; a word that is a name is read as the name). Errors start with
// [mcpgym.cli.invalid_value] and list what the game accepts.
Expected<std::vector<std::string>, std::string> parse_script(std::string_view script,
                                                             std::span<const std::string> actions);

// The listed actions, the last one repeated once they run out.
Expected<PolicyFactory, std::string> scripted_policy(std::string_view script,
                                                     std::span<const std::string> actions);
// FrozenLake's: letters L D R U or names, e.g. "RRDD".
Expected<PolicyFactory, std::string> scripted_policy(std::string_view script);
// Uniform over the game's actions (PolicyView::actions), from a generator
// seeded by (seed, env_index), so a rollout is reproducible. For FrozenLake's
// four actions the sequence of a seed never changes (golden recordings).
PolicyFactory random_policy(std::uint64_t seed);
// FrozenLake's goal-seeking policy: a shortest path (frozenlake::shortest_path)
// over the map of game://initial_state from the agent's current cell to the
// nearest G, avoiding H; recomputed every step, so it also recovers from
// slips. Reaches G whenever a path exists. (GameSpec::goal_policy of
// frozenlake; harness/rollout/frozenlake_policy.cpp.)
PolicyFactory shortest_path_policy();
// CliffWalking's goal-seeking policy: cliffwalking::safe_path from the
// agent's position (the last observation's, else game://initial_state's),
// recomputed every step, so it recovers from slips. (GameSpec::goal_policy of
// cliffwalking; harness/rollout/cliffwalking_policy.cpp.)
PolicyFactory cliffwalking_safe_path_policy();
// Taxi's goal-seeking policy: taxi::planned_action on the state the last
// observation shows (else game://initial_state's): breadth first to the
// passenger, PICKUP, to the destination, DROPOFF. (GameSpec::goal_policy of
// taxi; harness/rollout/taxi_policy.cpp.)
PolicyFactory taxi_planner_policy();
// Blackjack's policy: blackjack::stick_on_17 on the player's sum (the last
// observation's, else game://initial_state's); STICK when none is readable,
// which ends the episode. (GameSpec::goal_policy of blackjack;
// harness/rollout/blackjack_policy.cpp.)
PolicyFactory blackjack_stick_on_17_policy();
// The actions an earlier recording took, per env_index (matched by index),
// whatever the game. An environment the recording lacks plays the game's
// first action.
Expected<PolicyFactory, std::string> replay_policy(const std::vector<RecordedStep>& recording);

// A --policy flag, checked before the game is known, so a program refuses a
// malformed one before it starts anything: "scripted:<script>",
// "random:<seed>", "shortest", "replay:<file.jsonl>" (the file is read here).
struct PolicySpec {
  enum class Kind { kScripted, kRandom, kShortest, kReplay };
  Kind kind = Kind::kShortest;
  std::string script;                   // kScripted
  std::uint64_t seed = 0;               // kRandom
  std::vector<RecordedStep> recording;  // kReplay
};
// Errors start with [mcpgym.cli.invalid_value] (or [mcpgym.record.*] for a
// replay file) and list the accepted forms.
Expected<PolicySpec, std::string> parse_policy_spec(std::string_view spec);
// The policy for `game`: scripts are resolved against its action names;
// `shortest` is its goal-seeking policy, refused with
// [mcpgym.cli.invalid_value] for a game that has none.
Expected<PolicyFactory, std::string> make_policy(const PolicySpec& spec, const GameSpec& game);
// parse_policy_spec then make_policy, for FrozenLake.
Expected<PolicyFactory, std::string> parse_policy(std::string_view spec);

// "LEFT" for 'L', "DOWN" for 'D', "RIGHT" for 'R', "UP" for 'U' (FrozenLake).
std::optional<std::string> action_of_letter(char letter);

// The actions of one environment's conversation (its assistant tool_calls).
std::vector<std::string> actions_in(const json& messages);

}  // namespace mcpgym::harness
