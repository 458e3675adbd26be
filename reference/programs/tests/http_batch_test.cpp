// HTTP-014: JSON-RPC batches by negotiated protocol version.
#include <gtest/gtest.h>

#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpBatch = HttpFixture;

std::string batch_rejected(const std::string& version) {
  return "[mcpgym.rpc.batch_rejected] Invalid Request: JSON-RPC batches are not supported in "
         "protocol version " +
         version + " (MCP removed them in 2025-06-18); send one message per request";
}

json ok(const json& id, const json& result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", result}};
}

TEST_F(HttpBatch, BatchIsRejectedIn20250618Session_HTTP014) {
  auto client = Client();
  const std::string session = open(client, nullptr, "2025-06-18");
  json batch = json::array({rpc_request(1, "ping"), rpc_request(2, "tools/list")});
  EXPECT_TRUE(
      IsRejection(post_json(client, batch, session), 400, -32600, batch_rejected("2025-06-18")));
}

TEST_F(HttpBatch, BatchIsRejectedIn20251125SessionAndChangesNothing_HTTP014) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(1, classic_config()), "2025-11-25");
  json move =
      rpc_request(1, "tools/call", {{"name", "lake_move"}, {"arguments", {{"action", "RIGHT"}}}});
  EXPECT_TRUE(IsRejection(post_json(client, json::array({move}), session), 400, -32600,
                          batch_rejected("2025-11-25")));
  EXPECT_EQ(read_payload(client, session, "control://status")["step_count"], 0);
}

TEST_F(HttpBatch, BatchIsRejectedInASessionNegotiatedFromAnUnknownVersion_HTTP014) {
  auto client = Client();
  const std::string session = open(client, nullptr, "2024-11-05");
  EXPECT_TRUE(IsRejection(post_json(client, json::array({rpc_request(1, "ping")}), session), 400,
                          -32600, batch_rejected("2025-11-25")));
}

TEST_F(HttpBatch, BatchIsProcessedInOrderIn20250326Session_HTTP014) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(3, classic_config()), "2025-03-26");
  const auto move = [](const json& id, const char* action) {
    return rpc_request(id, "tools/call",
                       {{"name", "lake_move"}, {"arguments", {{"action", action}}}});
  };
  json batch = json::array({move(1, "RIGHT"), rpc_notification("notifications/initialized"),
                            move("two", "RIGHT"), rpc_request(3, "ping"),
                            rpc_request(4, "resources/read", {{"uri", "control://status"}})});
  const auto exchange = post_json(client, batch, session);
  ASSERT_EQ(exchange.status, 200) << describe(exchange);
  EXPECT_EQ(exchange.header("Content-Type"), "application/json");
  json answers = parse_body(exchange);
  ASSERT_TRUE(answers.is_array()) << describe(exchange);
  ASSERT_EQ(answers.size(), 4U) << describe(exchange);
  EXPECT_EQ(answers[0]["id"], 1);
  EXPECT_EQ(answers[0]["result"]["structuredContent"],
            json({{"position", 1}, {"grid", "SPFF\nFHFH\nFFFH\nHFFG"}, {"action", "RIGHT"}}));
  EXPECT_EQ(answers[1]["id"], "two");
  EXPECT_EQ(answers[1]["result"]["structuredContent"]["position"], 2);
  EXPECT_EQ(answers[2], ok(3, json::object()));
  EXPECT_EQ(answers[3]["id"], 4);
  EXPECT_EQ(
      json::parse(answers[3]["result"]["contents"][0]["text"].get<std::string>()),
      json(
          {{"terminated", false}, {"truncated", false}, {"step_count", 2}, {"total_reward", 0.0}}));
}

TEST_F(HttpBatch, AllNotificationBatchIs202WithNoBody_HTTP014) {
  auto client = Client();
  const std::string session = open(client, nullptr, "2025-03-26");
  EXPECT_TRUE(IsAccepted202(post_json(client,
                                      json::array({rpc_notification("notifications/initialized"),
                                                   rpc_notification("notifications/whatever")}),
                                      session)));
}

TEST_F(HttpBatch, ResponsesOnlyBatchIs202WithNoBody_HTTP014) {
  auto client = Client();
  const std::string session = open(client, nullptr, "2025-03-26");
  EXPECT_TRUE(IsAccepted202(post_json(
      client,
      json::array({{{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}},
                   {{"jsonrpc", "2.0"}, {"id", 2}, {"error", {{"code", 1}, {"message", "x"}}}}}),
      session)));
}

TEST_F(HttpBatch, EmptyBatchIs400InvalidRequest_HTTP014) {
  auto client = Client();
  const std::string session = open(client, nullptr, "2025-03-26");
  EXPECT_TRUE(IsRejection(post_text(client, "[]", post_headers(session)), 400, -32600,
                          "[mcpgym.rpc.invalid_request] Invalid Request: an empty batch"));
}

// Reference order: the version check comes before the emptiness check.
TEST_F(HttpBatch, EmptyBatchIn20250618SessionIsABatchRejection_HTTP014) {
  auto client = Client();
  const std::string session = open(client, nullptr, "2025-06-18");
  EXPECT_TRUE(IsRejection(post_text(client, "[]", post_headers(session)), 400, -32600,
                          batch_rejected("2025-06-18")));
}

TEST_F(HttpBatch, InitializeInsideABatchIsAnErrorElement_HTTP014) {
  auto client = Client();
  const std::string session = open(client, nullptr, "2025-03-26");
  const auto exchange = post_json(
      client, json::array({initialize_request(7, "2025-03-26"), rpc_request(8, "ping")}), session);
  ASSERT_EQ(exchange.status, 200) << describe(exchange);
  EXPECT_EQ(parse_body(exchange),
            json::array({error_body(7, -32600,
                                    "[mcpgym.rpc.invalid_request] Invalid Request: initialize "
                                    "must not be part of a batch"),
                         ok(8, json::object())}));
  EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
}

TEST_F(HttpBatch, InvalidElementsAreErrorElements_HTTP014) {
  auto client = Client();
  const std::string session = open(client, nullptr, "2025-03-26");
  const auto exchange = post_text(
      client,
      R"([42, {"jsonrpc":"1.0","id":"x","method":"ping"}, {"jsonrpc":"2.0","id":9,"method":"ping"}])",
      post_headers(session));
  ASSERT_EQ(exchange.status, 200) << describe(exchange);
  EXPECT_EQ(parse_body(exchange),
            json::array({error_body(nullptr, -32600,
                                    "[mcpgym.rpc.invalid_request] Invalid Request: a JSON-RPC "
                                    "message must be an object, got number"),
                         error_body("x", -32600,
                                    "[mcpgym.rpc.invalid_request] Invalid Request: \"jsonrpc\" "
                                    "must be \"2.0\""),
                         ok(9, json::object())}));
}

TEST_F(HttpBatch, BatchWithoutSessionHeaderIs400_HTTP014) {
  auto client = Client();
  EXPECT_TRUE(IsRejection(post_json(client, json::array({rpc_request(1, "ping")})), 400, -32000,
                          "[mcpgym.http.missing_session] Bad Request: missing Mcp-Session-Id "
                          "header; send the id returned by initialize, or initialize first"));
}

}  // namespace
}  // namespace mcpgym::wiretest
