// The FrozenLake application behind the real stdio transport, over pipes (STDIO-003: the same
// methods, payloads and errors as HTTP).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/tests/printers.hpp"
#include "reference/mcp/tests/stdio_harness.hpp"

namespace mcpgym::gym {
namespace {

using mcp::json;

std::string line(const json& message) {
  return message.dump() + "\n";
}

std::vector<json> converse(GymAppOptions options, const std::string& input) {
  GymApp app(frozenlake_game(), options);
  const auto run = mcp::testing::run_stdio(app, input);
  EXPECT_TRUE(run.finished);
  EXPECT_TRUE(run.served);
  EXPECT_EQ(run.exception, "");
  std::vector<json> out;
  for (const auto& l : run.lines())
    out.push_back(json::parse(l));
  return out;
}

json initialize(const json& extra) {
  return {{"jsonrpc", "2.0"},
          {"id", 1},
          {"method", "initialize"},
          {"params",
           {{"protocolVersion", "2025-11-25"},
            {"capabilities", json::object()},
            {"clientInfo", {{"name", "t"}, {"version", "1"}, {"_extra", extra}}}}}};
}

json request(int id, const std::string& method, const json& params) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
}

TEST(StdioFrozenLake, InitializeMoveAndReadRewardOverPipes_STDIO003) {
  const auto out = converse(
      {}, line(initialize({{"seed", 5}, {"config", {{"desc", {"SG", "FF"}}}}})) +
              line({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}) +
              line(request(2, "tools/call",
                           {{"name", "lake_move"}, {"arguments", {{"action", "right"}}}})) +
              line(request(3, "resources/read", {{"uri", "control://reward"}})) +
              line(request(4, "resources/read", {{"uri", "control://status"}})));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].at("result").at("protocolVersion"), "2025-11-25");
  EXPECT_EQ(out[0].at("result").at("serverInfo").at("name"), "mcpgym-frozenlake");
  EXPECT_EQ(out[1].at("id"), 2);
  EXPECT_EQ(out[1].at("result").at("structuredContent"),
            json::parse(R"({"position":1,"grid":"SP\nFF","action":"RIGHT"})"));
  EXPECT_EQ(out[2],
            json::parse(
                R"({"jsonrpc":"2.0","id":3,"result":{"contents":[{"uri":"control://reward",)"
                R"("mimeType":"application/json","text":"{\"reward\":1.0,\"step_count\":1}"}]}})"));
  EXPECT_EQ(
      json::parse(out[3].at("result").at("contents").at(0).at("text").get<std::string>()),
      json::parse(R"({"terminated":true,"truncated":false,"step_count":1,"total_reward":1.0})"));
}

TEST(StdioFrozenLake, BadConfigurationIsRefusedAndProcessKeepsServing_CONF002_STDIO003) {
  const auto out = converse({}, line(initialize({{"seed", 1}, {"config", {{"p", 1.5}}}})) +
                                    line(request(2, "tools/list", json::object())) +
                                    line(initialize({{"seed", 1}})) +
                                    line(request(3, "tools/list", json::object())));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32602,)"
                                R"("message":"[mcpgym.config.invalid_value] Invalid params: )"
                                R"(config.p must be a number from 0 to 1; got 1.5",)"
                                R"("data":{"key":"config.p"}}})"));
  EXPECT_EQ(out[1].at("error").at("message"),
            "[mcpgym.rpc.not_initialized] Invalid Request: tools/list before initialize; send "
            "initialize first");
  EXPECT_TRUE(out[2].contains("result"));
  EXPECT_EQ(out[3].at("result").at("tools").at(0).at("name"), "lake_move");
}

TEST(StdioFrozenLake, ErrorsMatchTheHttpTransport_DATA007_CTRL008_LIFE006) {
  const auto out = converse(
      {}, line(initialize({{"seed", 1}})) + line(request(2, "tools/call", {{"name", "fly"}})) +
              line(request(3, "resources/read", {{"uri", "control://initial_state"}})) +
              line(request(4, "bogus/method", json::object())));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1].at("error"),
            json::parse(R"({"code":-32602,"message":"[mcpgym.tool.unknown_tool] Unknown tool )"
                        R"(\"fly\"; this server has one tool, lake_move","data":{"tool":"fly"}})"));
  EXPECT_EQ(
      out[2].at("error"),
      json::parse(R"({"code":-32002,"message":"[mcpgym.resource.not_found] Resource not )"
                  R"(found: control://initial_state","data":{"uri":"control://initial_state"}})"));
  EXPECT_EQ(out[3].at("error"),
            json::parse(R"({"code":-32601,"message":"[mcpgym.rpc.method_not_found] Method not )"
                        R"(found: bogus/method","data":{"method":"bogus/method"}})"));
}

}  // namespace
}  // namespace mcpgym::gym
