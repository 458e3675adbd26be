// The modern era's header rules (MODERN-003, HANDLE-007), pure: x-mcp-header
// annotations and their constraints, and the headers of each kind of request.
// The Base64 sentinel's own tests are common/tests/header_base64_test.cpp.
#include "harness/http/modern_headers.hpp"

#include <gtest/gtest.h>

namespace mcpgym::harness {
namespace {

json schema_with(json properties) {
  return {{"type", "object"}, {"properties", std::move(properties)}};
}

TEST(ParamHeaders, FindsAnnotationsAlongPropertiesChains) {
  const json schema = schema_with(
      {{"env_id", {{"type", "string"}, {"x-mcp-header", "Env-Id"}}},
       {"action", {{"type", "string"}}},
       {"where",
        {{"type", "object"},
         {"properties", {{"region", {{"type", "string"}, {"x-mcp-header", "Region"}}}}}}}});
  auto found = param_headers_of(schema);
  ASSERT_TRUE(found) << found.error();
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].path, std::vector<std::string>{"env_id"});
  EXPECT_EQ((*found)[0].name, "Env-Id");
  EXPECT_EQ((*found)[1].path, (std::vector<std::string>{"where", "region"}));
  EXPECT_EQ((*found)[1].name, "Region");
  // A property merely named like the keyword is no annotation.
  EXPECT_TRUE(param_headers_of(schema_with({{"x-mcp-header", {{"type", "string"}}}}))->empty());
}

TEST(ParamHeaders, RefusesWhatTheRevisionForbidsWithTheReason) {
  const auto why = [](const json& schema) { return param_headers_of(schema).error(); };
  EXPECT_EQ(why(schema_with({{"a", {{"type", "string"}, {"x-mcp-header", ""}}}})),
            "the x-mcp-header of \"a\" is \"\", not a non-empty HTTP token");
  EXPECT_EQ(why(schema_with({{"a", {{"type", "string"}, {"x-mcp-header", "Env Id"}}}})),
            "the x-mcp-header of \"a\" is \"Env Id\", not a non-empty HTTP token");
  EXPECT_EQ(why(schema_with({{"a", {{"type", "number"}, {"x-mcp-header", "A"}}}})),
            "the x-mcp-header property \"a\" has type \"number\"; only integer, string and "
            "boolean may be mirrored");
  EXPECT_EQ(why(schema_with({{"a", {{"type", "string"}, {"x-mcp-header", "Same"}}},
                             {"b", {{"type", "string"}, {"x-mcp-header", "same"}}}})),
            "the x-mcp-header \"same\" of \"b\" repeats the one of \"a\" (names are compared "
            "ignoring case)");
  EXPECT_EQ(
      why(schema_with(
          {{"list", {{"type", "array"}, {"items", {{"type", "string"}, {"x-mcp-header", "I"}}}}}})),
      "the x-mcp-header at \"list\" is not statically reachable through \"properties\" "
      "from the schema root");
  EXPECT_EQ(why({{"type", "string"}, {"x-mcp-header", "Root"}}),
            "the x-mcp-header at the schema root is not statically reachable through "
            "\"properties\" from the schema root");
}

TEST(ModernHeaders, MirrorTheMethodNameAndAnnotatedArguments) {
  const ParamHeaders annotations = {
      {{"env_id"}, "Env-Id"}, {{"n"}, "N"}, {{"b"}, "B"}, {{"z"}, "Z"}};
  const json arguments = {{"env_id", "\xc3\xa9t\xc3\xa9"}, {"n", -7}, {"b", false}, {"z", nullptr}};
  const json call = {{"name", "lake_move"}, {"arguments", arguments}};
  const HeaderList call_headers = {{"MCP-Protocol-Version", "2026-07-28"},
                                   {"Mcp-Method", "tools/call"},
                                   {"Mcp-Name", "lake_move"},
                                   {"Mcp-Param-Env-Id", "=?base64?w6l0w6k=?="},
                                   {"Mcp-Param-N", "-7"},
                                   {"Mcp-Param-B", "false"}};
  EXPECT_EQ(modern_headers("2026-07-28", "tools/call", call, annotations), call_headers);

  const json read = {{"uri", "control://h 1/reward "}};
  const HeaderList read_headers = {{"MCP-Protocol-Version", "2026-07-28"},
                                   {"Mcp-Method", "resources/read"},
                                   {"Mcp-Name", "=?base64?Y29udHJvbDovL2ggMS9yZXdhcmQg?="}};
  EXPECT_EQ(modern_headers("2026-07-28", "resources/read", read), read_headers);

  const json prompt = {{"name", "p"}};
  const HeaderList prompt_headers = {
      {"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "prompts/get"}, {"Mcp-Name", "p"}};
  EXPECT_EQ(modern_headers("2026-07-28", "prompts/get", prompt), prompt_headers);

  const HeaderList list_headers = {{"MCP-Protocol-Version", "2026-07-28"},
                                   {"Mcp-Method", "tools/list"}};
  EXPECT_EQ(modern_headers("2026-07-28", "tools/list", nullptr), list_headers);
}

TEST(ModernHeaders, ModernPostCarriesTheBodyAndEditsMakeWrongRequests) {
  const json meta = modern_meta("2026-07-28", {{"name", "t"}, {"version", "1"}});
  const json message = {{"jsonrpc", "2.0"},
                        {"id", 1},
                        {"method", "tools/list"},
                        {"params", with_modern_meta(nullptr, meta)}};
  HttpRequest request = modern_post("2026-07-28", message);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/mcp");
  EXPECT_EQ(request.body, R"({"id":1,"jsonrpc":"2.0","method":"tools/list","params":{"_meta":{)"
                          R"("io.modelcontextprotocol/clientCapabilities":{},)"
                          R"("io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"},)"
                          R"("io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})");
  remove_header(request.headers, "mcp-method");
  set_header(request.headers, "mcp-protocol-version", "2099-01-01");
  EXPECT_EQ(request.headers, (HeaderList{{"Accept", "application/json, text/event-stream"},
                                         {"Content-Type", "application/json"},
                                         {"MCP-Protocol-Version", "2099-01-01"}}));
}

TEST(ModernMeta, KeepsWhatTheCallerPutInMeta) {
  const json meta = modern_meta("2026-07-28", nullptr, {{"sampling", json::object()}});
  EXPECT_EQ(
      with_modern_meta({{"_meta", {{"io.modelcontextprotocol/protocolVersion", "x"}}}}, meta),
      (json{{"_meta",
             {{"io.modelcontextprotocol/protocolVersion", "x"},
              {"io.modelcontextprotocol/clientCapabilities", {{"sampling", json::object()}}}}}}));
}

}  // namespace
}  // namespace mcpgym::harness
