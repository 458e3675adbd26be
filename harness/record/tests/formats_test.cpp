// The three recording formats (docs/spec.md REC-001..REC-010): byte-stable
// round trips, eval-protocol's lines as its source writes them, conversion,
// comparison across formats and of tool texts by meaning.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/record/recording.hpp"
#include "harness/record/tests/conversation.hpp"

namespace mcpgym::harness {
namespace {

using namespace testing_support;
namespace fs = std::filesystem;

// Hand-written after eval-protocol/python-sdk at 000c2a4 as its recorder writes
// EP_PLAYBACK_FILE (Python json.dumps layout, keys in insertion order):
// eval_protocol/mcp/execution/base_policy.py (add_tool_response's metadata,
// log_conversation_state_for_playback's line), eval_protocol/mcp/execution/manager.py
// (control_plane_step, step counted from 0, termination_reason),
// eval_protocol/mcp/client/connection.py (info and its control_plane sources).
const fs::path kEvalProtocolFixture =
    fs::path(MCPGYM_SOURCE_DIR) / "harness/record/tests/eval_protocol_frozenlake.jsonl";

constexpr RecordingFormat kFormats[] = {RecordingFormat::kMcpgym, RecordingFormat::kRewardKit,
                                        RecordingFormat::kEvalProtocol};

// Steps 1..steps of `envs` environments: lines an mcpgym rollout writes.
std::vector<RecordedStep> rollout_lines(int envs, int steps) {
  std::vector<RecordedStep> lines;
  for (auto& line : recording(envs, steps)) {
    if (line.step > 0) lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<RecordedStep> written_and_read(const TempDir& dir, const std::string& name,
                                           const std::vector<RecordedStep>& lines,
                                           RecordingFormat format) {
  const auto path = dir.path() / name;
  auto writer = RecordingWriter::open(path, format);
  if (!writer) throw std::runtime_error(writer.error());
  for (const auto& line : lines) {
    if (auto written = writer->write(line); !written) throw std::runtime_error(written.error());
  }
  if (auto committed = writer->commit(); !committed) throw std::runtime_error(committed.error());
  auto read = read_recording(path);
  if (!read) throw std::runtime_error(read.error());
  return *read;
}

std::string describe(const RecordingComparison& comparison) {
  return comparison.divergence ? comparison.divergence->describe() : "(equivalent)";
}

TEST(RecordingFormats, NamesAreTheFlagValues) {
  EXPECT_EQ(format_names(), (std::vector<std::string>{"mcpgym", "reward-kit", "eval-protocol"}));
  for (const auto format : kFormats)
    EXPECT_EQ(format_named(format_name(format)), format);
  EXPECT_EQ(format_named("jsonl"), std::nullopt);
}

TEST(RecordingFormats, EachFormatRoundTripsByteIdentically) {
  TempDir dir;
  for (const auto format : kFormats) {
    const std::string name = format_name(format);
    const auto first = written_and_read(dir, name + "-1.jsonl", rollout_lines(2, 3), format);
    ASSERT_EQ(first.size(), 6u) << name;
    for (const auto& line : first)
      EXPECT_EQ(line.format, format) << name;
    written_and_read(dir, name + "-2.jsonl", first, format);
    EXPECT_EQ(read_file(dir.path() / (name + "-1.jsonl")),
              read_file(dir.path() / (name + "-2.jsonl")))
        << name;
  }
}

TEST(RecordingFormats, WritesEvalProtocolsToolMessageAsItsSourceDoes) {
  const RecordedStep mcpgym = rollout_lines(1, 2).back();
  const RecordedStep converted = convert(mcpgym, RecordingFormat::kEvalProtocol);
  EXPECT_EQ(converted.step, 1);  // manager.py logs step - 1
  EXPECT_EQ(converted.seed, std::nullopt);
  EXPECT_EQ(converted.messages.back(), json::parse(R"json({
    "role": "tool", "tool_call_id": "call_abc2",
    "content": "{\"action\":\"RIGHT\",\"grid\":\"SFFF\\nFHFH\\nFFFH\\nHFFG\",\"position\":2}",
    "metadata": {"reward": 0.0, "terminated": false,
                 "info": {"steps": 0, "tool_call": "lake_move", "arguments": {"action": "RIGHT"},
                          "control_plane": {"reward_source": "control_plane_endpoint",
                                            "status_source": "control_plane_endpoint"}}},
    "control_plane_step": {"step": 1, "reward": 0.0, "terminated": false,
                           "info": {"reward_source": "control_plane_endpoint",
                                    "status_source": "control_plane_endpoint"},
                           "tool_calls": ["lake_move({'action': 'RIGHT'})"],
                           "num_tool_calls": 1}})json"));
  const RecordedStep reward_kit = convert(mcpgym, RecordingFormat::kRewardKit);
  EXPECT_FALSE(reward_kit.messages.back().contains("control_plane_step"));
  EXPECT_EQ(reward_kit.messages.back()["metadata"], converted.messages.back()["metadata"]);
}

TEST(RecordingFormats, ReadsEvalProtocolLinesAsItsSourceWritesThem) {
  const auto lines = read_recording(kEvalProtocolFixture);
  ASSERT_TRUE(lines) << lines.error();
  ASSERT_EQ(lines->size(), 2u);
  const RecordedStep& last = lines->back();
  EXPECT_EQ(last.format, RecordingFormat::kEvalProtocol);
  EXPECT_EQ(last.env_index, 0);
  EXPECT_EQ(last.step, 1);
  EXPECT_EQ(last.seed, std::nullopt);
  ASSERT_EQ(last.messages.size(), 6u);
  EXPECT_EQ(last.messages[5]["control_plane_step"]["termination_reason"], "control_plane_signal");
  EXPECT_EQ(last.messages[5]["metadata"]["info"]["control_plane"]["status_source"],
            "control_plane_endpoint");

  // In this project's format: the control-plane values, numbered by moves made.
  const RecordedStep mcpgym = convert(last, RecordingFormat::kMcpgym);
  EXPECT_EQ(mcpgym.step, 2);
  EXPECT_EQ(mcpgym.messages[3]["metadata"],
            json::parse(R"({"control_plane": {"reward": 0.0, "terminated": false, "step": 1}})"));
  EXPECT_EQ(mcpgym.messages[5]["metadata"],
            json::parse(R"({"control_plane": {"reward": 0.0, "terminated": true, "step": 2}})"));
  EXPECT_FALSE(mcpgym.messages[5].contains("control_plane_step"));
}

TEST(RecordingFormats, EvalProtocolsOwnLinesKeepTheirMeaningThroughTheWriter) {
  TempDir dir;
  const auto source = read_recording(kEvalProtocolFixture);
  ASSERT_TRUE(source) << source.error();
  const auto rewritten = written_and_read(dir, "ep.jsonl", *source, RecordingFormat::kEvalProtocol);
  ASSERT_EQ(rewritten.size(), source->size());
  for (std::size_t i = 0; i < rewritten.size(); ++i)
    EXPECT_EQ(rewritten[i].to_json(), (*source)[i].to_json());
}

TEST(RecordingFormats, ALineInAnotherFormatIsRefused) {
  const std::string mcpgym_line = jsonl(rollout_lines(1, 1));
  const std::string ep_line =
      convert(rollout_lines(1, 2)[1], RecordingFormat::kEvalProtocol).to_json().dump() + "\n";
  const auto read = parse_recording(mcpgym_line + ep_line, "mixed.jsonl");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(),
            "[mcpgym.record.mixed_formats] mixed.jsonl:2: a line in eval-protocol, but line 1 is "
            "in mcpgym; write one format per file (mcpgym-record --convert converts)");
}

TEST(RecordingFormats, AStepBeforeAnyMoveHasNoEvalProtocolNumber) {
  TempDir dir;
  auto writer = RecordingWriter::open(dir.path() / "ep.jsonl", RecordingFormat::kEvalProtocol);
  ASSERT_TRUE(writer) << writer.error();
  const auto written = writer->write(recording(1, 0).front());
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), "[mcpgym.record.bad_step] cannot write env 0, step 0 to " +
                                 (dir.path() / "ep.jsonl").string() +
                                 ": step 0 of mcpgym (before any move) has no number in "
                                 "eval-protocol, whose step 0 is the first move");
}

TEST(CrossFormatDiff, EquivalentRecordingsDifferOnlyInWhatTheyCannotCompare) {
  TempDir dir;
  const auto lines = rollout_lines(2, 3);
  for (const auto expected : kFormats) {
    for (const auto actual : kFormats) {
      const auto e = written_and_read(dir, "e.jsonl", lines, expected);
      const auto a = written_and_read(dir, "a.jsonl", lines, actual);
      EXPECT_EQ(describe(compare_recordings_by_meaning(e, a)), "(equivalent)")
          << format_name(expected) << " vs " << format_name(actual);
    }
  }
  const auto mcpgym = written_and_read(dir, "m.jsonl", lines, RecordingFormat::kMcpgym);
  const auto ep = written_and_read(dir, "ep.jsonl", lines, RecordingFormat::kEvalProtocol);
  const auto rk = written_and_read(dir, "rk.jsonl", lines, RecordingFormat::kRewardKit);
  EXPECT_THAT(compare_recordings_by_meaning(mcpgym, ep).not_comparable,
              testing::ElementsAre("not comparable: seed absent in eval-protocol",
                                   "not comparable: truncated absent in eval-protocol",
                                   "not comparable: total_reward absent in eval-protocol",
                                   "not comparable: info absent in mcpgym",
                                   "not comparable: tool_calls absent in mcpgym",
                                   "not comparable: num_tool_calls absent in mcpgym",
                                   "not comparable: termination_reason absent in mcpgym"));
  EXPECT_THAT(compare_recordings_by_meaning(ep, rk).not_comparable,
              testing::ElementsAre("not comparable: step absent in reward-kit",
                                   "not comparable: tool_calls absent in reward-kit",
                                   "not comparable: num_tool_calls absent in reward-kit",
                                   "not comparable: termination_reason absent in reward-kit"));
  EXPECT_THAT(compare_recordings_by_meaning(mcpgym, mcpgym).not_comparable, testing::IsEmpty());
}

TEST(CrossFormatDiff, AChangedControlPlaneValueIsADifferenceNamedByMovesMade) {
  TempDir dir;
  const auto lines = rollout_lines(1, 2);
  const auto mcpgym = written_and_read(dir, "m.jsonl", lines, RecordingFormat::kMcpgym);
  auto ep = written_and_read(dir, "ep.jsonl", lines, RecordingFormat::kEvalProtocol);
  ep[1].messages[5]["control_plane_step"]["reward"] = 1.0;
  ep[1].messages[5]["metadata"]["reward"] = 1.0;
  EXPECT_EQ(describe(compare_recordings_by_meaning(mcpgym, ep)),
            "env 0, step 2: /messages/5/control_plane/reward differs: expected 0.0, got 1.0");
}

TEST(CrossFormatDiff, TerminatedWithoutTruncatedMeansEitherEnded) {
  // connection.py records done = terminated or truncated as "terminated".
  TempDir dir;
  auto lines = rollout_lines(1, 1);
  json& control = lines[0].messages[3]["metadata"]["control_plane"];
  control["truncated"] = true;
  const auto mcpgym = written_and_read(dir, "m.jsonl", lines, RecordingFormat::kMcpgym);
  auto ep = written_and_read(dir, "ep.jsonl", lines, RecordingFormat::kEvalProtocol);
  EXPECT_EQ(ep[0].messages[3]["metadata"]["terminated"], true);
  EXPECT_EQ(describe(compare_recordings_by_meaning(mcpgym, ep)), "(equivalent)");
  ep[0].messages[3]["control_plane_step"]["terminated"] = false;
  ep[0].messages[3]["metadata"]["terminated"] = false;
  EXPECT_EQ(describe(compare_recordings_by_meaning(mcpgym, ep)),
            "env 0, step 1: /messages/3/control_plane/terminated differs: expected true, got "
            "false");
}

// The fixture's episode as this project records it: seed, reference layout of
// the tool text, metadata.control_plane; the same prompts and calls.
std::vector<RecordedStep> fixture_in_mcpgym(const std::vector<RecordedStep>& fixture) {
  std::vector<RecordedStep> lines;
  for (const auto& line : fixture) {
    RecordedStep mcpgym{line.env_index, 42, line.step + 1, line.messages};
    for (std::size_t i = 3, k = 1; i < mcpgym.messages.size(); i += 2, ++k) {
      json& tool = mcpgym.messages[i];
      tool.erase("control_plane_step");
      const bool hole = k == 2;
      tool["content"] =
          R"({"action":"RIGHT","grid":")" +
          std::string(hole ? R"(SFPF\nFHFF\nFFFH\nFHFG)" : R"(SPHF\nFHFF\nFFFH\nFHFG)") +
          R"(","position":)" + std::to_string(k) + "}";
      tool["metadata"] = {{"control_plane",
                           {{"reward", 0.0},
                            {"terminated", hole},
                            {"truncated", false},
                            {"step", k},
                            {"total_reward", 0.0}}}};
    }
    lines.push_back(std::move(mcpgym));
  }
  return lines;
}

