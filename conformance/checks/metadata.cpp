// Recordings' control-plane metadata. The REC- rules of docs/spec.md bind the
// harness's writer and reader (they are tested in harness/record/tests), not
// the implementation under test, so these checks rest on the rules a recording
// is made from: the control plane's payloads (CTRL-004, CTRL-005), a control
// plane that reflects the last call (CTRL-007), episodes that end only where
// the rules end them (LAKE-007), and no moves after the end (DATA-006).
//
// Each check makes the same recording: the harness's multi-environment
// rollout (one session per environment), written with RecordingWriter into
// the check's temporary directory and read back with read_recording, so the
// on-disk format is what is judged. For a game with a model, environment i
// plays i+1 moves that change nothing and then the driver's way to the end
// (conformance/checks/driven.hpp), and every step is judged against the
// game's model, independently of the implementation. For a game without one
// (the game "unknown"), random actions, and every step is judged for
// consistency: step counts, total_reward the sum of the rewards, no end
// before the last step, no move after it. At each environment's end the
// control plane is read once more, in the same session, before it is closed.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/driven.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/core/context.hpp"
#include "harness/record/recording.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::conformance {
namespace {

using episode::gym_needs;
using episode::must_check;
using episode::show;
using episode::str_at;
using episode::true_at;
using harness::McpClient;
using harness::RecordedStep;
using json = nlohmann::json;

// What the spy saw of one environment.
struct EnvWatch {
  bool ended_seen = false;            // a status read said terminated or truncated
  int calls_at_end = 0;               // the tool calls sent when it first said so
  std::optional<int> call_after_end;  // the tool call (1-based) sent after that
  int calls = 0;
  std::optional<json> final_reward, final_status;  // re-read just before close
  std::string final_error;
};

// Forwards everything to the real client, watching tool calls and status
// reads, and re-reads reward and status just before the session is closed.
class SpyClient final : public McpClient {
 public:
  SpyClient(std::unique_ptr<McpClient> inner, bool resources, EnvWatch& watch, std::mutex& mutex)
      : inner_(std::move(inner)), resources_(resources), watch_(watch), mutex_(mutex) {}
  harness::Result<json> initialize(const json& extra) override { return inner_->initialize(extra); }
  harness::Result<json> request(const std::string& method, const json& params) override {
    return inner_->request(method, params);
  }
  harness::Result<void> notify(const std::string& method, const json& params) override {
    return inner_->notify(method, params);
  }
  harness::Result<json> call_tool(const std::string& name, const json& arguments) override {
    {
      std::lock_guard lock(mutex_);
      ++watch_.calls;
      if (watch_.ended_seen && !watch_.call_after_end) watch_.call_after_end = watch_.calls;
    }
    return inner_->call_tool(name, arguments);
  }
  harness::Result<json> read_resource(const std::string& uri) override {
    auto r = inner_->read_resource(uri);
    if (r && uri == "control://status") saw_status(*r);
    return r;
  }
  harness::Result<json> read_control_http(const std::string& name) override {
    auto r = inner_->read_control_http(name);
    if (r && name == "status") saw_status(*r);
    return r;
  }
  harness::Result<void> close() override {
    if (!closed_) {
      closed_ = true;
      auto reward = resources_ ? inner_->read_resource("control://reward")
                               : inner_->read_control_http("reward");
      auto status = resources_ ? inner_->read_resource("control://status")
                               : inner_->read_control_http("status");
      std::lock_guard lock(mutex_);
      if (reward) watch_.final_reward = *reward;
      if (status) watch_.final_status = *status;
      if (!reward) watch_.final_error = reward.error().message();
      if (!status) watch_.final_error = status.error().message();
    }
    return inner_->close();
  }
  const std::optional<std::string>& session_id() const override { return inner_->session_id(); }
  const std::string& negotiated_version() const override { return inner_->negotiated_version(); }

