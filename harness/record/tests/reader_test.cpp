// read_recording / parse_recording: both formats, and every error whole.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/record/recording.hpp"
#include "harness/record/tests/conversation.hpp"

namespace mcpgym::harness {
namespace {

using namespace testing_support;

std::vector<RecordedStep> parse_or_die(const std::string& text) {
  auto steps = parse_recording(text, "rec.jsonl");
  if (!steps) throw std::runtime_error(steps.error());
  return std::move(steps).value();
}

std::string parse_error(const std::string& text) {
  auto steps = parse_recording(text, "rec.jsonl");
  return steps ? "(no error)" : steps.error();
}

TEST(ReadRecording, ReadsRewardKitLinesWithoutSeedInAnyKeyOrder) {
  const auto steps = parse_or_die(
      R"({"messages": [{"role": "system", "content": "x"}], "step": 3, "env_index": 1})"
      "\n"
      R"({"step": 0, "env_index": 0, "messages": [], "extra": {"ignored": true}, "seed": 5})"
      "\n");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].env_index, 1);
  EXPECT_EQ(steps[0].step, 3);
  EXPECT_EQ(steps[0].seed, std::nullopt);
  EXPECT_EQ(steps[0].messages, json::parse(R"([{"role": "system", "content": "x"}])"));
  EXPECT_EQ(steps[1].env_index, 0);
  EXPECT_EQ(steps[1].step, 0);
  EXPECT_EQ(steps[1].seed, 5u);
  EXPECT_EQ(steps[0].to_json().dump(),
            R"({"env_index":1,"messages":[{"content":"x","role":"system"}],"step":3})");
}

TEST(ReadRecording, SkipsBlankLinesAndAcceptsCrLfAndNoFinalNewline) {
  const auto steps = parse_or_die(
      "\n  \t\r\n{\"env_index\":0,\"step\":0,\"messages\":[]}\r\n\n"
      "{\"env_index\":0,\"step\":1,\"messages\":[]}");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[1].step, 1);
  EXPECT_TRUE(parse_or_die("").empty());
}

TEST(ReadRecording, ReadsAFile) {
  TempDir dir;
  write_file(dir.path() / "r.jsonl", jsonl(recording(2, 2)));
  auto steps = read_recording(dir.path() / "r.jsonl");
  ASSERT_TRUE(steps) << steps.error();
  EXPECT_EQ(steps->size(), 6u);
}

TEST(ReadRecording, MissingFile) {
  TempDir dir;
  const auto path = dir.path() / "nope.jsonl";
  auto steps = read_recording(path);
  ASSERT_FALSE(steps);
  EXPECT_EQ(steps.error(),
            "[mcpgym.record.io] cannot read " + path.string() + ": No such file or directory");
}

TEST(ReadRecording, Directory) {
  TempDir dir;
  auto steps = read_recording(dir.path());
  ASSERT_FALSE(steps);
  EXPECT_EQ(steps.error(),
            "[mcpgym.record.io] cannot read " + dir.path().string() + ": Is a directory");
}

TEST(ReadRecording, ErrorsNameTheFileAndLine) {
  TempDir dir;
  const auto path = dir.path() / "r.jsonl";
  write_file(path, "{\"env_index\":0,\"step\":0,\"messages\":[]}\n\n{\"env_index\": 0,\n");
  auto steps = read_recording(path);
  ASSERT_FALSE(steps);
  EXPECT_EQ(steps.error(), "[mcpgym.record.parse_error] " + path.string() +
                               ":3: not JSON: \"{\\\"env_index\\\": 0,\"");
}

struct BadInput {
  std::string name;
  std::string text;
  std::string error;
};

void PrintTo(const BadInput& input, std::ostream* out) {
  *out << input.name;
}

class ReadRecordingError : public testing::TestWithParam<BadInput> {};

TEST_P(ReadRecordingError, HasTheWholeMessage) {
  EXPECT_EQ(parse_error(GetParam().text), GetParam().error);
}

const std::string kParse = "[mcpgym.record.parse_error] rec.jsonl:1: ";
const std::string kBad = "[mcpgym.record.bad_line] rec.jsonl:1: ";
const std::string kIndex = " must be an integer from 0 to 2147483647; got ";

std::string nested(int depth, const std::string& inner = "") {
  return std::string(static_cast<std::size_t>(depth), '[') + inner +
         std::string(static_cast<std::size_t>(depth), ']');
}

