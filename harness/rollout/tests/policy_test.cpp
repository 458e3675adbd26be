// Policies in isolation: pure, no server.
#include "harness/rollout/policy.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "games/blackjack/blackjack.hpp"
#include "games/cliffwalking/cliff_walking.hpp"
#include "games/taxi/taxi.hpp"
#include "harness/rollout/games.hpp"
#include "harness/rollout/tests/model_oracle.hpp"

namespace mcpgym::harness {
namespace {

std::vector<std::string> first_actions(const PolicyFactory& factory, int count, int env = 0) {
  auto policy = factory(env, 0);
  const json initial = {{"map", {"SF", "FG"}}, {"position", 0}};
  std::vector<std::string> actions;
  for (int step = 0; step < count; ++step) {
    actions.push_back(policy->next_action({env, 0, step, &initial, nullptr}));
  }
  return actions;
}

TEST(ScriptedPolicy, PlaysTheLettersThenRepeatsTheLast) {
  EXPECT_EQ(first_actions(*scripted_policy("RDL"), 5),
            (std::vector<std::string>{"RIGHT", "DOWN", "LEFT", "LEFT", "LEFT"}));
}

TEST(ScriptedPolicy, RejectsOtherLettersAndEmptyScripts) {
  EXPECT_EQ(scripted_policy("RX").error(),
            "[mcpgym.cli.invalid_value] scripted policy actions are LEFT, DOWN, RIGHT, UP (names "
            "separated by commas) or their letters L, D, R, U; got 'RX'");
  EXPECT_EQ(scripted_policy("RIGHT,,DOWN").error(),
            "[mcpgym.cli.invalid_value] scripted policy actions are LEFT, DOWN, RIGHT, UP (names "
            "separated by commas) or their letters L, D, R, U; got 'RIGHT,,DOWN'");
  EXPECT_EQ(scripted_policy("").error(),
            "[mcpgym.cli.invalid_value] scripted policy needs at least one action, e.g. "
            "scripted:RRDD or scripted:RIGHT,DOWN");
}

TEST(ScriptedPolicy, TakesNamesSeparatedByCommasAndMixesThemWithLetters) {
  EXPECT_EQ(first_actions(*scripted_policy("RIGHT, right,Down"), 4),
            (std::vector<std::string>{"RIGHT", "RIGHT", "DOWN", "DOWN"}));
  // A word that is a name is the name; any other word is a run of letters.
  EXPECT_EQ(first_actions(*scripted_policy("UP,LD"), 3),
            (std::vector<std::string>{"UP", "LEFT", "DOWN"}));
}

TEST(ParseScript, UsesTheGamesNamesAndItsLettersWhenTheyAreDistinct) {
  const std::vector<std::string> cliff = {"UP", "RIGHT", "DOWN", "LEFT"};
  EXPECT_EQ(*parse_script("URRD", cliff),
            (std::vector<std::string>{"UP", "RIGHT", "RIGHT", "DOWN"}));
  const std::vector<std::string> cards = {"STICK", "HIT", "HOLD"};
  EXPECT_EQ(*parse_script("hit,STICK", cards), (std::vector<std::string>{"HIT", "STICK"}));
  EXPECT_EQ(parse_script("HS", cards).error(),
            "[mcpgym.cli.invalid_value] scripted policy actions are STICK, HIT, HOLD (names "
            "separated by commas); got 'HS'");
}

TEST(RandomPolicy, IsReproducibleAndDiffersBetweenEnvironments) {
  EXPECT_EQ(first_actions(random_policy(7), 32, 0), first_actions(random_policy(7), 32, 0));
  EXPECT_NE(first_actions(random_policy(7), 32, 0), first_actions(random_policy(7), 32, 1));
  EXPECT_NE(first_actions(random_policy(7), 32, 0), first_actions(random_policy(8), 32, 0));
  std::set<std::string> seen;
  for (const auto& a : first_actions(random_policy(1), 64))
    seen.insert(a);
  EXPECT_EQ(seen.size(), 4U);
}

// The golden recordings' slippery-random.jsonl depends on this sequence.
TEST(RandomPolicy, KeepsFrozenLakesSequenceForASeed) {
  EXPECT_EQ(first_actions(random_policy(1), 8),
            (std::vector<std::string>{"UP", "UP", "DOWN", "DOWN", "UP", "DOWN", "DOWN", "LEFT"}));
}

TEST(RandomPolicy, IsUniformOverTheGamesActions) {
  const std::vector<std::string> actions = {"STICK", "HIT"};
  auto policy = random_policy(5)(0, 0);
  const json initial = json::object();
  std::map<std::string, int> counts;
  for (int step = 0; step < 400; ++step)
    ++counts[policy->next_action({0, 0, step, &initial, nullptr, actions})];
  ASSERT_EQ(counts.size(), 2U);
  EXPECT_GT(counts["STICK"], 150);
  EXPECT_GT(counts["HIT"], 150);
}

TEST(ShortestPathPolicy, TakesAShortestRouteAroundHoles) {
  // S F F
  // H H F
  // G F F   -> the only way is right, right, down, down, left, left.
  const json initial = {{"map", {"SFF", "HHF", "GFF"}}, {"position", 0}};
  auto policy = shortest_path_policy()(0, 0);
  const std::vector<int> positions = {0, 1, 2, 5, 8, 7};
  const std::vector<std::string> expected = {"RIGHT", "RIGHT", "DOWN", "DOWN", "LEFT", "LEFT"};
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const json observation = {{"position", positions[i]}};
    EXPECT_EQ(
        policy->next_action({0, 0, static_cast<int>(i), &initial, i == 0 ? nullptr : &observation}),
        expected[i]);
  }
}

TEST(ShortestPathPolicy, UnreadableStateFallsBackToAHarmlessMove) {
  auto policy = shortest_path_policy()(0, 0);
  const json garbage = {{"map", 5}};
  EXPECT_EQ(policy->next_action({0, 0, 0, &garbage, nullptr}), "LEFT");
  const json ragged = {{"map", {"SF", "F"}}, {"position", 0}};
  EXPECT_EQ(policy->next_action({0, 0, 0, &ragged, nullptr}), "LEFT");
  const json outside = {{"map", {"SF", "FG"}}, {"position", 9}};
  EXPECT_EQ(policy->next_action({0, 0, 0, &outside, nullptr}), "LEFT");
}

// Generated maps always have a path (LAKE-002), so the policy always reaches G
// on a non-slippery map, within size*size steps.
RC_GTEST_PROP(ShortestPathPolicyProperty, ReachesTheGoalOnEveryGeneratedMap, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, (std::uint64_t{1} << 53) - 1);
  const int size = *rc::gen::element(4, 8);
  const auto steps =
      testing_oracle::expected_episode(seed, shortest_path_policy(), 0, size * size, size);
  RC_ASSERT(!steps.empty());
  RC_ASSERT(steps.back().reward == 1.0);
  RC_ASSERT(steps.back().terminated);
}

