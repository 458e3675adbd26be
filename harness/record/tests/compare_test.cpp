// normalize_messages and compare_recordings, with whole describe() sentences.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/record/recording.hpp"
#include "harness/record/tests/conversation.hpp"

namespace mcpgym::harness {
namespace {

using namespace testing_support;

std::string describe(const std::optional<Divergence>& divergence) {
  return divergence ? divergence->describe() : "(equivalent)";
}

json& tool_message(std::vector<RecordedStep>& steps, int env, int step, int call) {
  for (auto& line : steps) {
    if (line.env_index == env && line.step == step) return line.messages[1 + 2 * call];
  }
  throw std::runtime_error("no such line");
}

TEST(NormalizeMessages, ReplacesCallIdsInOrderOfAppearance) {
  const json messages = json::parse(R"([
    {"role": "assistant", "tool_calls": [{"id": "call_Zq9", "type": "function"},
                                         {"id": "call_Ab1", "type": "function"}]},
    {"role": "tool", "tool_call_id": "call_Ab1", "content": "b"},
    {"role": "tool", "tool_call_id": "call_Zq9", "content": "a"},
    {"role": "assistant", "tool_calls": [{"id": "call_Zq9"}, {"id": 7}]},
    {"role": "tool", "tool_call_id": "orphan"},
    "not an object"
  ])");
  EXPECT_EQ(normalize_messages(messages), json::parse(R"([
    {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function"},
                                         {"id": "call_2", "type": "function"}]},
    {"role": "tool", "tool_call_id": "call_2", "content": "b"},
    {"role": "tool", "tool_call_id": "call_1", "content": "a"},
    {"role": "assistant", "tool_calls": [{"id": "call_1"}, {"id": 7}]},
    {"role": "tool", "tool_call_id": "call_3"},
    "not an object"
  ])"));
}

TEST(NormalizeMessages, ReplacesSessionIdsTimesAndUuids) {
  const json messages = json::parse(R"([
    {"role": "user", "content": "session 0F8FAD5B-D9CB-469F-A165-70867728950E, id 1234",
     "name": "0f8fad5b-d9cb-469f-a165-70867728950e"},
    {"role": "tool", "tool_call_id": "c", "content": "x0f8fad5b-d9cb-469f-a165-70867728950e",
     "created": 1700000000,
     "metadata": {"session_id": "abc", "Mcp-Session-Id": 12, "nested": [{"timestamp": "now",
                  "time": {"a": 1}, "created": 5, "other": "0f8fad5b-d9cb-469f-a165-70867728950e"}],
                  "control_plane": {"reward": 0.0, "step": 1}}}
  ])");
  EXPECT_EQ(normalize_messages(messages), json::parse(R"([
    {"role": "user", "content": "session <uuid>, id 1234", "name": "<uuid>"},
    {"role": "tool", "tool_call_id": "call_1", "content": "x0f8fad5b-d9cb-469f-a165-70867728950e",
     "created": 1700000000,
     "metadata": {"session_id": "<session-id>", "Mcp-Session-Id": "<session-id>",
                  "nested": [{"timestamp": "<time>", "time": "<time>", "created": "<time>",
                              "other": "<uuid>"}],
                  "control_plane": {"reward": 0.0, "step": 1}}}
  ])"));
}

TEST(NormalizeMessages, LeavesOtherShapesAlone) {
  EXPECT_EQ(normalize_messages(json("0f8fad5b-d9cb-469f-a165-70867728950e")), json("<uuid>"));
  EXPECT_EQ(normalize_messages(json::object({{"tool_call_id", "x"}})),
            json::object({{"tool_call_id", "x"}}));
  const json almost = json::array(
      {"0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5b_d9cb-469f-a165-70867728950e",
       "0f8fad5b-d9cb-469f-a165-70867728950ef", "0g8fad5b-d9cb-469f-a165-70867728950e"});
  EXPECT_EQ(normalize_messages(almost), almost);
}

TEST(NormalizeMessages, IsIdempotent) {
  const json once = normalize_messages(conversation(3));
  EXPECT_EQ(normalize_messages(once), once);
}

