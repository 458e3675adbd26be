// A burst of sessions through the proxy (docs/spec.md PROXY-013): RL rollouts
// open all their environments at once, and a proxy that starts every backend
// at the same moment can lose half of them to missed readiness deadlines.
// The check opens as many sessions as the proxy's --max-envs allows (capped at
// kBurstCap) at the same moment and requires every one of them to work.
#include <algorithm>
#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/core/context.hpp"
#include "conformance/core/runner.hpp"
#include "harness/mcp/client.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;

// The most sessions the burst opens: enough to overlap many backend starts,
// few enough for a check (each one a backend process of the proxy's).
constexpr int kBurstCap = 32;
// Sessions opened when the profile gives no max_envs.
constexpr int kBurstWithoutLimit = 16;
constexpr std::uint64_t kSeedBurst = 60900;  // + i

// What one session of the burst needs to work with: copied for its thread,
// which may not touch the Context (not thread-safe) beyond sessions_opened.
struct BurstPlan {
  std::string url;
  std::string tool;
  std::string action;
  harness::ControlPlaneForm form = harness::ControlPlaneForm::kResources;
  std::chrono::milliseconds timeout{0};
};

// One session: initialize at the common start, one move, one control-plane
// read; it stays open until `all_done`, so the proxy holds the whole burst at
// once. The problem, or "" when the session worked.
std::string burst_session(const BurstPlan& plan, int index, std::latch& start, std::latch& all_done,
                          std::atomic<int>& opened, Context& ctx, int total) {
  harness::ClientOptions options;
  options.timeout = plan.timeout;
  auto client = harness::connect_http(plan.url, options);
  start.arrive_and_wait();
  std::string problem;
  if (!client) {
    problem = "no client: " + client.error();
  } else if (auto init = (*client)->initialize(json{{"seed", kSeedBurst + index}}); !init) {
    problem = "initialize failed: " + excerpt(init.error().message(), 300);
  } else {
    ctx.sessions_opened(++opened, total);
    auto moved = (*client)->call_tool(plan.tool, json{{"action", plan.action}});
    auto status = plan.form == harness::ControlPlaneForm::kResources
                      ? (*client)->read_resource("control://status")
                      : (*client)->read_control_http("status");
    if (!moved) {
      problem = plan.tool + " failed: " + excerpt(moved.error().message(), 300);
    } else if (moved->value("isError", false)) {
      problem = plan.tool + " was a tool error: " + excerpt(moved->dump(), 300);
    } else if (!status) {
      problem = "the control plane's status failed: " + excerpt(status.error().message(), 300);
    }
  }
  all_done.arrive_and_wait();
  if (client) (void)(*client)->close();
  return problem;
}

Outcome burst_of_sessions(Context& ctx) {
  const int count = std::min(ctx.profile().max_envs.value_or(kBurstWithoutLimit), kBurstCap);
  const std::string n = std::to_string(count);
  const std::string expected = n +
                               " sessions opened at the same moment (the profile's max_envs, at "
                               "most " +
                               std::to_string(kBurstCap) +
                               ") all initialize, take a step and read the control plane";
  const GameDriver& game = ctx.game();
  const BurstPlan plan{ctx.url(), game.tool(), game.actions().front(), episode::form_for(ctx),
                       // Each initialize may wait behind the others' backend starts.
                       ctx.call_timeout + count * kBackendStartAllowance};
  std::latch start(count);
  std::latch all_done(count);
  std::atomic<int> opened{0};
  std::vector<std::string> problems(static_cast<std::size_t>(count));
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < count; ++i) {
      threads.emplace_back([&, i] {
        problems[static_cast<std::size_t>(i)] =
            burst_session(plan, i, start, all_done, opened, ctx, count);
      });
    }
  }
  std::vector<std::string> failed;
  for (int i = 0; i < count; ++i) {
    const std::string& p = problems[static_cast<std::size_t>(i)];
    if (!p.empty()) {
      failed.push_back("session " + std::to_string(i + 1) + " (seed " +
                       std::to_string(kSeedBurst + i) + "): " + p);
    }
  }
  ctx.note(std::to_string(count) + " sessions opened at once; " + std::to_string(failed.size()) +
           " failed");
  if (!failed.empty()) {
    std::string actual = std::to_string(failed.size()) + " of " + n +
                         " sessions opened at the same moment failed; the first: " + failed.front();
    for (std::size_t i = 1; i < failed.size() && i < 3; ++i)
      ctx.note(failed[i]);
    return Outcome::broken(expected, actual);
  }
  return Outcome::held(expected, "all " + n + " sessions opened at the same moment worked");
}

}  // namespace

std::vector<Check> proxy_burst_checks() {
  // PROXY-013: "Every `initialize` within `--max-envs` live sessions succeeds, also when they
  // all arrive at the same moment ..."
  Check burst = episode::must_check(
      "proxy-forwarding.burst-of-sessions", "PROXY-013",
      "Every `initialize` within `--max-envs` live sessions succeeds, also when they all arrive "
      "at the same moment",
      {.kinds = {ProfileKind::kProxy},
       .features = {},
       .control = {},
       .transport = Transport::kHttp},
      burst_of_sessions,
      // Sessions other checks left open would count against the limit.
      /*fresh_process=*/true);
  burst.sessions = kBurstCap;
  return {burst};
}

}  // namespace mcpgym::conformance
