#include "reference/mcp/json_rpc.hpp"

#include <gtest/gtest.h>

#include <string>

#include "reference/mcp/tests/printers.hpp"

namespace mcpgym::mcp {
namespace {

json parse(std::string_view text) {
  return json::parse(text);
}

// Classifies a message that must be invalid and returns its error response, built the way
// the transports build it, so each test checks the whole wire shape.
json invalid_response(std::string_view text) {
  const json msg = parse(text);
  auto classified = classify(msg);
  EXPECT_FALSE(classified.has_value()) << text;
  if (classified) return nullptr;
  return make_error(classified.error().id, classified.error().error);
}

json invalid_request(const json& id, const std::string& why) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"error", {{"code", -32600}, {"message", "[mcpgym.rpc.invalid_request] " + why}}}};
}

TEST(Classify, RequestWithIntegerId) {
  const json msg = parse(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"a":1}})");
  auto m = classify(msg);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, MessageKind::kRequest);
  EXPECT_EQ(m->id, json(7));
  EXPECT_EQ(m->method, "tools/list");
  ASSERT_NE(m->params, nullptr);
  EXPECT_EQ(*m->params, json({{"a", 1}}));
  // The Message borrows params from the classified document rather than copying them.
  EXPECT_EQ(m->params, &msg.at("params"));
}

TEST(Classify, RequestWithStringIdAndNoParams) {
  const json msg = parse(R"({"jsonrpc":"2.0","id":"abc","method":"ping"})");
  auto m = classify(msg);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, MessageKind::kRequest);
  EXPECT_EQ(m->id, json("abc"));
  EXPECT_EQ(m->params, nullptr);
}

TEST(Classify, RequestWithNegativeAndHugeIntegerIds) {
  for (const char* text : {R"({"jsonrpc":"2.0","id":-3,"method":"ping"})",
                           R"({"jsonrpc":"2.0","id":18446744073709551615,"method":"ping"})",
                           R"({"jsonrpc":"2.0","id":0,"method":"ping"})"}) {
    const json msg = parse(text);
    auto m = classify(msg);
    ASSERT_TRUE(m) << text;
    EXPECT_EQ(m->kind, MessageKind::kRequest);
    EXPECT_EQ(m->id, msg.at("id"));
  }
}

// Params of any type pass classification; the dispatcher checks they are an object (LIFE-007).
TEST(Classify, ParamsOfAnyTypeAreBorrowed) {
  const json msg = parse(R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1,2]})");
  auto m = classify(msg);
  ASSERT_TRUE(m);
  ASSERT_NE(m->params, nullptr);
  EXPECT_EQ(*m->params, json::array({1, 2}));
}

TEST(Classify, NotificationHasNoId_LIFE004) {
  const json msg = parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  auto m = classify(msg);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, MessageKind::kNotification);
  EXPECT_EQ(m->method, "notifications/initialized");
  EXPECT_TRUE(m->id.is_null());
}

TEST(Classify, ResultResponse) {
  const json msg = parse(R"({"jsonrpc":"2.0","id":5,"result":{}})");
  auto m = classify(msg);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, MessageKind::kResponse);
  EXPECT_EQ(m->id, json(5));
  EXPECT_EQ(m->params, nullptr);
}

TEST(Classify, ErrorResponse) {
  const json msg = parse(R"({"jsonrpc":"2.0","id":"x","error":{"code":-1,"message":"m"}})");
  auto m = classify(msg);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, MessageKind::kResponse);
  EXPECT_EQ(m->id, json("x"));
}

TEST(Classify, NonObjectIsInvalidWithNullId_LIFE008) {
  const std::string why = "Invalid Request: a JSON-RPC message must be an object, got ";
  EXPECT_EQ(invalid_response("[]"), invalid_request(nullptr, why + "array"));
  EXPECT_EQ(invalid_response("42"), invalid_request(nullptr, why + "number"));
  EXPECT_EQ(invalid_response(R"("ping")"), invalid_request(nullptr, why + "string"));
  EXPECT_EQ(invalid_response("null"), invalid_request(nullptr, why + "null"));
  EXPECT_EQ(invalid_response("true"), invalid_request(nullptr, why + "boolean"));
}

TEST(Classify, MissingOrWrongJsonrpcEchoesValidId_LIFE008) {
  const std::string why = R"(Invalid Request: "jsonrpc" must be "2.0")";
  EXPECT_EQ(invalid_response(R"({"id":1,"method":"ping"})"), invalid_request(1, why));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"1.0","id":"a","method":"ping"})"),
            invalid_request("a", why));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":2.0,"id":3,"method":"ping"})"), invalid_request(3, why));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":null,"id":3,"method":"ping"})"),
            invalid_request(3, why));
  // A notification has no id to echo.
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.1","method":"ping"})"),
            invalid_request(nullptr, why));
  // An unusable id is not echoed even when jsonrpc is what fails first.
  EXPECT_EQ(invalid_response(R"({"id":{"a":1},"method":"ping"})"), invalid_request(nullptr, why));
}

TEST(Classify, NullIdIsInvalid_LIFE008) {
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":null,"method":"ping"})"),
            invalid_request(nullptr, R"(Invalid Request: "id" must be a string or an integer, )"
                                     "got null (MCP forbids null ids)"));
}

TEST(Classify, NonIntegerOrStructuredIdIsInvalidAndNotEchoed_LIFE008) {
  const std::string why = R"(Invalid Request: "id" must be a string or an integer, got )";
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})"),
            invalid_request(nullptr, why + "number"));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":1.0,"method":"ping"})"),
            invalid_request(nullptr, why + "number"));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})"),
            invalid_request(nullptr, why + "object"));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":[1],"method":"ping"})"),
            invalid_request(nullptr, why + "array"));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":true,"method":"ping"})"),
            invalid_request(nullptr, why + "boolean"));
  // The id check also applies to responses.
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":null,"result":{}})"),
            invalid_request(nullptr, why + "null (MCP forbids null ids)"));
}

