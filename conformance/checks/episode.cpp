#include "conformance/checks/episode.hpp"

#include <deque>
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
    : client_(std::move(client)), resources_(ctx.profile().offers(ControlPlane::kResources)) {}

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
  auto r = client_->call_tool("lake_move", {{"action", action}});
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
  if (ctx.profile().launch == LaunchMode::kStdio) {
    std::lock_guard lock(mutex);
    return ctx.client();
  }
  harness::ClientOptions options;
  options.timeout = ctx.call_timeout;
  return harness::connect_http(ctx.url(), options);
}

Expected<std::unique_ptr<harness::McpClient>, std::string> ContextConnector::connect(
    int, const harness::EnvironmentSpec&) {
  return new_client(ctx_, mutex_);
}

harness::ControlPlaneForm form_for(const Context& ctx) {
  return ctx.profile().offers(ControlPlane::kResources) ? harness::ControlPlaneForm::kResources
                                                        : harness::ControlPlaneForm::kHttp;
}

harness::RolloutOptions rollout_options(const Context& ctx, int max_steps, bool record) {
  harness::RolloutOptions options;
  options.max_steps = max_steps;
  options.control_plane = form_for(ctx);
  options.record = record;
  return options;
}

// ---------------------------------------------------------------------------
// Maps

std::vector<std::string> snake_map(int k) {
  static const int kSnake[] = {0, 1, 2, 3, 7, 11, 10, 9, 8, 12};
  std::vector<std::string> rows = {"SFFF", "HHHF", "FFFF", "FHHH"};
  const int goal = kSnake[k];
  rows[goal / 4][goal % 4] = 'G';
  return rows;
}

std::optional<Plan> plan_path(const std::vector<std::string>& rows, int start, char target) {
  const int n = static_cast<int>(rows.size());
  if (start < 0 || start >= n * n) return std::nullopt;
  auto cell = [&](int p) { return rows[p / n][p % n]; };
  std::vector<int> from(static_cast<std::size_t>(n * n), -1), how(from.size(), -1);
  std::vector<bool> seen(from.size(), false);
  std::deque<int> frontier = {start};
  seen[start] = true;
  while (!frontier.empty()) {
    const int p = frontier.front();
    frontier.pop_front();
    if (p != start && cell(p) == target) {
      Plan plan;
      for (int q = p; q != start; q = from[q]) {
        plan.actions.insert(plan.actions.begin(), kActions[how[q]]);
        plan.cells.insert(plan.cells.begin(), q);
      }
      return plan;
    }
    if (p != start && cell(p) == 'H') continue;
    const int r = p / n, c = p % n;
    const int next[4][2] = {{r, c - 1}, {r + 1, c}, {r, c + 1}, {r - 1, c}};
    for (int a = 0; a < 4; ++a) {
      const int rr = next[a][0], cc = next[a][1];
      if (rr < 0 || rr >= n || cc < 0 || cc >= n) continue;
      const int q = rr * n + cc;
      if (seen[q]) continue;
      seen[q] = true;
      from[q] = p;
      how[q] = a;
      frontier.push_back(q);
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Checks

Needs gym_needs(std::set<Feature> features) {
  return Needs{.kinds = kGymKinds, .features = std::move(features), .control = {}, .transport = {}};
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
