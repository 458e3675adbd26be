// Properties over random recordings: compare(x, x) is equivalent, a single
// mutation is reported at exactly its (env, step), and the writer and reader
// round-trip.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "harness/record/recording.hpp"
#include "harness/record/tests/conversation.hpp"

namespace mcpgym::harness {
namespace {

using namespace testing_support;

rc::Gen<std::string> text() {
  static const std::vector<std::string> pieces = {"a", "Z", "0", " ", "\n", "\"",    "\\",
                                                  "{", "-", "é", "💧", "\t", "call_1"};
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(pieces)),
                      [](const std::vector<std::string>& parts) {
                        std::string out;
                        for (const auto& part : parts)
                          out += part;
                        return out;
                      });
}

struct EnvPlan {
  std::optional<std::uint64_t> seed;
  std::string system, user, call_prefix, session;
  std::vector<std::string> actions, observations;
  std::vector<bool> goal;
};

json messages_after(const EnvPlan& plan, std::size_t steps) {
  json messages = json::array(
      {{{"role", "system"}, {"content", plan.system}}, {{"role", "user"}, {"content", plan.user}}});
  double total = 0.0;
  for (std::size_t k = 0; k < steps; ++k) {
    const std::string id = plan.call_prefix + std::to_string(k);
    messages.push_back(
        {{"role", "assistant"},
         {"content", nullptr},
         {"tool_calls",
          json::array({{{"id", id},
                        {"type", "function"},
                        {"function",
                         {{"name", "lake_move"},
                          {"arguments", json{{"action", plan.actions[k]}}.dump()}}}}})}});
    const double reward = plan.goal[k] ? 1.0 : 0.0;
    total += reward;
    messages.push_back({{"role", "tool"},
                        {"tool_call_id", id},
                        {"content", plan.observations[k]},
                        {"metadata",
                         {{"control_plane",
                           {{"reward", reward},
                            {"terminated", plan.goal[k]},
                            {"truncated", false},
                            {"step", k + 1},
                            {"total_reward", total}}},
                          {"session_id", plan.session}}}});
  }
  return messages;
}

rc::Gen<EnvPlan> env_plan() {
  return rc::gen::exec([] {
    EnvPlan plan;
    if (*rc::gen::arbitrary<bool>()) plan.seed = *rc::gen::arbitrary<std::uint64_t>();
    plan.system = *text();
    plan.user = *text();
    plan.call_prefix = *rc::gen::element<std::string>("call_", "toolu_", "c");
    plan.session = *text();
    const auto steps = *rc::gen::inRange<std::size_t>(0, 6);
    for (std::size_t k = 0; k < steps; ++k) {
      plan.actions.push_back(*rc::gen::element<std::string>("LEFT", "DOWN", "RIGHT", "UP"));
      plan.observations.push_back(*text());
      plan.goal.push_back(*rc::gen::arbitrary<bool>());
    }
    return plan;
  });
}

// A recording with a line per step (0..n) of each env, in a shuffled order.
rc::Gen<std::vector<RecordedStep>> random_recording() {
  return rc::gen::exec([] {
    const auto plans =
        *rc::gen::container<std::vector<EnvPlan>>(*rc::gen::inRange<std::size_t>(1, 5), env_plan());
    std::vector<RecordedStep> steps;
    for (std::size_t env = 0; env < plans.size(); ++env) {
      for (std::size_t k = 0; k <= plans[env].actions.size(); ++k) {
        steps.push_back({static_cast<int>(env), plans[env].seed, static_cast<int>(k),
                         messages_after(plans[env], k)});
      }
    }
    for (std::size_t i = steps.size(); i > 1; --i) {
      std::swap(steps[i - 1], steps[*rc::gen::inRange<std::size_t>(0, i)]);
    }
    return steps;
  });
}

RC_GTEST_PROP(RecordingProperty, ARecordingIsEquivalentToItself, ()) {
  const auto steps = *random_recording();
  RC_ASSERT(!compare_recordings(steps, steps).has_value());
}

