// mcpgym-proxy against hostile clients (docs/spec.md HTTP-018, HTTP-020): it
// shares the backend's HTTP transport, so deep JSON is refused unparsed and
// half-open connections cost it no worker.
#include <gtest/gtest.h>

#include <vector>

#include "common/testing/raw_socket.hpp"
#include "reference/proxy/tests/support.hpp"

namespace mcpgym::proxy::testing {
namespace {

std::string frozenlake_template() {
  return "'" + kFrozenLakeBin + "' --port {port}";
}

class ProxyHostileClients : public ProxyTest {};

// Regression: the proxy died with SIGSEGV on a tools/call whose
// arguments.action was 100,000 nested arrays (a 200 KB body).
TEST_F(ProxyHostileClients, DeeplyNestedToolCallIs400AndTheProxyGoesOn_HTTP020) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  const auto init = raw_initialize(proxy->url(), {{"seed", 1}});
  ASSERT_TRUE(init) << init.error();
  const std::string session = init->header("Mcp-Session-Id");
  ASSERT_FALSE(session.empty());
  const std::string before =
      R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"lake_move","arguments":{"action":)";
  const std::string body = before + std::string(100'000, '[') + std::string(100'000, ']') + "}}}";
  harness::RawHttpClient http("127.0.0.1", port_of(proxy->url()), 10s);
  const auto answer = http.send({"POST", "/mcp", harness::mcp_post_headers(session), body});
  ASSERT_TRUE(answer) << answer.error();
  EXPECT_EQ(answer->status, 400);
  EXPECT_EQ(json::parse(answer->body, nullptr, false),
            (json{{"jsonrpc", "2.0"},
                  {"id", nullptr},
                  {"error",
                   {{"code", -32600},
                    {"message",
                     "[mcpgym.json.too_deep] the JSON text nests arrays and objects "
                     "deeper than 128 levels (at byte " +
                         std::to_string(before.size() + 125) + " of " +
                         std::to_string(body.size()) + "); it was not parsed"}}}}));
  // The proxy is alive and the session still works.
  auto client = proxy->client();
  ASSERT_TRUE(client->initialize({{"seed", 2}}).has_value());
  const auto moved = client->call_tool("lake_move", {{"action", "DOWN"}});
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->value("isError", true), false);
  const auto status = proxy->terminate();
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, (ExitStatus{false, 0}));
}

TEST_F(ProxyHostileClients, TwoHundredHalfOpenConnectionsDoNotStarveANewClient_HTTP018) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  const int port = port_of(proxy->url());
  std::vector<testkit::RawSocket> held;
  for (int i = 0; i < 200; ++i) {
    held.emplace_back(port);
    if (i % 2 == 1) {
      ASSERT_TRUE(held.back().send("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    }
  }
  harness::RawHttpClient http("127.0.0.1", port, 3s);
  const json body = {{"jsonrpc", "2.0"},
                     {"id", 1},
                     {"method", "initialize"},
                     {"params",
                      {{"protocolVersion", "2025-11-25"},
                       {"capabilities", json::object()},
                       {"clientInfo", {{"name", "proxy-test"}, {"version", "0.1.0"}}}}}};
  const auto answer = http.send({"POST", "/mcp", harness::mcp_post_headers(), body.dump()});
  ASSERT_TRUE(answer) << answer.error();
  EXPECT_EQ(answer->status, 200) << answer->body;
}

}  // namespace
}  // namespace mcpgym::proxy::testing