TEST(CompareRecordings, RecordingsDifferingOnlyInCallIdsAndSessionIdsAreEquivalent) {
  const auto a = recording(3, 4, "call_abc", "0f8fad5b-d9cb-469f-a165-70867728950e");
  const auto b = recording(3, 4, "toolu_01X", "6ba7b810-9dad-41d1-80b4-00c04fd430c8");
  ASSERT_NE(a[4].messages, b[4].messages);
  EXPECT_EQ(describe(compare_recordings(a, b)), "(equivalent)");
}

TEST(CompareRecordings, IgnoresLineOrder) {
  auto a = recording(3, 2);
  auto b = a;
  std::reverse(b.begin(), b.end());
  EXPECT_EQ(describe(compare_recordings(a, b)), "(equivalent)");
  EXPECT_EQ(describe(compare_recordings({}, {})), "(equivalent)");
}

TEST(CompareRecordings, ReportsARewardDifference) {
  const auto expected = recording(3, 6);
  auto actual = expected;
  tool_message(actual, 2, 5, 5)["metadata"]["control_plane"]["reward"] = 1.0;
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 2, step 5: /messages/11/metadata/control_plane/reward differs: expected 0.0, got "
            "1.0");
}

TEST(CompareRecordings, ReportsTheFirstDivergenceByEnvThenStepThenField) {
  const auto expected = recording(3, 4);
  auto actual = expected;
  tool_message(actual, 2, 1, 1)["content"] = "late env";
  tool_message(actual, 1, 4, 2)["metadata"]["control_plane"]["terminated"] = true;
  tool_message(actual, 1, 3, 3)["metadata"]["control_plane"]["truncated"] = true;  // field later
  tool_message(actual, 1, 3, 2)["metadata"]["control_plane"]["total_reward"] = 1.0;
  tool_message(actual, 1, 3, 2)["content"] = "first";  // content sorts before metadata
  std::reverse(actual.begin(), actual.end());
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 1, step 3: /messages/5/content differs: expected "
            "\"{\\\"action\\\":\\\"RIGHT\\\",\\\"grid\\\":\\\"SFFF\\\\nFHFH\\\\nFFFH\\\\nHFFG\\\","
            "\\\"position\\\":2}\", got \"first\"");
  tool_message(actual, 1, 3, 2)["content"] = tool_message(actual, 1, 2, 2)["content"];
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 1, step 3: /messages/5/metadata/control_plane/total_reward differs: expected "
            "0.0, got 1.0");
  tool_message(actual, 1, 3, 2)["metadata"]["control_plane"]["total_reward"] = 0.0;
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 1, step 3: /messages/7/metadata/control_plane/truncated differs: expected "
            "false, got true");
  tool_message(actual, 1, 3, 3)["metadata"]["control_plane"]["truncated"] = false;
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 1, step 4: /messages/5/metadata/control_plane/terminated differs: expected "
            "false, got true");
  tool_message(actual, 1, 4, 2)["metadata"]["control_plane"]["terminated"] = false;
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 2, step 1: /messages/3/content differs: expected "
            "\"{\\\"action\\\":\\\"RIGHT\\\",\\\"grid\\\":\\\"SFFF\\\\nFHFH\\\\nFFFH\\\\nHFFG\\\","
            "\\\"position\\\":1}\", got \"late env\"");
}

TEST(CompareRecordings, ReportsTheSeedBeforeTheMessages) {
  const auto expected = recording(2, 2);
  auto actual = expected;
  actual[4].seed = 7;
  actual[4].messages[0]["content"] = "changed";
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 1, step 1: /seed differs: expected 101, got 7");
  actual[4].seed.reset();
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 1, step 1: /seed differs: expected 101, got (absent)");
  actual[4].seed = 101;
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 1, step 1: /messages/0/content differs: expected \"You play FrozenLake. Use "
            "lake_move.\", got \"changed\"");
}

TEST(CompareRecordings, ReportsMissingLinesOnEitherSide) {
  const auto expected = recording(2, 5);
  auto actual = expected;
  actual.erase(actual.begin() + 10);  // env 1, step 4
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 1, step 4: (line) differs: expected a line, got none");
  EXPECT_EQ(describe(compare_recordings(actual, expected)),
            "env 1, step 4: (line) differs: expected none, got a line");
  actual = expected;
  actual.pop_back();  // env 1, step 5: the last line
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 1, step 5: (line) differs: expected a line, got none");
  EXPECT_EQ(describe(compare_recordings({}, expected)),
            "env 0, step 0: (line) differs: expected none, got a line");
  actual = expected;
  actual.push_back(actual.back());  // a duplicate of env 1, step 5
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 1, step 5: (line) differs: expected none, got a line");
}

