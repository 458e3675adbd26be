// The pure rules of modern requests: classification, header value decoding,
// x-mcp-header annotations, and query parameters of the control plane.
#include "reference/mcp/modern_request.hpp"

#include <gtest/gtest.h>

#include "common/protocol.hpp"
#include "reference/mcp/http_rules.hpp"
#include "reference/mcp/param_headers.hpp"

namespace mcpgym::mcp {
namespace {

const std::string kVersionKey(kMetaProtocolVersion);

Message request_with(const json& params) {
  return Message{MessageKind::kRequest, 1, "tools/list", &params};
}

TEST(ModernRequest, ModernIsDecidedByTheVersionInMeta_MODERN001) {
  const json modern = {{"_meta", {{kVersionKey, "2026-07-28"}}}};
  const json wrong_type = {{"_meta", {{kVersionKey, 7}}}};
  const json other_meta = {{"_meta", {{"progressToken", 1}}}};
  const json meta_not_object = {{"_meta", "x"}};
  const json bare = json::object();
  EXPECT_TRUE(is_modern(request_with(modern)));
  EXPECT_TRUE(is_modern(request_with(wrong_type)));  // modern, and then a bad envelope
  EXPECT_FALSE(is_modern(request_with(other_meta)));
  EXPECT_FALSE(is_modern(request_with(meta_not_object)));
  EXPECT_FALSE(is_modern(request_with(bare)));
  EXPECT_FALSE(is_modern(Message{MessageKind::kRequest, 1, "ping", nullptr}));
}

TEST(ModernRequest, HeaderValuesDecodeTheBase64Sentinel_MODERN003) {
  EXPECT_EQ(decode_header_value("us-west1").value(), "us-west1");
  // The revision's own examples.
  EXPECT_EQ(decode_header_value("=?base64?SGVsbG8sIOS4lueVjA==?=").value(), "Hello, 世界");
  EXPECT_EQ(decode_header_value("=?base64?IHBhZGRlZCA=?=").value(), " padded ");
  EXPECT_EQ(decode_header_value("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=").value(),
            "=?base64?literal?=");
  EXPECT_EQ(decode_header_value("=?base64?abc?=").error(),
            "the header value \"=?base64?abc?=\" is not valid Base64 inside =?base64?...?=");
  EXPECT_EQ(decode_header_value("caf\xc3\xa9").error(),
            "the header value holds characters outside visible ASCII; send it as "
            "=?base64?...?=");
  // Markers are case-sensitive: this is a plain value.
  EXPECT_EQ(decode_header_value("=?BASE64?abc?=").value(), "=?BASE64?abc?=");
}

TEST(ModernRequest, AnnotationsAreFoundThroughPropertiesOnly_HANDLE007) {
  const json listed = {
      {"tools",
       {{{"name", "a"},
         {"inputSchema",
          {{"type", "object"},
           {"properties",
            {{"env_id", {{"type", "string"}, {"x-mcp-header", "Env-Id"}}},
             {"where",
              {{"type", "object"},
               {"properties", {{"region", {{"type", "string"}, {"x-mcp-header", "Region"}}}}}}},
             {"list",
              {{"type", "array"},
               {"items", {{"type", "string"}, {"x-mcp-header", "Ignored"}}}}}}}}}},
        {{"name", "b"}, {"inputSchema", {{"type", "object"}}}}}}};
  const auto map = param_headers_of(listed);
  ASSERT_EQ(map.size(), 1u);
  EXPECT_EQ(map.at("a"),
            (std::vector<ParamHeader>{{{"env_id"}, "Env-Id"}, {{"where", "region"}, "Region"}}));
}

TEST(ModernRequest, QueryParametersArePercentDecoded_HANDLE011) {
  EXPECT_EQ(query_parameter("/control/reward?env_id=a%2Fb&x=1", "env_id"), "a/b");
  EXPECT_EQ(query_parameter("/control/reward?x=1&env_id=", "env_id"), "");
  EXPECT_EQ(query_parameter("/control/reward?env_id", "env_id"), "");
  EXPECT_EQ(query_parameter("/control/reward", "env_id"), std::nullopt);
  EXPECT_EQ(query_parameter("/control/reward?env_id=%zz", "env_id"), std::nullopt);
}

}  // namespace
}  // namespace mcpgym::mcp