TEST(ReplayPolicy, ReplaysEachEnvironmentsLongestConversation) {
  auto line = [](int env, int step, std::vector<std::string> actions) {
    json messages = json::array({{{"role", "system"}, {"content", "x"}}});
    for (const auto& a : actions) {
      messages.push_back(
          {{"role", "assistant"},
           {"tool_calls", json::array({{{"id", "c"},
                                        {"type", "function"},
                                        {"function",
                                         {{"name", "lake_move"},
                                          {"arguments", json{{"action", a}}.dump()}}}}})}});
    }
    return RecordedStep{env, std::nullopt, step, messages};
  };
  const std::vector<RecordedStep> recording = {line(0, 1, {"UP"}), line(0, 2, {"UP", "DOWN"}),
                                               line(1, 1, {"RIGHT"})};
  auto replay = replay_policy(recording);
  ASSERT_TRUE(replay.has_value());
  EXPECT_EQ(first_actions(*replay, 3, 0), (std::vector<std::string>{"UP", "DOWN", "DOWN"}));
  EXPECT_EQ(first_actions(*replay, 2, 1), (std::vector<std::string>{"RIGHT", "RIGHT"}));
  EXPECT_EQ(actions_in(recording[1].messages), (std::vector<std::string>{"UP", "DOWN"}));
  // An environment the recording lacks plays the game's first action.
  const std::vector<std::string> cliff = {"UP", "RIGHT", "DOWN", "LEFT"};
  const json initial = json::object();
  EXPECT_EQ((*replay)(5, 0)->next_action({5, 0, 0, &initial, nullptr, cliff}), "UP");
  EXPECT_EQ(first_actions(*replay, 1, 5), (std::vector<std::string>{"LEFT"}));
}

// Recordings are read from disk: odd types are skipped, never thrown on.
TEST(ActionsIn, SkipsMessagesOfTheWrongShape) {
  const json messages = json::array(
      {{{"role", 5}},
       {{"role", "assistant"},
        {"tool_calls", json::array({{{"function", {{"arguments", 7}}}},
                                    {{"function", {{"arguments", R"({"action":"LEFT"})"}}}}})}}});
  EXPECT_EQ(actions_in(messages), (std::vector<std::string>{"LEFT"}));
}

