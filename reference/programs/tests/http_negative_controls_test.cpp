// The HTTP server's testing-only options over real loopback HTTP: the
// new-session-per-request fault, lenient Accept, the audit observers
// (on_request, on_session), and the control-plane faults as GET /control/*
// shows them.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpNegativeControls = HttpFixture;

json move_request(const std::string& action) {
  return rpc_request(7, "tools/call", {{"name", "lake_move"}, {"arguments", {{"action", action}}}});
}

// The observation of a successful lake_move answer.
json observation_of(const HttpExchange& exchange) {
  const json body = parse_body(exchange);
  EXPECT_EQ(body["result"].value("isError", true), false) << body.dump();
  return body["result"]["structuredContent"];
}

TEST_F(HttpNegativeControls, WithoutTheFaultAPostStaysInItsSessionAndNamesNoOther_SESS007) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(3, classic_config()));
  const auto moved = post_json(client, move_request("DOWN"), session);
  EXPECT_FALSE(moved.has_header("Mcp-Session-Id")) << describe(moved);
  EXPECT_EQ(control_payload(client, session, "status")["step_count"], 1);
}

TEST_F(HttpNegativeControls, NewSessionPerRequestServesEveryPostFromAFreshSession) {
  auto options = test_server_options();
  options.new_session_per_request = true;
  Start({}, options);
  auto client = Client();
  const std::string original = open(client, seeded_extra(3, classic_config()));
  const std::size_t sessions_after_open = Server().sessions().size();

  const auto first = post_json(client, move_request("DOWN"), original);
  ASSERT_EQ(first.status, 200) << describe(first);
  const std::string fresh = first.header("Mcp-Session-Id");
  EXPECT_FALSE(fresh.empty());
  EXPECT_NE(fresh, original);
  EXPECT_EQ(observation_of(first)["position"], 4);
  EXPECT_EQ(Server().sessions().size(), sessions_after_open + 1);

  // The move happened in the fresh session, built like the original (same
  // seed and config); the original never moved and its id still works.
  EXPECT_EQ(control_payload(client, fresh, "status")["step_count"], 1);
  EXPECT_EQ(control_payload(client, original, "status")["step_count"], 0);
  EXPECT_EQ(control_payload(client, fresh, "initial_state"),
            control_payload(client, original, "initial_state"));

  // The state is lost at every POST: the same move again lands where the first did.
  const auto second = post_json(client, move_request("DOWN"), fresh);
  const std::string third_id = second.header("Mcp-Session-Id");
  EXPECT_NE(third_id, fresh);
  EXPECT_NE(third_id, original);
  EXPECT_EQ(observation_of(second)["position"], 4);
}

TEST_F(HttpNegativeControls, NewSessionPerRequestAlsoAppliesToNotificationsAndBatches) {
  auto options = test_server_options();
  options.new_session_per_request = true;
  Start({}, options);
  auto client = Client();
  const std::string original = open(client, seeded_extra(3), "2025-03-26");
  const auto notified = post_json(client, rpc_notification("notifications/initialized"), original);
  EXPECT_TRUE(IsAccepted202(notified));
  EXPECT_NE(notified.header("Mcp-Session-Id"), "");
  EXPECT_NE(notified.header("Mcp-Session-Id"), original);
  const auto batch = post_json(client, json::array({rpc_request(1, "ping")}), original);
  ASSERT_EQ(batch.status, 200) << describe(batch);
  EXPECT_NE(batch.header("Mcp-Session-Id"), "");
  EXPECT_NE(batch.header("Mcp-Session-Id"), original);
}