 private:
  void saw_status(const json& status) {
    if (true_at(status, "terminated") || true_at(status, "truncated")) {
      std::lock_guard lock(mutex_);
      if (!watch_.ended_seen) watch_.calls_at_end = watch_.calls;
      watch_.ended_seen = true;
    }
  }
  std::unique_ptr<McpClient> inner_;
  bool resources_;
  EnvWatch& watch_;
  std::mutex& mutex_;
  bool closed_ = false;
};

// Sessions of the HTTP endpoint, or new stdio processes through the Context
// (serialized: the Context is not thread-safe), each wrapped in a spy.
class SpyConnector final : public harness::Connector {
 public:
  SpyConnector(Context& ctx, std::vector<EnvWatch>& watches) : ctx_(ctx), watches_(watches) {}
  Expected<std::unique_ptr<McpClient>, std::string> connect(
      int env_index, const harness::EnvironmentSpec&) override {
    auto client = episode::new_client(ctx_, mutex_);
    if (!client) return client;
    return std::unique_ptr<McpClient>(std::make_unique<SpyClient>(
        std::move(*client), ctx_.profile().offers(ControlPlane::kResources),
        watches_[static_cast<std::size_t>(env_index)], mutex_));
  }

 private:
  Context& ctx_;
  std::vector<EnvWatch>& watches_;
  std::mutex mutex_;
};

struct Recording {
  bool modelled = false;               // the game has a model: plans say each episode
  std::vector<driven::EnvPlan> plans;  // by env_index
  std::vector<harness::EnvOutcome> outcomes;
  std::vector<EnvWatch> watches;
  std::map<int, std::vector<RecordedStep>> lines;  // read back from disk, by env_index
  std::string path;
};

// Environment i: seed 200+i. With a model, the short episode after i+1 moves
// that change nothing (the last one truncated at step 4 when the profile
// claims truncation); without one, random actions, each truncated at step
// i+2 when the profile claims truncation.
std::vector<driven::EnvPlan> environments(Context& ctx, bool modelled) {
  const int n = std::min(8, ctx.profile().max_envs.value_or(8));
  const bool truncation = ctx.profile().claims(Feature::kTruncation);
  std::vector<driven::EnvPlan> plans(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto& plan = plans[static_cast<std::size_t>(i)];
    plan.spec.seed = static_cast<std::uint64_t>(200 + i);
    plan.spec.config = modelled ? ctx.game().short_episode_config() : json::object();
    plan.detours = i + 1;
    if (truncation && !modelled) plan.spec.config["max_episode_steps"] = i + 2;
    if (truncation && modelled && i == n - 1) plan.spec.config["max_episode_steps"] = 4;
  }
  return plans;
}

// Writes the rollout's recording into the check's directory and reads it back.
Expected<std::string, std::string> write_and_read(Context& ctx,
                                                  const harness::RolloutResult& result,
                                                  Recording& rec) {
  const auto path = ctx.temp_dir() / "rollout.jsonl";
  {
    auto writer = harness::RecordingWriter::open(path);
    if (!writer) return unexpected(writer.error());
    for (const auto& line : result.recording()) {
      if (auto w = writer->write(line); !w) return unexpected(w.error());
    }
    if (auto c = writer->commit(); !c) return unexpected(c.error());
  }
  auto read = harness::read_recording(path);
  if (!read) return unexpected(read.error());
  for (auto& line : *read)
    rec.lines[line.env_index].push_back(std::move(line));
  return path.string();
}

// Runs the rollout and reads its recording back; a failure here is the
// suite's (could not write or read its own file), not the implementation's.
Expected<Recording, std::string> make_recording(Context& ctx) {
  Recording rec;
  rec.modelled = ctx.game().has_model();
  rec.plans = environments(ctx, rec.modelled);
  std::vector<harness::EnvironmentSpec> specs;
  for (const auto& plan : rec.plans)
    specs.push_back(plan.spec);
  const auto policy = rec.modelled ? driven::planned_policy(ctx.game(), rec.plans)
                                   : harness::random_policy(20261206);
  rec.watches.resize(rec.plans.size());
  SpyConnector connector(ctx, rec.watches);
  auto result = harness::run_rollout(connector, specs, policy,
                                     driven::rollout_options(ctx, driven::kRolloutSteps));
  for (const auto& env : result.envs)
    ctx.note(env.describe());
  rec.outcomes = result.envs;
  auto path = write_and_read(ctx, result, rec);
  if (!path) return unexpected(path.error());
  rec.path = *path;
  return rec;
}

// The model's control_plane after step `k` (0-based) of a plan.
json predicted_control_plane(const driven::Plan& plan, std::size_t k) {
  return {{"reward", plan.steps[k].reward},
          {"terminated", plan.steps[k].terminated},
          {"truncated", plan.steps[k].truncated},
          {"step", static_cast<int>(k + 1)},
          {"total_reward", plan.total_rewards[k]}};
}

const driven::Plan* plan_of(const Recording& rec, int i) {
  const auto& plan = rec.plans[static_cast<std::size_t>(i)].plan;
  return plan ? &*plan : nullptr;
}

std::string env_name(const Recording& rec, int i) {
  const driven::Plan* plan = plan_of(rec, i);
  return "env " + std::to_string(i) + " (seed " + std::to_string(rec.plans[i].spec.seed) +
         (plan ? ", " + std::to_string(plan->length()) + "-step episode" : std::string()) + ")";
}

// A model game whose environment got no plan cannot be judged.
std::optional<Outcome> unplanned(const Recording& rec) {
  if (!rec.modelled) return std::nullopt;
  for (int i = 0; i < static_cast<int>(rec.plans.size()); ++i) {
    if (!plan_of(rec, i))
      return Outcome::could_not_run(env_name(rec, i) + ": " + rec.plans[i].error);
  }
  return std::nullopt;
}

// The tool messages of a line, in order.
std::vector<const json*> tool_messages(const RecordedStep& line) {
  std::vector<const json*> out;
  if (!line.messages.is_array()) return out;
  for (const auto& m : line.messages) {
    if (str_at(m, "role") == "tool") out.push_back(&m);
  }
  return out;
}

std::optional<json> control_plane_of(const json& message) {
  if (!message.contains("metadata") || !message["metadata"].is_object()) return std::nullopt;
  const json& md = message["metadata"];
  if (!md.contains("control_plane")) return std::nullopt;
  return md["control_plane"];
}

// A failed environment spoils the recording for every check.
std::optional<Outcome> rollout_failure(const Recording& rec, const std::string& expected) {
  for (const auto& env : rec.outcomes) {
    if (env.error) return Outcome::broken(expected, env.describe());
  }
  return std::nullopt;
}

// The recorded value differs from `want` (numbers by value, so 1 and 1.0 agree).
bool same(const json& got, const json& want) {
  if (got.is_number() && want.is_number()) return got.get<double>() == want.get<double>();
  return got == want;
}

// Every member of `want` is in `cp` with the same value.
bool has_all(const std::optional<json>& cp, const json& want) {
  if (!cp || !cp->is_object()) return false;
  for (const auto& [key, value] : want.items()) {
    if (!cp->contains(key) || !same((*cp)[key], value)) return false;
  }
  return true;
}

// The number of steps environment i's episode must have: the plan's with a
// model, else the tool calls the rollout sent (judged by consistency only).
std::size_t wanted_lines(const Recording& rec, int i) {
  if (const driven::Plan* plan = plan_of(rec, i)) return static_cast<std::size_t>(plan->length());
  return static_cast<std::size_t>(rec.watches[i].calls);
}

std::string steps_text(const std::vector<RecordedStep>& lines) {
  std::string got = "[";
  for (const auto& l : lines) {
    if (got.size() > 1) got += ',';
    got += std::to_string(l.step);
  }
  return got + "]";
}

// One environment's lines: steps 1..n in order, line k with k tool messages.
std::optional<Outcome> lines_in_order(const Recording& rec, int i, const std::string& expected) {
  const auto& lines = rec.lines.count(i) ? rec.lines.at(i) : std::vector<RecordedStep>{};
  if (lines.size() != wanted_lines(rec, i)) {
    return Outcome::broken(expected, env_name(rec, i) + " has " + std::to_string(lines.size()) +
                                         " line(s), steps " + steps_text(lines) + "; " +
                                         rec.outcomes[i].describe());
  }
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const auto tools = tool_messages(lines[k]);
    if (lines[k].step != static_cast<int>(k + 1) || tools.size() != k + 1) {
      return Outcome::broken(expected, env_name(rec, i) + " line " + std::to_string(k + 1) +
                                           " is step " + std::to_string(lines[k].step) + " with " +
                                           std::to_string(tools.size()) + " tool message(s)");
    }
  }
  return std::nullopt;
}

