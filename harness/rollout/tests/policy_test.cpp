// Policies in isolation: pure, no server.
#include "harness/rollout/policy.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>

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
            "[mcpgym.cli.invalid_value] scripted policy actions are letters L, D, R, U; got 'RX'");
  EXPECT_EQ(scripted_policy("").error(),
            "[mcpgym.cli.invalid_value] scripted policy needs at least one action, e.g. "
            "scripted:RRDD");
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
  EXPECT_TRUE(parse_policy("random:42").has_value());
  EXPECT_EQ(parse_policy("greedy").error(),
            "[mcpgym.cli.invalid_value] --policy 'greedy' is not a policy; expected "
            "scripted:LDRU..., random:<seed>, shortest or replay:<file>");
  EXPECT_EQ(parse_policy("random:x").error(),
            "[mcpgym.cli.invalid_value] --policy random needs a seed: 'random:x'; expected "
            "scripted:LDRU..., random:<seed>, shortest or replay:<file>");
  EXPECT_TRUE(
      parse_policy("replay:/nonexistent/file.jsonl").error().starts_with("[mcpgym.record.io]"));
}

}  // namespace
}  // namespace mcpgym::harness