TEST_F(HttpNegativeControls, LenientAcceptTakesAnyAcceptHeader) {
  auto options = test_server_options();
  options.lenient_accept = true;
  Start({}, options);
  auto client = Client();
  for (const char* accept : {"application/json", "*/*", "text/html"}) {
    const auto exchange = post_text(client, initialize_request(1).dump(),
                                    {{"Accept", accept}, {"Content-Type", "application/json"}});
    EXPECT_EQ(exchange.status, 200) << accept << ": " << describe(exchange);
  }
  const auto without =
      post_text(client, initialize_request(1).dump(), {{"Content-Type", "application/json"}});
  EXPECT_EQ(without.status, 200) << describe(without);
  // Only the Accept check is relaxed.
  const auto wrong_type =
      post_text(client, initialize_request(1).dump(),
                {{"Accept", "application/json"}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(wrong_type.status, 415) << describe(wrong_type);
}

TEST_F(HttpNegativeControls, StrictAcceptByDefault_HTTP003) {
  auto client = Client();
  const auto exchange =
      post_text(client, initialize_request(1).dump(),
                {{"Accept", "application/json"}, {"Content-Type", "application/json"}});
  EXPECT_EQ(exchange.status, 406) << describe(exchange);
}

// What the observers saw, in order.
struct Observed {
  std::mutex mutex;
  std::vector<mcp::RequestRecord> requests;
  std::vector<std::pair<std::string, json>> sessions;  // id, initial_state

  std::vector<mcp::RequestRecord> requests_copy() {
    std::lock_guard lock(mutex);
    return requests;
  }
};

mcp::HttpServerOptions observed_by(Observed& observed) {
  auto options = test_server_options();
  options.on_request = [&observed](const mcp::RequestRecord& record) {
    std::lock_guard lock(observed.mutex);
    observed.requests.push_back(record);
  };
  options.on_session = [&observed](const std::string& id, mcp::Session& session) {
    std::lock_guard lock(observed.mutex);
    observed.sessions.emplace_back(id, session.read_control("initial_state").value());
  };
  return options;
}

std::string header_of(const mcp::RequestRecord& record, const std::string& name) {
  for (const auto& [key, value] : record.headers) {
    if (key == name) return value;
  }
  return "(absent)";
}

TEST_F(HttpNegativeControls, OnRequestSeesEveryRequestBeforeItIsAnswered) {
  Observed observed;
  Start({}, observed_by(observed));
  auto client = Client();
  const auto init = post_json(client, initialize_request(1, kLatestVersion, seeded_extra(42)));
  ASSERT_EQ(init.status, 200) << describe(init);
  const std::string session = init.header("Mcp-Session-Id");
  // Each request is recorded before its answer leaves, so it is there once the answer is.
  ASSERT_EQ(observed.requests_copy().size(), 1U);
  post_json(client, rpc_notification("notifications/initialized"), session);
  post_json(client, json::array({rpc_request(2, "ping")}), session);
  post_text(client, "{not json", post_headers(session));
  post_json(client, json{{"jsonrpc", "2.0"}, {"id", 5}, {"result", json::object()}}, session);
  get_control(client, "status", session);
  get(client, "/nowhere");
  send(client, {"PUT", "/mcp", {}, ""});
  delete_session(client, session);

  const auto records = observed.requests_copy();
  ASSERT_EQ(records.size(), 9U);
  const auto& first = records[0];
  EXPECT_EQ(first.method, "POST");
  EXPECT_EQ(first.path, "/mcp");
  EXPECT_EQ(first.rpc_method, "initialize");
  EXPECT_EQ(header_of(first, "accept"), "application/json, text/event-stream");
  EXPECT_EQ(header_of(first, "content-type"), "application/json");
  EXPECT_EQ(header_of(first, "mcp-session-id"), "(absent)");
  for (const auto& [name, value] : first.headers) {
    EXPECT_EQ(name.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), std::string::npos) << name;
    EXPECT_NE(name, "remote_addr");  // cpp-httplib's own entries are not received headers
  }
  EXPECT_EQ(records[1].rpc_method, "notifications/initialized");
  EXPECT_EQ(header_of(records[1], "mcp-session-id"), session);
  EXPECT_EQ(records[2].rpc_method, std::nullopt) << "a batch";
  EXPECT_EQ(records[3].rpc_method, std::nullopt) << "not JSON";
  EXPECT_EQ(records[4].rpc_method, std::nullopt) << "a response";
  EXPECT_EQ(records[5].method, "GET");
  EXPECT_EQ(records[5].path, "/control/status");
  EXPECT_EQ(records[5].rpc_method, std::nullopt);
  EXPECT_EQ(records[6].path, "/nowhere");
  EXPECT_EQ(records[7].method, "PUT");
  EXPECT_EQ(records[8].method, "DELETE");
  EXPECT_EQ(header_of(records[8], "mcp-session-id"), session);
}

TEST_F(HttpNegativeControls, OnRequestSeesRefusedRequestsToo) {
  Observed observed;
  Start({}, observed_by(observed));
  auto client = Client();
  const auto refused = post_text(client, initialize_request(1).dump(),
                                 {{"Accept", "application/json"}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(refused.status, 406);
  const auto records = observed.requests_copy();
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].rpc_method, "initialize");
  EXPECT_EQ(header_of(records[0], "accept"), "application/json");
}

TEST_F(HttpNegativeControls, OnRequestSeesAnOversizedPostOnce) {
  Observed observed;
  auto options = observed_by(observed);
  options.max_body_bytes = 1024;
  Start({}, options);
  auto client = Client();
  std::string body = initialize_request(1).dump();
  body.resize(4096, ' ');
  EXPECT_EQ(post_text(client, body, post_headers()).status, 413);
  const auto records = observed.requests_copy();
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].path, "/mcp");
  EXPECT_EQ(records[0].rpc_method, std::nullopt);  // the body was never read
}