TEST(ParsePolicy, AcceptsEveryFormAndNamesThemWhenItCannot) {
  EXPECT_TRUE(parse_policy("shortest").has_value());
  EXPECT_TRUE(parse_policy("scripted:RRDD").has_value());
  EXPECT_TRUE(parse_policy("scripted:RIGHT,DOWN").has_value());
  EXPECT_TRUE(parse_policy("random:42").has_value());
  EXPECT_EQ(parse_policy("greedy").error(),
            "[mcpgym.cli.invalid_value] --policy 'greedy' is not a policy; expected "
            "scripted:<actions>, random:<seed>, shortest or replay:<file>");
  EXPECT_EQ(parse_policy("random:x").error(),
            "[mcpgym.cli.invalid_value] --policy random needs a seed: 'random:x'; expected "
            "scripted:<actions>, random:<seed>, shortest or replay:<file>");
  EXPECT_EQ(parse_policy_spec("scripted:").error(),
            "[mcpgym.cli.invalid_value] scripted policy needs at least one action, e.g. "
            "scripted:RRDD or scripted:RIGHT,DOWN");
  EXPECT_TRUE(
      parse_policy("replay:/nonexistent/file.jsonl").error().starts_with("[mcpgym.record.io]"));
}

// CliffWalking played through the pure model with the game's goal policy:
// the number of steps to the goal (nullopt: not within max_steps) and the
// total reward.
struct CliffRun {
  std::optional<int> steps;
  double total_reward = 0.0;
};
CliffRun play_cliff(bool slippery, std::uint64_t seed, int max_steps) {
  const GameSpec& game = *find_game("cliffwalking");
  cliffwalking::CliffWalking env(slippery, seed);
  const json initial = {{"position", env.initial_position()}};
  auto policy = game.goal_policy(0, seed);
  std::optional<json> last;
  CliffRun run;
  for (int step = 0; step < max_steps; ++step) {
    const std::string name =
        policy->next_action({0, seed, step, &initial, last ? &*last : nullptr, game.actions});
    const auto index = std::find(game.actions.begin(), game.actions.end(), name);
    if (index == game.actions.end()) return run;
    const auto result = env.step(static_cast<cliffwalking::Action>(index - game.actions.begin()));
    run.total_reward += result.reward;
    if (result.terminated) {
      run.steps = step + 1;
      return run;
    }
    last = json{{"position", result.position}};
  }
  return run;
}

TEST(CliffWalkingPolicy, WalksTheShortestSafePathWithoutSlipping) {
  const CliffRun run = play_cliff(false, 42, 100);
  EXPECT_EQ(run.steps, 13);
  EXPECT_EQ(run.total_reward, -13.0);
  // Nothing readable to plan on: a harmless UP.
  const GameSpec& game = *find_game("cliffwalking");
  const json garbage = {{"position", "36"}};
  EXPECT_EQ(game.goal_policy(0, 0)->next_action({0, 0, 0, &garbage, nullptr, game.actions}), "UP");
}

TEST(CliffWalkingPolicy, ReplansFromWhereverASlipLeftTheAgent) {
  const GameSpec& game = *find_game("cliffwalking");
  auto policy = game.goal_policy(0, 0);
  const json initial = {{"position", 36}};
  for (int position = 0; position < cliffwalking::kCellCount; ++position) {
    if (cliffwalking::is_cliff(position) || position == cliffwalking::kGoal) continue;
    const json observation = {{"position", position}};
    EXPECT_EQ(policy->next_action({0, 0, 1, &initial, &observation, game.actions}),
              cliffwalking::action_name(cliffwalking::safe_path(position).front()))
        << "at " << position;
  }
  for (std::uint64_t seed = 0; seed < 5; ++seed)
    EXPECT_TRUE(play_cliff(true, seed, 20000).steps.has_value()) << "seed " << seed;
}

// Taxi played through the pure model with the game's goal policy, seeing only
// the observations' "state": the steps to the delivery, nullopt if none.
std::optional<int> play_taxi(std::uint64_t seed, int max_steps) {
  const GameSpec& game = *find_game("taxi");
  taxi::Taxi env(seed);
  const json initial = {{"state", env.initial_state()}};
  auto policy = game.goal_policy(0, seed);
  std::optional<json> last;
  for (int step = 0; step < max_steps; ++step) {
    const std::string name =
        policy->next_action({0, seed, step, &initial, last ? &*last : nullptr, game.actions});
    const auto index = std::find(game.actions.begin(), game.actions.end(), name);
    if (index == game.actions.end()) return std::nullopt;
    const auto result = env.step(static_cast<taxi::Action>(index - game.actions.begin()));
    if (result.terminated)
      return result.reward == 20.0 ? std::optional<int>(step + 1) : std::nullopt;
    last = json{{"state", result.state}};
  }
  return std::nullopt;
}

