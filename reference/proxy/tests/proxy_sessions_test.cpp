// mcpgym-proxy end to end with the reference backend behind it: one backend
// per session, rollouts equal to the same rollouts sent straight to a backend,
// isolation, the proxy's own session ids, _extra both ways, and forwarding to
// an SSE-answering backend (docs/spec.md PROXY-001..005, SESS-001, SESS-008).
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "games/frozenlake/frozen_lake.hpp"
#include "harness/record/recording.hpp"
#include "harness/rollout/policy.hpp"
#include "harness/rollout/rollout.hpp"
#include "harness/rollout/tests/model_oracle.hpp"
#include "harness/rollout/tests/spy_connector.hpp"
#include "reference/proxy/tests/support.hpp"

namespace mcpgym::proxy::testing {
namespace {

using harness::EnvironmentSpec;
using harness::RolloutOptions;
using harness::run_rollout;

// The reference backend as the proxy's --backend template.
std::string frozenlake_template(const std::string& more = "") {
  return "'" + kFrozenLakeBin + "' --port {port}" + more;
}

// The reference backend started straight by the supervisor, for comparisons.
std::unique_ptr<harness::Process> start_direct_backend(const fs::path& logs,
                                                       const std::string& more = "") {
  harness::LaunchSpec spec;
  spec.command = word(kFrozenLakeBin) + " --port {port}" + more;
  spec.name = "direct-backend";
  spec.log_directory = logs;
  auto process = harness::launch(spec);
  EXPECT_TRUE(process.has_value()) << process.error();
  return process ? std::move(*process) : nullptr;
}

RolloutOptions max_steps(int steps) {
  RolloutOptions options;
  options.max_steps = steps;
  return options;
}

// Every environment's recorded steps equal what the pure model says.
void ExpectMatchesModel(const harness::RolloutResult& result, const harness::PolicyFactory& policy,
                        int steps) {
  for (const auto& env : result.envs) {
    SCOPED_TRACE(env.describe());
    ASSERT_FALSE(env.error);
    const auto expected =
        harness::testing_oracle::expected_episode(env.seed, policy, env.env_index, steps);
    ASSERT_EQ(env.steps, static_cast<int>(expected.size()));
    ASSERT_EQ(env.lines.size(), expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const json& tool = env.lines[k].messages.back();
      EXPECT_EQ(env.lines[k].step, static_cast<int>(k + 1));
      EXPECT_EQ(tool["metadata"]["control_plane"],
                (json{{"reward", expected[k].reward},
                      {"terminated", expected[k].terminated},
                      {"truncated", expected[k].truncated},
                      {"step", static_cast<int>(k + 1)},
                      {"total_reward", expected[k].total_reward}}))
          << "step " << k + 1;
      EXPECT_EQ(json::parse(tool["content"].get<std::string>())["position"], expected[k].position)
          << "step " << k + 1;
    }
    EXPECT_EQ(env.terminated, expected.back().terminated);
    EXPECT_EQ(env.truncated, expected.back().truncated);
  }
}

// A request's result, or its error message (so a failure shows why).
json result_or_error(const harness::Result<json>& result) {
  return result ? *result : json(result.error().message());
}

class ProxySessions : public ProxyTest {};

TEST_F(ProxySessions, SixteenEnvironmentsEndAtTheirOwnStepsLikeOneBackend_PROXY001_PROXY005) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  const auto policy = *harness::scripted_policy("RRDDRD");
  std::vector<EnvironmentSpec> envs;
  for (std::uint64_t seed = 0; seed < 16; ++seed)
    envs.push_back({seed, json::object()});

  harness::testing_spy::SpyConnector spy(harness::url_connector(proxy->url()));
  const auto proxied = run_rollout(spy, envs, policy, max_steps(12));
  for (const auto& env : proxied.envs)
    ASSERT_FALSE(env.error) << env.describe();
  ExpectMatchesModel(proxied, policy, 12);