Outcome line_per_step_check(Context& ctx) {
  auto rec = make_recording(ctx);
  if (!rec) return Outcome::could_not_run(rec.error());
  std::string expected =
      rec->modelled ? "a recording with one line per environment step (steps 1..n in order), "
                      "n being the episode's length:"
                    : "a recording with one line per environment step (steps 1..n in order), "
                      "n being the tool calls the episode took";
  if (auto failed = rollout_failure(*rec, expected)) return std::move(*failed);
  if (auto failed = unplanned(*rec)) return std::move(*failed);
  // Appended: `" " + std::to_string(...)` trips g++ 12's false -O3 -Wrestrict.
  for (int i = 0; rec->modelled && i < static_cast<int>(rec->plans.size()); ++i)
    expected.append(" ").append(std::to_string(wanted_lines(*rec, i)));
  for (int i = 0; i < static_cast<int>(rec->plans.size()); ++i) {
    if (auto failed = lines_in_order(*rec, i, expected)) return std::move(*failed);
  }
  return Outcome::held(expected, "as expected, in " + rec->path);
}

bool complete_control_plane(const std::optional<json>& cp) {
  return cp && cp->is_object() && cp->contains("reward") && (*cp)["reward"].is_number() &&
         cp->contains("terminated") && (*cp)["terminated"].is_boolean() &&
         cp->contains("truncated") && (*cp)["truncated"].is_boolean() && cp->contains("step") &&
         (*cp)["step"].is_number_integer() && cp->contains("total_reward") &&
         (*cp)["total_reward"].is_number();
}