TEST(TaxiPolicy, PicksUpAndDeliversWhateverTheStart) {
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const auto steps = play_taxi(seed, 40);
    ASSERT_TRUE(steps.has_value()) << "seed " << seed;
    EXPECT_LE(*steps, 20) << "seed " << seed;
  }
  // gymnasium's reset(seed=0): 314, taxi (3, 0), passenger at B (4, 3), destination Y (4, 0).
  // A wall east of (3, 0): NORTH, EAST x3, SOUTH x2, PICKUP, NORTH x2, WEST x3, SOUTH x2, DROPOFF.
  EXPECT_EQ(play_taxi(0, 40), 15);
}

TEST(TaxiPolicy, PlaysSouthWhenItCannotReadTheState) {
  const GameSpec& game = *find_game("taxi");
  auto policy = game.goal_policy(0, 0);
  for (const json& garbage : {json{{"state", "314"}}, json{{"state", 500}}, json{{"state", -1}},
                              json::array(), json{{"position", 3}}})
    EXPECT_EQ(policy->next_action({0, 0, 0, &garbage, nullptr, game.actions}), "SOUTH")
        << garbage.dump();
  // The last observation, not the initial state, says where the taxi is.
  const json initial = {{"state", 0}};
  const json carrying = {{"state", taxi::encode({0, 4, taxi::kInTaxi, 1})}};
  EXPECT_EQ(policy->next_action({0, 0, 1, &initial, &carrying, game.actions}), "DROPOFF");
}

// Blackjack played through the pure model with the game's policy: it hits
// below 17 and sticks from 17, whatever it was dealt.
TEST(BlackjackPolicy, HitsBelow17AndSticksFrom17) {
  const GameSpec& game = *find_game("blackjack");
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    blackjack::Blackjack env({}, seed);
    auto policy = game.goal_policy(0, seed);
    const json initial = {{"player_sum", env.observation().player_sum}};
    std::optional<json> last;
    for (int step = 0;; ++step) {
      const std::string name =
          policy->next_action({0, seed, step, &initial, last ? &*last : nullptr, game.actions});
      const int sum = last ? (*last)["player_sum"].get<int>() : initial["player_sum"].get<int>();
      ASSERT_EQ(name, sum >= 17 ? "STICK" : "HIT") << "seed " << seed << " step " << step;
      const auto result =
          env.step(name == "STICK" ? blackjack::Action::kStick : blackjack::Action::kHit);
      if (result.terminated) break;
      last = json{{"player_sum", result.observation.player_sum}};
    }
  }
  // Nothing readable: STICK ends the episode.
  const json garbage = {{"player_sum", "12"}};
  EXPECT_EQ(game.goal_policy(0, 0)->next_action({0, 0, 0, &garbage, nullptr, game.actions}),
            "STICK");
}

// A script is checked for its form before the game is known, and for its
// names once it is.
TEST(MakePolicy, ResolvesScriptsAgainstTheGame) {
  const auto spec = parse_policy_spec("scripted:NORTH,EAST");
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(make_policy(*spec, frozenlake_game()).error(),
            "[mcpgym.cli.invalid_value] scripted policy actions are LEFT, DOWN, RIGHT, UP (names "
            "separated by commas) or their letters L, D, R, U; got 'NORTH,EAST'");
  const GameSpec maze{.tool = "maze_walk", .actions = {"WEST", "SOUTH", "EAST", "NORTH"}};
  auto policy = make_policy(*spec, maze);
  ASSERT_TRUE(policy.has_value()) << policy.error();
  EXPECT_EQ(first_actions(*policy, 3), (std::vector<std::string>{"NORTH", "EAST", "EAST"}));
}

TEST(MakePolicy, ShortestIsTheGamesGoalPolicyAndRefusedWithoutOne) {
  const auto spec = parse_policy_spec("shortest");
  ASSERT_TRUE(spec.has_value());
  ASSERT_TRUE(make_policy(*spec, frozenlake_game()).has_value());
  EXPECT_EQ(first_actions(*make_policy(*spec, frozenlake_game()), 1),
            first_actions(shortest_path_policy(), 1));
  const GameSpec maze{.tool = "maze_walk", .actions = {"WEST", "SOUTH", "EAST", "NORTH"}};
  EXPECT_EQ(make_policy(*spec, maze).error(),
            "[mcpgym.cli.invalid_value] --policy shortest needs a goal-seeking policy, and the "
            "harness has none for the game of tool maze_walk (actions WEST, SOUTH, EAST, NORTH); "
            "use scripted:<actions>, random:<seed> or replay:<file>");
}

}  // namespace
}  // namespace mcpgym::harness
