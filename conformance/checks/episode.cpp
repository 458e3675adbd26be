#include "conformance/checks/episode.hpp"

#include <utility>

#include "common/bounded_json.hpp"
#include "common/text.hpp"

namespace mcpgym::conformance::episode {

std::string show(const json& value, std::size_t max) {
  return excerpt(value.dump(), max);
}

std::string str_at(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                : std::string();
}
bool true_at(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
}

// ---------------------------------------------------------------------------
// Lake

Expected<Lake, std::string> Lake::open(Context& ctx, const json& extra, bool note) {
  auto client = ctx.session(extra);
  if (!client) return unexpected(client.error());
  if (note) ctx.note("initialize with _extra " + show(extra));
  return Lake(ctx, std::move(*client));
}

Lake::Lake(Context& ctx, std::unique_ptr<harness::McpClient> client)
    : client_(std::move(client)),
      resources_(ctx.profile().offers(ControlPlane::kResources)),
      tool_(ctx.game().tool()) {}

Lake::~Lake() {
  if (client_) (void)client_->close();
}

Expected<json, std::string> Lake::initial_state() {
  auto r = client_->read_resource("game://initial_state");
  if (!r) return unexpected(r.error().message());
  return *r;
}

Expected<json, std::string> Lake::control(const std::string& name) {
  auto r =
      resources_ ? client_->read_resource("control://" + name) : client_->read_control_http(name);
  if (!r) return unexpected(r.error().message());
  return *r;
}

Expected<Lake::Move, std::string> Lake::move(const std::string& action) {
  auto r = client_->call_tool(tool_, {{"action", action}});
  if (!r) return unexpected(r.error().message());
  Move m;
  m.raw = *r;
  m.is_error = true_at(*r, "isError");
  if (r->is_object() && r->contains("content") && (*r)["content"].is_array()) {
    for (const auto& block : (*r)["content"]) {
      if (block.is_object() && str_at(block, "type") == "text" && block.contains("text") &&
          block["text"].is_string()) {
        m.text = block["text"].get<std::string>();
        break;
      }
    }
  }
  m.observation = parse_json_or_discarded(m.text);
  return m;
}

json Lake::Move::summary() const {
  return json{{"isError", is_error},
              {"observation", observation.is_discarded() ? json(text) : observation}};
}

// ---------------------------------------------------------------------------
// Connectors and rollouts

Expected<std::unique_ptr<harness::McpClient>, std::string> new_client(Context& ctx,
                                                                      std::mutex& mutex) {
  // Over stdio the context launches a process per client, one at a time; over
  // HTTP it only connects, so rollouts' clients connect at once. Either way the
  // context's options hold (the call timeout, the convention's keys).
  std::unique_lock lock(mutex, std::defer_lock);
  if (ctx.profile().launch == LaunchMode::kStdio) lock.lock();
  return ctx.client();
}

Expected<std::unique_ptr<harness::McpClient>, std::string> ContextConnector::connect(
    int, const harness::EnvironmentSpec&) {
  return new_client(ctx_, mutex_);
}

harness::ControlPlaneForm form_for(const Context& ctx) {
  return ctx.profile().offers(ControlPlane::kResources) ? ControlPlane::kResources
                                                        : ControlPlane::kHttp;
}

harness::RolloutOptions rollout_options(const Context& ctx, int max_steps, bool record) {
  harness::RolloutOptions options;
  options.max_steps = max_steps;
  options.control_plane = form_for(ctx);
  options.record = record;
  return options;
}

// ---------------------------------------------------------------------------
// Checks

Needs gym_needs(std::set<Feature> features) {
  return Needs{.kinds = kGymKinds, .features = std::move(features), .control = {}, .transport = {}};
}

Needs model_needs(std::set<Feature> features) {
  Needs needs = gym_needs(std::move(features));
  needs.model = true;
  needs.games = {"frozenlake"};
  return needs;
}

Check must_check(std::string id, std::string spec_id, std::string rule, Needs needs,
                 std::function<Outcome(Context&)> run, bool fresh_process) {
  return Check{.id = std::move(id),
               .spec_id = std::move(spec_id),
               .level = Level::kMust,
               .rule = std::move(rule),
               .needs = std::move(needs),
               .fresh_process = fresh_process,
               .run = std::move(run)};
}

}  // namespace mcpgym::conformance::episode