Outcome control_plane_present_check(Context& ctx) {
  auto rec = make_recording(ctx);
  if (!rec) return Outcome::could_not_run(rec.error());
  const std::string expected =
      "every tool message of every line carries metadata.control_plane {reward: number, "
      "terminated: bool, truncated: bool, step: integer, total_reward: number}";
  if (auto failed = rollout_failure(*rec, expected)) return std::move(*failed);
  int checked = 0;
  for (const auto& [i, lines] : rec->lines) {
    for (const auto& line : lines) {
      for (const json* m : tool_messages(line)) {
        const auto cp = control_plane_of(*m);
        if (!complete_control_plane(cp)) {
          return Outcome::broken(
              expected, "env " + std::to_string(i) + ", line " + std::to_string(line.step) +
                            ": a tool message with " +
                            (cp ? "control_plane " + show(*cp) : "no control_plane"));
        }
        ++checked;
      }
    }
  }
  if (checked == 0) return Outcome::broken(expected, "the recording has no tool message at all");
  return Outcome::held(expected, std::to_string(checked) + " tool messages, all with it");
}

// What step t (0-based) of an episode of `count` steps must record, given
// the steps recorded before it: the model's control plane, or without one
// the step number and the sum of the recorded rewards, not ended before the
// last step.
json wanted_control_plane(const driven::Plan* plan, std::size_t t, std::size_t count,
                          double total_before, const std::optional<json>& cp) {
  if (plan) return predicted_control_plane(*plan, t);
  const double reward =
      cp && cp->is_object() && cp->contains("reward") && (*cp)["reward"].is_number()
          ? (*cp)["reward"].get<double>()
          : 0.0;
  json want = {{"step", static_cast<int>(t + 1)}, {"total_reward", total_before + reward}};
  if (t + 1 < count) {
    want["terminated"] = false;
    want["truncated"] = false;
  }
  return want;
}