  std::set<int> end_steps;
  int goals = 0, early_holes = 0, total_steps = 0;
  for (const auto& env : proxied.envs) {
    end_steps.insert(env.steps);
    total_steps += env.steps;
    EXPECT_TRUE(env.terminated) << env.describe();
    if (env.total_reward == 1.0) ++goals;
    if (env.terminated && env.total_reward == 0.0 && env.steps <= 2) ++early_holes;
    // One recorded line per step: more than one where the episode lasted longer.
    EXPECT_EQ(env.lines.size(), static_cast<std::size_t>(env.steps)) << env.describe();
  }
  EXPECT_GE(end_steps.size(), 3U) << "environments should end at different steps";
  EXPECT_GT(goals, 0) << "some environment should reach the goal";
  EXPECT_GT(early_holes, 0) << "some environment should fall into a hole at step 1 or 2";
  EXPECT_GT(*end_steps.rbegin(), 1);
  EXPECT_EQ(spy.observed.tool_calls_after_end, 0);
  EXPECT_EQ(spy.observed.tool_calls, total_steps);

  // The same rollout straight to one backend records the same thing.
  auto direct = start_direct_backend(dir() / "direct");
  ASSERT_TRUE(direct);
  auto connector = harness::url_connector(direct->url());
  const auto straight = run_rollout(*connector, envs, policy, max_steps(12));
  ASSERT_TRUE(straight.ok());
  const auto divergence = harness::compare_recordings(straight.recording(), proxied.recording());
  EXPECT_FALSE(divergence) << divergence->describe();
  // Every session ended (the rollout DELETEs it), and its backend with it.
  EXPECT_EQ(proxy->backends(), std::vector<pid_t>{});
}

// A seed on which RIGHT, then DOWN, and DOWN alone, are safe, non-terminal moves.
std::uint64_t seed_with_safe_moves() {
  for (std::uint64_t seed = 0;; ++seed) {
    auto map = *frozenlake::generate_random_map(4, 0.8, seed);
    frozenlake::FrozenLake a(map, false, std::nullopt, seed);
    frozenlake::FrozenLake b(map, false, std::nullopt, seed);
    const auto r1 = a.step(frozenlake::Action::kRight);
    const auto r2 = a.step(frozenlake::Action::kDown);
    const auto r3 = b.step(frozenlake::Action::kDown);
    if (!r1.terminated && !r2.terminated && !r3.terminated && r1.position != r3.position) {
      return seed;
    }
  }
}

TEST_F(ProxySessions, TwoSessionsOnTheSameSeedAreIsolated_SESS008_PROXY001) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  const std::uint64_t seed = seed_with_safe_moves();
  frozenlake::FrozenLake model_a(*frozenlake::generate_random_map(4, 0.8, seed), false,
                                 std::nullopt, seed);
  frozenlake::FrozenLake model_b = model_a;

  auto a = proxy->client();
  auto b = proxy->client();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->initialize({{"seed", seed}}).has_value());
  const auto before = proxy->backends();
  ASSERT_TRUE(b->initialize({{"seed", seed}}).has_value());
  EXPECT_EQ(proxy->backends().size(), 2U) << "one backend process per session";
  EXPECT_NE(a->session_id(), b->session_id());

  const auto initial_a = a->read_resource("game://initial_state");
  const auto initial_b = b->read_resource("game://initial_state");
  ASSERT_TRUE(initial_a && initial_b);
  EXPECT_EQ(*initial_a, *initial_b) << "the same seed gives the same start";

  // Two moves in A.
  for (auto [action, name] : {std::pair{frozenlake::Action::kRight, "RIGHT"},
                              std::pair{frozenlake::Action::kDown, "DOWN"}}) {
    const auto moved = a->call_tool("lake_move", {{"action", name}});
    ASSERT_TRUE(moved) << moved.error().message();
    EXPECT_EQ(moved->at("structuredContent")["position"], model_a.step(action).position);
  }
  // B has not moved: step 0 in both control-plane forms, at the start.
  const auto status_b = b->read_resource("control://status");
  ASSERT_TRUE(status_b) << status_b.error().message();
  EXPECT_EQ((*status_b)["step_count"], 0);
  const auto http_status_b = b->read_control_http("status");
  ASSERT_TRUE(http_status_b) << http_status_b.error().message();
  EXPECT_EQ(*http_status_b, *status_b);
  EXPECT_EQ(b->read_resource("control://reward")->at("step_count"), 0);
  // B's first move starts from the start cell, not from where A is.
  const auto moved_b = b->call_tool("lake_move", {{"action", "DOWN"}});
  ASSERT_TRUE(moved_b) << moved_b.error().message();
  EXPECT_EQ(moved_b->at("structuredContent")["position"],
            model_b.step(frozenlake::Action::kDown).position);
  // ... and A is where its own two moves left it.
  EXPECT_EQ(a->read_control_http("status")->at("step_count"), 2);
  EXPECT_EQ(a->read_resource("control://status")->at("step_count"), 2);
  EXPECT_EQ(b->read_resource("control://status")->at("step_count"), 1);
  EXPECT_EQ(result_or_error(a->request("ping", nullptr)), json::object());
  EXPECT_EQ(result_or_error(b->request("ping", nullptr)), json::object());
}