TEST_F(HttpNegativeControls, OnSessionSeesEverySuccessfulInitializeOnly) {
  Observed observed;
  Start({}, observed_by(observed));
  auto client = Client();
  const std::string first = open(client, seeded_extra(42));
  post_json(client, initialize_request(1, kLatestVersion, {{"seed", -1}}));  // refused
  const std::string second = open(client, seeded_extra(7));
  std::lock_guard lock(observed.mutex);
  ASSERT_EQ(observed.sessions.size(), 2U);
  EXPECT_EQ(observed.sessions[0].first, first);
  EXPECT_EQ(observed.sessions[0].second["seed"], 42);
  EXPECT_EQ(observed.sessions[1].first, second);
  EXPECT_EQ(observed.sessions[1].second["seed"], 7);
}

TEST_F(HttpNegativeControls, StaleStatusFaultIsStaleOverTheHttpControlPlaneToo) {
  gym::GymAppOptions app;
  app.faults.stale_status = true;
  Start(app, test_server_options());
  auto client = Client();
  const std::string session = open(client, seeded_extra(3, classic_config()));
  lake_move(client, session, "DOWN");
  lake_move(client, session, "DOWN");
  EXPECT_EQ(control_payload(client, session, "status")["step_count"], 1);
  EXPECT_EQ(control_payload(client, session, "reward")["step_count"], 1);
  EXPECT_EQ(read_payload(client, session, "control://status")["step_count"], 1);
}

TEST_F(HttpNegativeControls, EmptyControlPlaneFaultIsEmptyOverTheHttpControlPlaneToo) {
  gym::GymAppOptions app;
  app.faults.empty_control_plane = true;
  Start(app, test_server_options());
  auto client = Client();
  const std::string session = open(client, seeded_extra(3, classic_config()));
  lake_move(client, session, "DOWN");
  for (const char* name : {"reward", "status", "info"}) {
    EXPECT_EQ(control_payload(client, session, name), json::object()) << name;
  }
  EXPECT_EQ(control_payload(client, session, "initial_state")["seed"], 3);
}

}  // namespace
}  // namespace mcpgym::wiretest
