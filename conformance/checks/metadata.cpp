// Recordings' control-plane metadata. The REC- rules of docs/spec.md are
// reserved but not yet defined, so these checks rest on the rules a recording
// is made from: the control plane's payloads (CTRL-004, CTRL-005), a control
// plane that reflects the last call (CTRL-007), episodes that end only where
// the rules end them (LAKE-007), and no moves after the end (DATA-006).
//
// Each check makes the same recording: the harness's multi-environment
// rollout (one session per environment, shortest-path policy) over desc maps
// whose episodes take 2..9 moves, written with RecordingWriter into the
// check's temporary directory and read back with read_recording, so the
// on-disk format is what is judged. The expected episode of every environment
// comes from the reference model (games/frozenlake), independently of the
// implementation; at each environment's end the control plane is read once
// more, in the same session, before it is closed.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/core/context.hpp"
#include "games/frozenlake/frozen_lake.hpp"
#include "harness/record/recording.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::conformance {
namespace {

using episode::model_needs;
using episode::must_check;
using episode::show;
using episode::snake_map;
using episode::str_at;
using episode::true_at;
using harness::McpClient;
using harness::RecordedStep;
using json = nlohmann::json;

// What the spy saw of one environment.
struct EnvWatch {
  bool ended_seen = false;            // a status read said terminated or truncated
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

struct EnvPlan {
  harness::EnvironmentSpec spec;
  std::vector<std::string> desc;
  std::optional<int> max_episode_steps;
  std::vector<json> expected;  // the model's control_plane after each step
};

// The model's episode under the same policy object the rollout uses.
std::vector<json> model_episode(const EnvPlan& plan, int env_index,
                                const harness::PolicyFactory& factory, int max_steps) {
  auto map = frozenlake::Map::from_rows(plan.desc);
  frozenlake::FrozenLake env(std::get<frozenlake::Map>(std::move(map)), false,
                             plan.max_episode_steps, plan.spec.seed);
  const json initial = {{"map", plan.desc}, {"position", env.initial_position()}};
  auto policy = factory(env_index, plan.spec.seed);
  std::optional<json> last;
  std::vector<json> out;
  for (int step = 1; step <= max_steps; ++step) {
    const harness::PolicyView view{env_index, plan.spec.seed, step - 1, &initial,
                                   last ? &*last : nullptr};
    const auto r = env.step(*frozenlake::parse_action(policy->next_action(view)));
    out.push_back({{"reward", r.reward},
                   {"terminated", r.terminated},
                   {"truncated", r.truncated},
                   {"step", step},
                   {"total_reward", env.total_reward()}});
    last = json{{"position", r.position}};
    if (r.terminated || r.truncated) break;
  }
  return out;
}

struct Recording {
  std::vector<EnvPlan> plans;
  std::vector<harness::EnvOutcome> outcomes;
  std::vector<EnvWatch> watches;
  std::map<int, std::vector<RecordedStep>> lines;  // read back from disk, by env_index
  std::string path;
};

constexpr int kMaxSteps = 12;

// Runs the rollout and reads its recording back; a failure here is the
// suite's (could not write or read its own file), not the implementation's.
Expected<Recording, std::string> make_recording(Context& ctx) {
  Recording rec;
  const int n = std::min(8, ctx.profile().max_envs.value_or(8));
  for (int i = 0; i < n; ++i) {
    EnvPlan plan;
    plan.desc = snake_map(i + 2);  // episodes of 2..9 moves
    plan.spec.seed = static_cast<std::uint64_t>(200 + i);
    plan.spec.config = {{"desc", plan.desc}, {"is_slippery", false}};
    if (i == n - 1 && ctx.profile().claims(Feature::kTruncation)) {
      plan.max_episode_steps = 4;  // this one is truncated at step 4, before its goal
      plan.spec.config["max_episode_steps"] = 4;
    }
    rec.plans.push_back(std::move(plan));
  }
  const auto policy = harness::shortest_path_policy();
  std::vector<harness::EnvironmentSpec> specs;
  for (int i = 0; i < n; ++i) {
    rec.plans[i].expected = model_episode(rec.plans[i], i, policy, kMaxSteps);
    specs.push_back(rec.plans[i].spec);
  }
  rec.watches.resize(static_cast<std::size_t>(n));
  SpyConnector connector(ctx, rec.watches);
  auto result = harness::run_rollout(connector, specs, policy,
                                     episode::rollout_options(ctx, kMaxSteps, true));
  for (const auto& env : result.envs)
    ctx.note(env.describe());
  rec.outcomes = result.envs;

  const auto path = ctx.temp_dir() / "rollout.jsonl";
  rec.path = path.string();
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
  return rec;
}

std::string env_name(const Recording& rec, int i) {
  return "env " + std::to_string(i) + " (seed " + std::to_string(rec.plans[i].spec.seed) + ", " +
         std::to_string(rec.plans[i].expected.size()) + "-step episode)";
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

// ---------------------------------------------------------------------------

Outcome line_per_step_check(Context& ctx) {
  auto rec = make_recording(ctx);
  if (!rec) return Outcome::could_not_run(rec.error());
  std::string expected =
      "a recording with one line per environment step (steps 1..n in order), "
      "n being the episode's length:";
  // Appended: `" " + std::to_string(...)` trips g++ 12's false -O3 -Wrestrict.
  for (std::size_t i = 0; i < rec->plans.size(); ++i) {
    expected.append(" ").append(std::to_string(rec->plans[i].expected.size()));
  }
  if (auto failed = rollout_failure(*rec, expected)) return std::move(*failed);
  for (int i = 0; i < static_cast<int>(rec->plans.size()); ++i) {
    const auto& lines = rec->lines[i];
    const auto want = rec->plans[i].expected.size();
    std::string got = "[";
    for (const auto& l : lines) {
      if (got.size() > 1) got += ',';
      got += std::to_string(l.step);
    }
    got += "]";
    if (lines.size() != want) {
      return Outcome::broken(expected, env_name(*rec, i) + " has " + std::to_string(lines.size()) +
                                           " line(s), steps " + got + "; " +
                                           rec->outcomes[i].describe());
    }
    for (std::size_t k = 0; k < lines.size(); ++k) {
      const auto tools = tool_messages(lines[k]);
      if (lines[k].step != static_cast<int>(k + 1) || tools.size() != k + 1) {
        return Outcome::broken(expected, env_name(*rec, i) + " line " + std::to_string(k + 1) +
                                             " is step " + std::to_string(lines[k].step) +
                                             " with " + std::to_string(tools.size()) +
                                             " tool message(s)");
      }
    }
  }
  return Outcome::held(expected, "as expected, in " + rec->path);
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
        const bool ok = cp && cp->is_object() && cp->contains("reward") &&
                        (*cp)["reward"].is_number() && cp->contains("terminated") &&
                        (*cp)["terminated"].is_boolean() && cp->contains("truncated") &&
                        (*cp)["truncated"].is_boolean() && cp->contains("step") &&
                        (*cp)["step"].is_number_integer() && cp->contains("total_reward") &&
                        (*cp)["total_reward"].is_number();
        if (!ok) {
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

Outcome matches_control_plane_check(Context& ctx) {
  auto rec = make_recording(ctx);
  if (!rec) return Outcome::could_not_run(rec.error());
  const std::string expected =
      "each step's metadata.control_plane equals the control plane's (reward, terminated, "
      "truncated, step, total_reward as the rules give them for that step), and the last line's "
      "equals control://reward and control://status read again at the episode's end";
  if (auto failed = rollout_failure(*rec, expected)) return std::move(*failed);
  for (int i = 0; i < static_cast<int>(rec->plans.size()); ++i) {
    const auto& plan = rec->plans[i];
    const auto& lines = rec->lines[i];
    // Each line's last tool message is that step's; earlier ones repeat earlier lines.
    for (const auto& line : lines) {
      const auto tools = tool_messages(line);
      const int k = line.step;
      if (tools.empty() || k < 1 || k > static_cast<int>(plan.expected.size())) {
        return Outcome::broken(expected,
                               env_name(*rec, i) + " has a line for step " + std::to_string(k));
      }
      for (std::size_t t = 0; t < tools.size() && t < plan.expected.size(); ++t) {
        const auto cp = control_plane_of(*tools[t]);
        const json& want = plan.expected[t];
        bool ok = cp && cp->is_object();
        for (const auto& [key, value] : want.items()) {
          if (!ok) break;
          ok = cp->contains(key) && same((*cp)[key], value);
        }
        if (!ok) {
          return Outcome::broken(expected, env_name(*rec, i) + " line " + std::to_string(k) +
                                               ", step " + std::to_string(t + 1) + ": recorded " +
                                               (cp ? show(*cp) : "nothing") + ", expected " +
                                               show(want));
        }
      }
    }
    if (lines.empty()) continue;  // line-per-step judges missing lines
    const auto& watch = rec->watches[i];
    if (!watch.final_reward || !watch.final_status) {
      return Outcome::could_not_run(
          env_name(*rec, i) + ": re-reading the control plane at the end: " + watch.final_error);
    }
    const auto tools = tool_messages(lines.back());
    const auto cp = control_plane_of(*tools.back());
    const json& r = *watch.final_reward;
    const json& s = *watch.final_status;
    const auto get = [](const json& j, const char* key) {
      return j.is_object() && j.contains(key) ? j[key] : json();
    };
    const json now = {{"reward", get(r, "reward")},
                      {"terminated", get(s, "terminated")},
                      {"truncated", get(s, "truncated")},
                      {"step", get(s, "step_count")},
                      {"total_reward", get(s, "total_reward")}};
    bool ok = cp && cp->is_object();
    for (const auto& [key, value] : now.items()) {
      if (!ok) break;
      ok = cp->contains(key) && same((*cp)[key], value);
    }
    if (!ok) {
      return Outcome::broken(
          expected, env_name(*rec, i) + ": last line " + (cp ? show(*cp) : "null") +
                        ", but the control plane now says " + show(r, 120) + " " + show(s, 160));
    }
  }
  return Outcome::held(
      expected, "every step of " + std::to_string(rec->plans.size()) + " environments as expected");
}

Outcome no_call_after_end_check(Context& ctx) {
  auto rec = make_recording(ctx);
  if (!rec) return Outcome::could_not_run(rec.error());
  const std::string expected =
      "no tool call after an environment's episode ended: its last recorded line is the step "
      "that ended it, and the rollout sent no move after the control plane said so";
  for (int i = 0; i < static_cast<int>(rec->plans.size()); ++i) {
    const auto& plan = rec->plans[i];
    const auto& env = rec->outcomes[i];
    const auto& watch = rec->watches[i];
    const int end = static_cast<int>(plan.expected.size());
    if (watch.call_after_end) {
      return Outcome::broken(
          expected, env_name(*rec, i) + ": tool call " + std::to_string(*watch.call_after_end) +
                        " was sent after control://status said the episode ended");
    }
    if (watch.calls > end) {
      return Outcome::broken(expected,
                             env_name(*rec, i) + ": " + std::to_string(watch.calls) +
                                 " tool calls, the episode ended at step " + std::to_string(end) +
                                 "; the control plane did not say so (" + env.describe() + ")");
    }
    for (const auto& line : rec->lines[i]) {
      if (line.step > end) {
        return Outcome::broken(
            expected, env_name(*rec, i) + ": a line for step " + std::to_string(line.step));
      }
    }
  }
  // No move after the end is proven only by episodes that ended: an empty
  // recording (no answer, a failed rollout) proves nothing, so DATA-006 could
  // not be judged; the failure itself is line-per-step's to report.
  for (int i = 0; i < static_cast<int>(rec->plans.size()); ++i) {
    const auto& env = rec->outcomes[i];
    if (env.error || !rec->watches[i].ended_seen) {
      return Outcome::could_not_run("no episode end to judge a move after: " + env.describe() +
                                    (env.error ? "" : "; the control plane never said it ended"));
    }
  }
  return Outcome::held(expected, "none, in " + std::to_string(rec->plans.size()) +
                                     " episodes that each ran to their end");
}

}  // namespace

std::vector<Check> metadata_checks() {
  return {
      // LAKE-007: "The episode terminates on the step that enters `H` or `G`." A recording
      // has one line per step of the episode, so one line per move until then, not fewer.
      must_check("metadata.line-per-step", "LAKE-007", episode::kRuleLake007, model_needs(),
                 line_per_step_check),
      // CTRL-005: "`control://status` holds {terminated, truncated, step_count, total_reward}"
      // (and CTRL-004 control://reward), from which every recorded step's metadata is made.
      must_check("metadata.control-plane-present", "CTRL-005",
                 "`control://status` holds `{\"terminated\":<bool>,\"truncated\":<bool>,"
                 "\"step_count\":<int>,\"total_reward\":<float>}`.",
                 model_needs(), control_plane_present_check),
      // CTRL-007: "A control-plane read made right after a tool call reflects that call,
      // never a step stale."
      must_check("metadata.matches-control-plane", "CTRL-007",
                 "A control-plane read made right after a tool call reflects that call, never "
                 "a step stale.",
                 model_needs(), matches_control_plane_check),
      // DATA-006: "A move after the episode has ended (terminated or truncated) is a tool
      // error saying so, and it changes nothing." A rollout stops at the end the control
      // plane reports, so a recording never holds a move after it.
      must_check("metadata.no-call-after-end", "DATA-006", episode::kRuleData006, model_needs(),
                 no_call_after_end_check),
  };
}

}  // namespace mcpgym::conformance