TEST_F(ProxySessions, SessionIdsAreTheProxysOwnUuids_PROXY002_SESS003_SESS012) {
  // --log-level debug makes each backend log its own session ids.
  auto proxy = start_proxy({"--backend", frozenlake_template(" --log-level debug")});
  ASSERT_TRUE(proxy) << proxy.error();
  const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  constexpr int kSessions = 50;
  std::set<std::string> proxy_ids;
  std::string everything_seen;  // every header and body the client got
  for (int i = 0; i < kSessions; ++i) {
    const auto answer = raw_initialize(proxy->url(), {{"seed", i}});
    ASSERT_TRUE(answer) << answer.error();
    ASSERT_EQ(answer->status, 200) << answer->body;
    const std::string id = answer->header("Mcp-Session-Id");
    EXPECT_TRUE(std::regex_match(id, uuid_v4)) << id;
    proxy_ids.insert(id);
    for (const auto& [name, value] : answer->headers)
      everything_seen += name + ": " + value + "\n";
    everything_seen += answer->body + "\n";
  }
  EXPECT_EQ(proxy_ids.size(), static_cast<std::size_t>(kSessions)) << "session ids repeat";
  EXPECT_EQ(proxy->backends().size(), static_cast<std::size_t>(kSessions));

  // The backends' own ids, from their logs: none is a proxy id, none reached the client.
  const std::regex created("session (\\S+) created");
  std::set<std::string> backend_ids;
  for (int i = 0; i < kSessions; ++i) {
    const std::string log =
        read_file(proxy->backend_logs / ("backend-" + std::to_string(i) + ".stderr.log"));
    std::smatch match;
    ASSERT_TRUE(std::regex_search(log, match, created)) << "backend " << i << " log:\n" << log;
    backend_ids.insert(match[1].str());
  }
  EXPECT_EQ(backend_ids.size(), static_cast<std::size_t>(kSessions));
  for (const auto& backend_id : backend_ids) {
    EXPECT_EQ(proxy_ids.count(backend_id), 0U) << backend_id;
    EXPECT_EQ(everything_seen.find(backend_id), std::string::npos)
        << "the backend's session id " << backend_id << " reached the client";
  }
  const auto status = proxy->terminate();
  ASSERT_TRUE(status) << "the proxy did not stop within 10 s of SIGTERM with 50 sessions";
  EXPECT_EQ(*status, (ExitStatus{false, 0}));
}