INSTANTIATE_TEST_SUITE_P(
    Lines, ReadRecordingError,
    testing::Values(
        BadInput{
            "NotJson", "{\"env_index\": 0, \"step\": 1, \"messages\": [}",
            kParse + "not JSON: \"{\\\"env_index\\\": 0, \\\"step\\\": 1, \\\"messages\\\": [}\""},
        BadInput{"NotJsonLongLineExcerptAroundTheError",
                 "{\"env_index\": 0, \"step\": 1, \"messages\": [" + std::string(200, ' ') +
                     "\"abc\" \x01 ]}" + std::string(100, ' '),
                 kParse + "not JSON: ...\"" + std::string(20, ' ') + "\\\"abc\\\" \\u0001 ]}" +
                     std::string(50, ' ') + "\"..."},
        BadInput{
            "TruncatedLastLine", "{\"env_index\":0,\"step\":0,\"messages\":[{\"role\":\"us",
            kParse +
                "not JSON: "
                "\"{\\\"env_index\\\":0,\\\"step\\\":0,\\\"messages\\\":[{\\\"role\\\":\\\"us\""},
        BadInput{"InvalidUtf8", "{\"env_index\":0,\"step\":0,\"messages\":[\"\xff\"]}",
                 kParse +
                     "not JSON: "
                     "\"{\\\"env_index\\\":0,\\\"step\\\":0,\\\"messages\\\":[\\\"\\xff\\\"]}\""},
        BadInput{"NotAnObject", "[1, 2]", kBad + "not a JSON object: [1,2]"},
        BadInput{"MissingEnvIndex", "{\"step\": 0, \"messages\": []}",
                 kBad + "env_index is missing"},
        BadInput{"MissingStep", "{\"env_index\": 0, \"messages\": []}", kBad + "step is missing"},
        BadInput{"MissingMessages", "{\"env_index\": 0, \"step\": 0}",
                 kBad + "messages is missing"},
        BadInput{"NegativeStep", "{\"env_index\": 0, \"step\": -1, \"messages\": []}",
                 kBad + "step" + kIndex + "-1"},
        BadInput{"FractionalEnvIndex", "{\"env_index\": 1.0, \"step\": 0, \"messages\": []}",
                 kBad + "env_index" + kIndex + "1.0"},
        BadInput{"StringEnvIndex", "{\"env_index\": \"0\", \"step\": 0, \"messages\": []}",
                 kBad + "env_index" + kIndex + "\"0\""},
        BadInput{"HugeStep", "{\"env_index\": 0, \"step\": 2147483648, \"messages\": []}",
                 kBad + "step" + kIndex + "2147483648"},
        BadInput{"NegativeSeed", "{\"env_index\": 0, \"seed\": -3, \"step\": 0, \"messages\": []}",
                 kBad + "seed must be absent or an integer from 0 to 18446744073709551615; got -3"},
        BadInput{
            "NullSeed", "{\"env_index\": 0, \"seed\": null, \"step\": 0, \"messages\": []}",
            kBad + "seed must be absent or an integer from 0 to 18446744073709551615; got null"},
        BadInput{"MessagesNotAnArray",
                 "{\"env_index\": 0, \"step\": 0, \"messages\": {\"role\": \"user\"}}",
                 kBad + "messages must be an array; got {\"role\":\"user\"}"},
        BadInput{
            "MessagesLongObjectIsExcerpted",
            "{\"env_index\": 0, \"step\": 0, \"messages\": {\"content\": \"" +
                std::string(500, 'x') + "\"}}",
            kBad + "messages must be an array; got {\"content\":\"" + std::string(68, 'x') + "..."},
        BadInput{"DeepLine", nested(100000), kBad + "nested deeper than 128 levels"},
        BadInput{"DeepUnterminatedLine", std::string(100000, '{'),
                 kParse + "not JSON: \"" + std::string(80, '{') + "\"..."},
        BadInput{"DeepUnterminatedArrays", std::string(100000, '['),
                 kBad + "nested deeper than 128 levels"},
        BadInput{"DeepMessages",
                 "{\"env_index\": 0, \"step\": 0, \"messages\": " + nested(100000, "1") + "}",
                 kBad + "nested deeper than 128 levels"},
        BadInput{"DuplicateLine",
                 "{\"env_index\":2,\"step\":1,\"messages\":[]}\n"
                 "{\"env_index\":2,\"step\":2,\"messages\":[]}\n"
                 "{\"env_index\":2,\"step\":1,\"messages\":[]}\n",
                 "[mcpgym.record.bad_line] rec.jsonl:3: a second line for env 2, step 1 (the "
                 "first is line 1)"}),
    [](const testing::TestParamInfo<BadInput>& info) { return info.param.name; });

TEST(ReadRecording, AcceptsALineExactlyAtTheDepthLimit) {
  const std::string line =
      "{\"env_index\":0,\"step\":0,\"messages\":" + nested(kMaxRecordingDepth - 1) + "}";
  EXPECT_EQ(parse_or_die(line).size(), 1u);
  const std::string deeper =
      "{\"env_index\":0,\"step\":0,\"messages\":" + nested(kMaxRecordingDepth) + "}";
  EXPECT_EQ(parse_error(deeper), kBad + "nested deeper than 128 levels");
}

}  // namespace
}  // namespace mcpgym::harness