TEST(CrossFormatDiff, EvalProtocolsFixtureEqualsTheSameEpisodeInThisFormat) {
  const auto fixture = read_recording(kEvalProtocolFixture);
  ASSERT_TRUE(fixture) << fixture.error();
  const auto mcpgym = fixture_in_mcpgym(*fixture);
  const auto comparison = compare_recordings_by_meaning(mcpgym, *fixture);
  EXPECT_EQ(describe(comparison), "(equivalent)");
  EXPECT_EQ(comparison.not_comparable.size(), 7u);
}

RecordedStep with_tool_text(const std::string& text) {
  RecordedStep line = rollout_lines(1, 1).front();
  line.messages[3]["content"] = text;
  return line;
}

TEST(ToolTextsByMeaning, KeyOrderSpacingAndZeroPointZeroDoNotCount) {
  const auto reference = with_tool_text(R"({"action":"RIGHT","grid":"SPFF","position":4,"r":0})");
  const auto sdk =
      with_tool_text(R"({"position": 4, "grid": "SPFF", "action": "RIGHT", "r": 0.0})");
  EXPECT_EQ(compare_recordings({reference}, {sdk}), std::nullopt);
}

TEST(ToolTextsByMeaning, AChangedValueIsNamedInsideTheText) {
  const auto reference = with_tool_text(R"({"action":"RIGHT","grid":"SPFF","position":4})");
  const auto sdk = with_tool_text(R"({"position": 5, "grid": "SPFF", "action": "RIGHT"})");
  const auto divergence = compare_recordings({reference}, {sdk});
  ASSERT_TRUE(divergence);
  EXPECT_EQ(divergence->describe(),
            "env 0, step 1: /messages/3/content#/position differs: expected 4, got 5");
}