TEST_F(ProxySessions, ExtraSeedReachesTheBackendBothWays_PROXY003) {
  auto proxy = start_proxy({"--backend", frozenlake_template(" --seed {seed}")});
  ASSERT_TRUE(proxy) << proxy.error();
  {
    auto client = proxy->client();
    ASSERT_TRUE(client->initialize({{"seed", 7}}).has_value());
    const auto initial = client->read_resource("game://initial_state");
    ASSERT_TRUE(initial) << initial.error().message();
    EXPECT_EQ((*initial)["seed"], 7);
  }
  {
    auto client = proxy->client();
    ASSERT_TRUE(client->initialize(json::object()).has_value());
    const auto initial = client->read_resource("game://initial_state");
    ASSERT_TRUE(initial) << initial.error().message();
    ASSERT_TRUE((*initial)["seed"].is_number_unsigned()) << initial->dump();
    EXPECT_LE((*initial)["seed"].get<std::uint64_t>(), kMaxSeed);
  }
}

TEST_F(ProxySessions, ABadSeedIsTheBackendsOwnErrorAndNoSession_PROXY003_PROXY005_SESS001) {
  auto proxy = start_proxy({"--backend", frozenlake_template(" --seed {seed}")});
  ASSERT_TRUE(proxy) << proxy.error();
  auto direct = start_direct_backend(dir() / "direct");
  ASSERT_TRUE(direct);
  for (const json& seed : {json(-1), json(kMaxSeed + 1), json(7.5), json("7")}) {
    SCOPED_TRACE("seed " + seed.dump());
    const auto answer = raw_initialize(proxy->url(), {{"seed", seed}});
    ASSERT_TRUE(answer) << answer.error();
    EXPECT_EQ(answer->status, 200);
    EXPECT_FALSE(answer->has_header("Mcp-Session-Id"));
    const json body = json::parse(answer->body, nullptr, false);
    const json expected_error = {
        {"code", -32602},
        {"message",
         "[mcpgym.config.invalid_seed] Invalid params: clientInfo._extra.seed must be an integer "
         "from 0 to 9007199254740991 (2^53-1); got " +
             seed.dump()},
        {"data", {{"key", "clientInfo._extra.seed"}}}};
    EXPECT_EQ(body, (json{{"jsonrpc", "2.0"}, {"id", 1}, {"error", expected_error}}));
    // Exactly what the backend answers by itself.
    const auto straight = raw_initialize(direct->url(), {{"seed", seed}});
    ASSERT_TRUE(straight) << straight.error();
    EXPECT_EQ(json::parse(straight->body, nullptr, false), body);
    EXPECT_EQ(proxy->backends(), std::vector<pid_t>{}) << "the refused session's backend runs on";
  }
}

// A backend that records its arguments shows the {seed} and {config}
// placeholders: the same seed as in its initialize, drawn by the proxy when
// the client gives none.
TEST_F(ProxySessions, PlaceholdersCarryTheSameSeedAndConfigAsInitialize_PROXY003) {
  const fs::path script = dir() / "record-args.sh";
  write_file(script,
             "printf '%s\\t%s\\t%s\\n' \"$1\" \"$2\" \"$3\" >> \"$(dirname \"$0\")/args.log\"\n"
             "exec '" +
                 kFrozenLakeBin + "' --port \"$1\" --seed \"$2\"\n");
  auto proxy =
      start_proxy({"--backend", "/bin/sh '" + script.string() + "' {port} {seed} {config}"});
  ASSERT_TRUE(proxy) << proxy.error();
  const json config = {{"map_name", "8x8"}};
  json seeds = json::array();
  for (const json& extra : {json{{"seed", 7}, {"config", config}}, json::object()}) {
    auto client = proxy->client();
    ASSERT_TRUE(client->initialize(extra).has_value());
    const auto initial = client->read_resource("game://initial_state");
    ASSERT_TRUE(initial) << initial.error().message();
    seeds.push_back((*initial)["seed"]);
    EXPECT_EQ((*initial)["size"], extra.contains("config") ? 8 : 4);
  }
  EXPECT_EQ(seeds[0], 7);
  ASSERT_TRUE(seeds[1].is_number_unsigned());
  EXPECT_LE(seeds[1].get<std::uint64_t>(), kMaxSeed);
  const std::string log = read_file(dir() / "args.log");
  const std::regex line("(\\d+)\\t(\\d+)\\t(.*)");
  std::vector<std::vector<std::string>> calls;
  std::istringstream lines(log);
  for (std::string text; std::getline(lines, text);) {
    std::smatch match;
    ASSERT_TRUE(std::regex_match(text, match, line)) << text;
    calls.push_back({match[2].str(), match[3].str()});
  }
  ASSERT_EQ(calls.size(), 2U) << log;
  EXPECT_EQ(calls[0], (std::vector<std::string>{"7", config.dump()}));
  EXPECT_EQ(calls[1], (std::vector<std::string>{seeds[1].dump(), "{}"}));
}