TEST(CompareRecordings, ReportsExtraAndMissingMessagesAndMembers) {
  const auto expected = recording(1, 1);
  auto actual = expected;
  actual[1].messages.push_back({{"role", "user"}, {"content", "more"}});
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 0, step 1: /messages/4 differs: expected (absent), got "
            "{\"content\":\"more\",\"role\":\"user\"}");
  actual = expected;
  actual[1].messages[3]["metadata"].erase("control_plane");
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 0, step 1: /messages/3/metadata/control_plane differs: expected "
            "{\"reward\":0.0,\"step\":1,\"terminated\":false,\"total_reward\":0.0,\"truncated\":"
            "false}, got (absent)");
  actual = expected;
  actual[1].messages[3]["a/b~c"] = 1;
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 0, step 1: /messages/3/a~1b~0c differs: expected (absent), got 1");
}

TEST(CompareRecordings, TellsNumberKindsApart) {
  const auto expected = recording(1, 1);
  auto actual = expected;
  actual[1].messages[3]["metadata"]["control_plane"]["reward"] = 0;
  EXPECT_EQ(
      describe(compare_recordings(expected, actual)),
      "env 0, step 1: /messages/3/metadata/control_plane/reward differs: expected 0.0, got 0");
  actual[1].messages[3]["metadata"]["control_plane"]["reward"] = -0.0;
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 0, step 1: /messages/3/metadata/control_plane/reward differs: expected 0.0, got "
            "-0.0");
  // Signed and unsigned integers of the same value are the same number.
  actual = expected;
  actual[1].messages[3]["metadata"]["control_plane"]["step"] = std::uint64_t{1};
  EXPECT_EQ(describe(compare_recordings(expected, actual)), "(equivalent)");
  actual[1].messages[3]["metadata"]["control_plane"]["step"] = std::int64_t{-1};
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 0, step 1: /messages/3/metadata/control_plane/step differs: expected 1, got -1");
  actual[1].messages[3]["metadata"]["control_plane"]["step"] = "1";
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 0, step 1: /messages/3/metadata/control_plane/step differs: expected 1, got "
            "\"1\"");
}

TEST(CompareRecordings, ShowsAWindowAroundTheFirstDifferenceOfLongStrings) {
  std::vector<RecordedStep> expected{
      {0, 1, 0, json::array({std::string(100, 'a') + "XYZ" + std::string(100, 'b')})}};
  auto actual = expected;
  actual[0].messages[0] = std::string(100, 'a') + "X\nZ" + std::string(100, 'b');
  EXPECT_EQ(describe(compare_recordings(expected, actual)),
            "env 0, step 0: /messages/0 differs: expected ...\"" + std::string(25, 'a') + "XYZ" +
                std::string(52, 'b') + "\"..., got ...\"" + std::string(25, 'a') + "X\\nZ" +
                std::string(52, 'b') + "\"...");
}

TEST(CompareRecordings, ComparesTheOutputOfTheReader) {
  TempDir dir;
  const auto expected = recording(2, 3);
  auto actual = recording(2, 3, "toolu_", "6ba7b810-9dad-41d1-80b4-00c04fd430c8");
  tool_message(actual, 1, 2, 2)["metadata"]["control_plane"]["reward"] = 1.0;
  write_file(dir.path() / "e.jsonl", jsonl(expected));
  write_file(dir.path() / "a.jsonl", jsonl(actual));
  auto e = read_recording(dir.path() / "e.jsonl");
  auto a = read_recording(dir.path() / "a.jsonl");
  ASSERT_TRUE(e && a);
  EXPECT_EQ(describe(compare_recordings(*e, *a)),
            "env 1, step 2: /messages/5/metadata/control_plane/reward differs: expected 0.0, got "
            "1.0");
}

}  // namespace
}  // namespace mcpgym::harness