// Each line's tool messages: message t is step t+1's (earlier ones repeat earlier lines).
std::optional<Outcome> steps_as_wanted(const Recording& rec, int i, const std::string& expected) {
  const auto& lines = rec.lines.at(i);
  const driven::Plan* plan = plan_of(rec, i);
  for (const auto& line : lines) {
    const auto tools = tool_messages(line);
    const int k = line.step;
    if (tools.empty() || k < 1 || k > static_cast<int>(lines.size()) ||
        (plan && k > plan->length())) {
      return Outcome::broken(expected,
                             env_name(rec, i) + " has a line for step " + std::to_string(k));
    }
    double total = 0.0;
    for (std::size_t t = 0; t < tools.size() && t < lines.size(); ++t) {
      const auto cp = control_plane_of(*tools[t]);
      const json want = wanted_control_plane(plan, t, lines.size(), total, cp);
      if (!has_all(cp, want)) {
        return Outcome::broken(expected, env_name(rec, i) + " line " + std::to_string(k) +
                                             ", step " + std::to_string(t + 1) + ": recorded " +
                                             (cp ? show(*cp) : "nothing") + ", expected " +
                                             show(want));
      }
      total = want.contains("total_reward") ? want["total_reward"].get<double>() : total;
    }
  }
  return std::nullopt;
}

json member(const json& j, const char* key) {
  return j.is_object() && j.contains(key) ? j[key] : json();
}

// The last line's control plane equals the control plane re-read at the end.
std::optional<Outcome> last_line_as_reread(const Recording& rec, int i,
                                           const std::string& expected) {
  const auto& watch = rec.watches[i];
  if (!watch.final_reward || !watch.final_status) {
    return Outcome::could_not_run(
        env_name(rec, i) + ": re-reading the control plane at the end: " + watch.final_error);
  }
  const auto tools = tool_messages(rec.lines.at(i).back());
  const auto cp = tools.empty() ? std::nullopt : control_plane_of(*tools.back());
  const json& r = *watch.final_reward;
  const json& s = *watch.final_status;
  const json now = {{"reward", member(r, "reward")},
                    {"terminated", member(s, "terminated")},
                    {"truncated", member(s, "truncated")},
                    {"step", member(s, "step_count")},
                    {"total_reward", member(s, "total_reward")}};
  if (!has_all(cp, now)) {
    return Outcome::broken(expected, env_name(rec, i) + ": last line " + (cp ? show(*cp) : "null") +
                                         ", but the control plane now says " + show(r, 120) + " " +
                                         show(s, 160));
  }
  return std::nullopt;
}

Outcome matches_control_plane_check(Context& ctx) {
  auto rec = make_recording(ctx);
  if (!rec) return Outcome::could_not_run(rec.error());
  const std::string expected =
      std::string(rec->modelled
                      ? "each step's metadata.control_plane equals the control plane's (reward, "
                        "terminated, truncated, step, total_reward as the rules give them for "
                        "that step)"
                      : "each step's metadata.control_plane is consistent (step n on the n-th "
                        "step, total_reward the sum of the rewards so far, not ended before the "
                        "last step)") +
      ", and the last line's equals control://reward and control://status read again at the "
      "episode's end";
  if (auto failed = rollout_failure(*rec, expected)) return std::move(*failed);
  if (auto failed = unplanned(*rec)) return std::move(*failed);
  for (int i = 0; i < static_cast<int>(rec->plans.size()); ++i) {
    if (!rec->lines.count(i) || rec->lines.at(i).empty()) continue;  // line-per-step's to judge
    if (auto failed = steps_as_wanted(*rec, i, expected)) return std::move(*failed);
    if (auto failed = last_line_as_reread(*rec, i, expected)) return std::move(*failed);
  }
  return Outcome::held(
      expected, "every step of " + std::to_string(rec->plans.size()) + " environments as expected");
}

// The step at which environment i's episode ended: the plan's, else the tool
// calls sent until control://status said it ended.
int end_step(const Recording& rec, int i) {
  if (const driven::Plan* plan = plan_of(rec, i)) return plan->length();
  const auto& watch = rec.watches[i];
  return watch.ended_seen ? watch.calls_at_end : rec.outcomes[i].steps;
}