TEST_F(ProxySessions, ABackendAnsweringSseWorksThroughTheProxy_PROXY004) {
  auto proxy = start_proxy({"--backend", frozenlake_template(" --response-mode sse")});
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = proxy->client();
  const auto init = client->initialize({{"seed", 42}});
  ASSERT_TRUE(init) << init.error().message();
  EXPECT_EQ((*init)["serverInfo"]["name"], "mcpgym-proxy");
  const auto moved = client->call_tool("lake_move", {{"action", "DOWN"}});
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->value("isError", true), false) << moved->dump();
  EXPECT_EQ(moved->at("structuredContent")["action"], "DOWN");
  const auto status = client->read_resource("control://status");
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_EQ((*status)["step_count"], 1);
  const auto http_status = client->read_control_http("status");
  ASSERT_TRUE(http_status) << http_status.error().message();
  EXPECT_EQ(*http_status, *status);
  const auto initial = client->read_control_http("initial_state");
  ASSERT_TRUE(initial) << initial.error().message();
  EXPECT_EQ((*initial)["seed"], 42);
  EXPECT_EQ(result_or_error(client->request("ping", nullptr)), json::object());

  // A whole rollout through the SSE backend records what the pure model says.
  const auto policy = harness::shortest_path_policy();
  auto connector = harness::url_connector(proxy->url());
  const auto result =
      run_rollout(*connector, {{42, json::object()}, {5, json::object()}}, policy, max_steps(30));
  ExpectMatchesModel(result, policy, 30);
}

// The answers the client gets through the proxy are the backend's own:
// results and JSON-RPC errors alike, compared with a session straight to a backend.
TEST_F(ProxySessions, ListsAndErrorsComeFromTheBackendUnchanged_PROXY005) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  auto direct = start_direct_backend(dir() / "direct");
  ASSERT_TRUE(direct);
  auto via_proxy = proxy->client();
  auto straight = harness::connect_http(direct->url());
  ASSERT_TRUE(straight) << straight.error();
  ASSERT_TRUE(via_proxy->initialize({{"seed", 9}}).has_value());
  ASSERT_TRUE((*straight)->initialize({{"seed", 9}}).has_value());
  const std::vector<std::pair<std::string, json>> requests = {
      {"tools/list", nullptr},
      {"resources/list", nullptr},
      {"resources/templates/list", nullptr},
      {"ping", nullptr},
      {"tools/call", {{"name", "lake_move"}, {"arguments", {{"action", "sideways"}}}}},
      {"tools/call", {{"name", "lake_jump"}, {"arguments", json::object()}}},
      {"tools/call", {{"name", 5}}},
      {"resources/read", {{"uri", "control://nothing"}}},
      {"resources/read", {{"uri", "game://initial_state"}}},
      {"no/such/method", json::object()},
  };
  int errors = 0;
  for (const auto& [method, params] : requests) {
    SCOPED_TRACE(method + " " + params.dump());
    const auto a = via_proxy->request(method, params);
    const auto b = (*straight)->request(method, params);
    ASSERT_EQ(a.has_value(), b.has_value());
    if (a) {
      EXPECT_EQ(*a, *b);
    } else {
      ++errors;
      ASSERT_TRUE(b.error().rpc_error);
      EXPECT_EQ(rpc_error_of(a.error()), *b.error().rpc_error);
    }
  }
  EXPECT_EQ(errors, 4);
}

}  // namespace
}  // namespace mcpgym::proxy::testing