TEST(Classify, NonStringMethodIsInvalidAndEchoesId_LIFE008) {
  const std::string why = R"(Invalid Request: "method" must be a string)";
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":9,"method":5})"), invalid_request(9, why));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":"q","method":null})"),
            invalid_request("q", why));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","method":["ping"]})"),
            invalid_request(nullptr, why));
}

TEST(Classify, MalformedResponsesAreInvalid_LIFE008) {
  const std::string why =
      R"(Invalid Request: expected a request ("method"), a notification or a response )"
      R"(("id" with exactly one of "result"/"error"))";
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":4,"result":{},"error":{}})"),
            invalid_request(4, why));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","id":4})"), invalid_request(4, why));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0","result":{}})"), invalid_request(nullptr, why));
  EXPECT_EQ(invalid_response(R"({"jsonrpc":"2.0"})"), invalid_request(nullptr, why));
}

TEST(MakeResult, HasJsonrpcIdAndResultOnly_LIFE009) {
  const json r = make_result(json("id-1"), json{{"x", 1}});
  EXPECT_EQ(r, json::parse(R"({"jsonrpc":"2.0","id":"id-1","result":{"x":1}})"));
  EXPECT_EQ(r.size(), 3u);
}

TEST(MakeError, HasJsonrpcIdAndErrorOnly_LIFE009) {
  const json e = make_error(json(3), RpcError{-32601, "nope", nullptr});
  EXPECT_EQ(e, json::parse(R"({"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"nope"}})"));
  EXPECT_EQ(e.size(), 3u);
}

TEST(MakeError, CarriesDataOnlyWhenNotNull) {
  const json e = make_error(nullptr, RpcError{-32002, "gone", json{{"uri", "x://y"}}});
  EXPECT_EQ(e, json::parse(R"({"jsonrpc":"2.0","id":null,)"
                           R"("error":{"code":-32002,"message":"gone","data":{"uri":"x://y"}}})"));
  // Falsy but present data (false, 0, "") is still data.
  const RpcError falsy{1, "m", false};
  EXPECT_EQ(falsy.to_json(), json::parse(R"({"code":1,"message":"m","data":false})"));
}

TEST(RpcErrorFactory, PrefixesTheStableIdentifier_REF004) {
  const RpcError e = rpc_error(-32602, "mcpgym.rpc.invalid_params", "Invalid params: x", json(1));
  EXPECT_EQ(e.code, -32602);
  EXPECT_EQ(e.message, "[mcpgym.rpc.invalid_params] Invalid params: x");
  EXPECT_EQ(e.data, json(1));
}

TEST(Excerpt, KeepsPrintableAsciiUnchanged) {
  EXPECT_EQ(excerpt("hello world ~!"), "hello world ~!");
  EXPECT_EQ(excerpt(""), "");
}

TEST(Excerpt, EscapesControlDelAndNonAsciiBytes) {
  EXPECT_EQ(excerpt("a\nb\tc\r\x01"), "a\\x0ab\\x09c\\x0d\\x01");
  EXPECT_EQ(excerpt("\x7f"), "\\x7f");
  EXPECT_EQ(excerpt("\xc3\xa9"), "\\xc3\\xa9");
  EXPECT_EQ(excerpt(std::string_view("a\0b", 3)), "a\\x00b");
}

TEST(Excerpt, TruncatesWithEllipsisOnlyWhenLonger) {
  EXPECT_EQ(excerpt("abcdef", 6), "abcdef");
  EXPECT_EQ(excerpt("abcdefg", 6), "abcdef...");
  EXPECT_EQ(excerpt("abc", 0), "...");
  EXPECT_EQ(excerpt(std::string(200, 'x')), std::string(120, 'x') + "...");
  EXPECT_EQ(excerpt(std::string(120, 'x')), std::string(120, 'x'));
}

TEST(Excerpt, TruncationCountsInputBytesNotEscapes) {
  EXPECT_EQ(excerpt("\n\n\n", 2), "\\x0a\\x0a...");
}

TEST(Describe, ShowsScalarsAsExcerptedJson) {
  EXPECT_EQ(describe(json(5)), "5");
  EXPECT_EQ(describe(json(-0.5)), "-0.5");
  EXPECT_EQ(describe(json(true)), "true");
  EXPECT_EQ(describe(json(nullptr)), "null");
  EXPECT_EQ(describe(json("a\nb")), "\"a\\nb\"");
  EXPECT_EQ(describe(json(std::string(200, 'x'))), "\"" + std::string(119, 'x') + "...");
}

TEST(Describe, ShowsContainersByKindAndSizeOnly) {
  EXPECT_EQ(describe(json::array()), "an array of 0 element(s)");
  EXPECT_EQ(describe(json::array({1, "two", json::array()})), "an array of 3 element(s)");
  EXPECT_EQ(describe(json::object()), "an object with 0 member(s)");
  EXPECT_EQ(describe(json{{"a", 1}, {"b", 2}}), "an object with 2 member(s)");
}

// Serializing a hostile, deeply nested value would recurse once per level; describe() must
// not look inside.
TEST(Describe, DeeplyNestedValueIsNotSerialized) {
  json nested = json::array();
  for (int i = 0; i < 100000; ++i)
    nested = json::array({std::move(nested)});
  EXPECT_EQ(describe(nested), "an array of 1 element(s)");
}

}  // namespace
}  // namespace mcpgym::mcp