std::optional<Outcome> no_call_after(const Recording& rec, int i, const std::string& expected) {
  const auto& watch = rec.watches[i];
  const int end = end_step(rec, i);
  if (watch.call_after_end) {
    return Outcome::broken(expected, env_name(rec, i) + ": tool call " +
                                         std::to_string(*watch.call_after_end) +
                                         " was sent after control://status said the episode ended");
  }
  if (watch.calls > end) {
    return Outcome::broken(
        expected, env_name(rec, i) + ": " + std::to_string(watch.calls) +
                      " tool calls, the episode ended at step " + std::to_string(end) +
                      "; the control plane did not say so (" + rec.outcomes[i].describe() + ")");
  }
  if (rec.lines.count(i)) {
    for (const auto& line : rec.lines.at(i)) {
      if (line.step > end)
        return Outcome::broken(expected,
                               env_name(rec, i) + ": a line for step " + std::to_string(line.step));
    }
  }
  return std::nullopt;
}

// No move after the end is proven only by episodes that ended: an empty
// recording (no answer, a failed rollout) proves nothing, so DATA-006 could
// not be judged; the failure itself is line-per-step's to report.
std::optional<Outcome> unended(const Recording& rec) {
  for (int i = 0; i < static_cast<int>(rec.plans.size()); ++i) {
    const auto& env = rec.outcomes[i];
    if (env.error || !rec.watches[i].ended_seen) {
      return Outcome::could_not_run("no episode end to judge a move after: " + env.describe() +
                                    (env.error ? "" : "; the control plane never said it ended"));
    }
  }
  return std::nullopt;
}

Outcome no_call_after_end_check(Context& ctx) {
  auto rec = make_recording(ctx);
  if (!rec) return Outcome::could_not_run(rec.error());
  const std::string expected =
      "no tool call after an environment's episode ended: its last recorded line is the step "
      "that ended it, and the rollout sent no move after the control plane said so";
  for (int i = 0; i < static_cast<int>(rec->plans.size()); ++i) {
    if (rec->modelled && !plan_of(*rec, i)) continue;  // judged below: no end to judge
    if (auto failed = no_call_after(*rec, i, expected)) return std::move(*failed);
  }
  if (auto failed = unended(*rec)) return std::move(*failed);
  if (auto failed = unplanned(*rec)) return std::move(*failed);
  return Outcome::held(expected, "none, in " + std::to_string(rec->plans.size()) +
                                     " episodes that each ran to their end");
}

}  // namespace

std::vector<Check> metadata_checks() {
  return {
      // LAKE-007: "The episode terminates on the step that enters `H` or `G`." A recording
      // has one line per step of the episode, so one line per move until then, not fewer.
      // Model-free for a game without a model: one line per tool call.
      must_check("metadata.line-per-step", "LAKE-007", episode::kRuleLake007, gym_needs(),
                 line_per_step_check),
      // CTRL-005: "`control://status` holds {terminated, truncated, step_count, total_reward}"
      // (and CTRL-004 control://reward), from which every recorded step's metadata is made.
      must_check("metadata.control-plane-present", "CTRL-005",
                 "`control://status` holds `{\"terminated\":<bool>,\"truncated\":<bool>,"
                 "\"step_count\":<int>,\"total_reward\":<float>}`.",
                 gym_needs(), control_plane_present_check),
      // CTRL-007: "A control-plane read made right after a tool call reflects that call,
      // never a step stale." Without a model: consistent steps and totals, and the re-read.
      must_check("metadata.matches-control-plane", "CTRL-007",
                 "A control-plane read made right after a tool call reflects that call, never "
                 "a step stale.",
                 gym_needs(), matches_control_plane_check),
      // DATA-006: "A move after the episode has ended (terminated or truncated) is a tool
      // error saying so, and it changes nothing." A rollout stops at the end the control
      // plane reports, so a recording never holds a move after it.
      must_check("metadata.no-call-after-end", "DATA-006", episode::kRuleData006, gym_needs(),
                 no_call_after_end_check),
  };
}

}  // namespace mcpgym::conformance