TEST(ToolTextsByMeaning, TextThatIsNotJsonComparesAsText) {
  const auto divergence =
      compare_recordings({with_tool_text("moved right")}, {with_tool_text("moved  right")});
  ASSERT_TRUE(divergence);
  EXPECT_EQ(divergence->describe(),
            "env 0, step 1: /messages/3/content differs: expected \"moved right\", got \"moved  "
            "right\"");
}

TEST(ToolTextsByMeaning, ContentPartsTextsCompareByMeaningToo) {
  const auto parts = [](const std::string& text) {
    RecordedStep line = rollout_lines(1, 1).front();
    line.messages[3]["content"] = json::array({{{"type", "text"}, {"text", text}}});
    return line;
  };
  EXPECT_EQ(compare_recordings({parts(R"({"a":1,"b":2})")}, {parts(R"({"b": 2.0, "a": 1})")}),
            std::nullopt);
  // Numbers by value inside tool texts only: elsewhere 0.0 is not 0.
  auto strict = rollout_lines(1, 1).front();
  strict.messages[3]["metadata"]["control_plane"]["reward"] = 0;
  const auto divergence = compare_recordings(rollout_lines(1, 1), {strict});
  ASSERT_TRUE(divergence);
  EXPECT_EQ(divergence->describe(),
            "env 0, step 1: /messages/3/metadata/control_plane/reward differs: expected 0.0, got "
            "0");
}

}  // namespace
}  // namespace mcpgym::harness
