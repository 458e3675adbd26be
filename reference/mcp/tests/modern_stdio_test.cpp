// MCP 2026-07-28 over stdio: a line whose _meta names its version is served
// without initialize (the revision's stdio binding has no header layer and
// probes with server/discover), next to a legacy session in the same process.
#include <gtest/gtest.h>

#include <string>

#include "common/protocol.hpp"
#include "reference/mcp/tests/modern_fakes.hpp"
#include "reference/mcp/tests/stdio_harness.hpp"

namespace mcpgym::mcp {
namespace {

using testing::FakeModernApplication;
using testing::run_stdio;

json meta() {
  return {{std::string(kMetaProtocolVersion), kModernVersion},
          {std::string(kMetaClientCapabilities), json::object()}};
}

std::string line(const json& id, const std::string& method, json params = json::object()) {
  params["_meta"] = meta();
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump() + "\n";
}

std::vector<json> answers(FakeModernApplication& app, const std::string& input) {
  const auto run = run_stdio(app, input);
  EXPECT_TRUE(run.finished) << run.output;
  std::vector<json> out;
  for (const auto& l : run.lines())
    out.push_back(json::parse(l));
  return out;
}

TEST(ModernStdio, ModernLinesAreServedWithoutInitialize_MODERN006) {
  FakeModernApplication app;
  const auto out =
      answers(app, line(1, "server/discover") +
                       line(2, "tools/call", {{"name", "move"}, {"arguments", {{"env_id", "e"}}}}) +
                       line(3, "ping"));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]["result"]["supportedVersions"],
            json({"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"}));
  EXPECT_EQ(out[0]["result"]["resultType"], "complete");
  // No header layer on stdio, so no Mcp-Param-* to check.
  EXPECT_EQ(out[1]["result"]["arguments"], json({{"env_id", "e"}}));
  EXPECT_EQ(out[2]["error"]["code"], -32601);
  EXPECT_EQ(app.create_calls, 0);
}

TEST(ModernStdio, LegacySessionAndModernLinesShareTheProcess_MODERN001) {
  FakeModernApplication app;
  const std::string initialize =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})"
      "\n";
  const auto out = answers(app, initialize + line(2, "server/discover") +
                                    R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})"
                                    "\n");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(out[1]["result"]["resultType"], "complete");
  // The legacy session's own answer (an echo), untouched by the modern era.
  EXPECT_EQ(out[2]["result"], json({{"method", "tools/list"}, {"params", json::object()}}));
}

TEST(ModernStdio, LegacyOnlyApplicationRefusesModernLines_MODERN004) {
  FakeModernApplication app;
  app.modern = false;
  const auto out = answers(app, line(1, "server/discover"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["error"]["code"], -32022);
  EXPECT_EQ(out[0]["error"]["data"]["supported"], json({"2025-11-25", "2025-06-18", "2025-03-26"}));
}

}  // namespace
}  // namespace mcpgym::mcp