RC_GTEST_PROP(RecordingProperty, OneMutationIsReportedAtItsEnvAndStep, ()) {
  const auto expected = *random_recording();
  auto actual = expected;
  const auto line = *rc::gen::inRange<std::size_t>(0, actual.size());
  RecordedStep& mutated = actual[line];
  const int env = mutated.env_index, step = mutated.step;
  json& messages = mutated.messages;
  const auto message = *rc::gen::inRange<std::size_t>(0, messages.size());
  std::string field;
  switch (*rc::gen::inRange(0, 7)) {
    case 0:
      mutated.seed =
          mutated.seed ? std::optional<std::uint64_t>() : std::optional(std::uint64_t{7});
      field = "/seed";
      break;
    case 1:
      if (messages[message]["content"].is_null()) {
        messages[message]["content"] = "";
      } else {
        messages[message]["content"] = messages[message]["content"].get<std::string>() + "!";
      }
      field = "/messages/" + std::to_string(message) + "/content";
      break;
    case 2:
      if (messages[message].contains("metadata")) {
        auto& reward = messages[message]["metadata"]["control_plane"]["reward"];
        reward = reward.get<double>() == 0.0 ? 1.0 : 0.0;
        field = "/messages/" + std::to_string(message) + "/metadata/control_plane/reward";
      } else {
        messages[message]["role"] = "developer";
        field = "/messages/" + std::to_string(message) + "/role";
      }
      break;
    case 3:
      messages.erase(messages.size() - 1);
      field = "/messages/" + std::to_string(messages.size());
      break;
    case 4:
      field = "/messages/" + std::to_string(messages.size());
      messages.push_back({{"role", "user"}, {"content", *text()}});
      break;
    case 5:
      actual.erase(actual.begin() + static_cast<std::ptrdiff_t>(line));
      field = "(line)";
      break;
    default:
      if (messages[message].contains("tool_calls")) {
        messages[message]["tool_calls"][0]["function"]["arguments"] = "{}";
        field = "/messages/" + std::to_string(message) + "/tool_calls/0/function/arguments";
      } else {
        messages[message]["name"] = "x";
        field = "/messages/" + std::to_string(message) + "/name";
      }
  }
  const auto divergence = compare_recordings(expected, actual);
  RC_ASSERT(divergence.has_value());
  RC_ASSERT(divergence->env_index == env);
  RC_ASSERT(divergence->step == step);
  RC_ASSERT(divergence->field == field);
  const auto reverse = compare_recordings(actual, expected);
  RC_ASSERT(reverse.has_value());
  RC_ASSERT(reverse->env_index == env && reverse->step == step && reverse->field == field);
}

RC_GTEST_PROP(RecordingProperty, RenamingCallIdsKeepsItEquivalent, ()) {
  const auto expected = *random_recording();
  auto actual = expected;
  for (auto& line : actual) {
    for (auto& message : line.messages) {
      if (message.contains("tool_call_id")) {
        message["tool_call_id"] = "renamed_" + message["tool_call_id"].get<std::string>();
      }
      if (message.contains("tool_calls")) {
        auto& id = message["tool_calls"][0]["id"];
        id = "renamed_" + id.get<std::string>();
      }
    }
  }
  RC_ASSERT(!compare_recordings(expected, actual).has_value());
}

RC_GTEST_PROP(RecordingProperty, WriterAndReaderRoundTrip, ()) {
  const auto steps = *random_recording();
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  {
    auto writer = RecordingWriter::open(path);
    RC_ASSERT(writer.has_value());
    for (const auto& step : steps)
      RC_ASSERT(writer->write(step).has_value());
    RC_ASSERT(writer->commit().has_value());
  }
  const auto read = read_recording(path);
  RC_ASSERT(read.has_value());
  RC_ASSERT(read->size() == steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    RC_ASSERT((*read)[i].env_index == steps[i].env_index);
    RC_ASSERT((*read)[i].step == steps[i].step);
    RC_ASSERT((*read)[i].seed == steps[i].seed);
    RC_ASSERT((*read)[i].messages.dump() == steps[i].messages.dump());
  }
  RC_ASSERT(!compare_recordings(steps, *read).has_value());
  RC_ASSERT(read_file(path) == jsonl(steps));
}

}  // namespace
}  // namespace mcpgym::harness
