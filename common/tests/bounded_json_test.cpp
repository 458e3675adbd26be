#include "common/bounded_json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace mcpgym {
namespace {

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(BoundedJson, ParsesOrdinaryJson) {
  auto value = parse_json(R"({"a": [1, {"b": "x"}]})");
  ASSERT_TRUE(value);
  EXPECT_EQ((*value)["a"][1]["b"], "x");
}

TEST(BoundedJson, AcceptsExactlyTheDepthLimit) {
  EXPECT_TRUE(parse_json(nested_arrays(128)));
  JsonLimits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(parse_json("[{\"a\":[]}]", limits));
}

TEST(BoundedJson, RefusesOneLevelTooDeepWithTheWholeMessage) {
  JsonLimits limits;
  limits.max_depth = 3;
  auto value = parse_json("[{\"a\":[[]]}]", limits);
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().problem, JsonProblem::kTooDeep);
  EXPECT_EQ(value.error().message,
            "[mcpgym.json.too_deep] the JSON text nests arrays and objects deeper than 3 levels "
            "(at byte 7 of 12); it was not parsed");
}

TEST(BoundedJson, RefusesAMillionNestedArraysWithoutRecursing) {
  auto value = parse_json(std::string(1'000'000, '['));
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().problem, JsonProblem::kTooDeep);
}

TEST(BoundedJson, BracketsInsideStringsDoNotCount) {
  JsonLimits limits;
  limits.max_depth = 1;
  auto value = parse_json(R"(["[[[[\"{{{{", "\\"])", limits);
  ASSERT_TRUE(value) << value.error().message;
  EXPECT_EQ((*value)[0], "[[[[\"{{{{");
}

TEST(BoundedJson, RefusesTextOverTheSizeLimitWithoutParsing) {
  JsonLimits limits;
  limits.max_bytes = 4;
  auto value = parse_json("[1,2]", limits);
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().problem, JsonProblem::kTooLarge);
  EXPECT_EQ(value.error().message,
            "[mcpgym.json.too_large] the JSON text is 5 bytes, over the limit of 4 bytes; it was "
            "not parsed");
}

TEST(BoundedJson, InvalidTextIsAnErrorNotAnException) {
  auto value = parse_json("{\"a\":");
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().problem, JsonProblem::kInvalid);
  EXPECT_EQ(value.error().message, "[mcpgym.json.invalid] the text is not JSON");
}

// Found by fuzz/bounded_json_fuzz.cpp: nlohmann stops reading at a NUL byte,
// so text after it was never looked at and "{}\0anything" parsed as {}.
TEST(BoundedJson, ANulByteAnywhereMakesTheTextInvalid) {
  for (const std::string_view text :
       {std::string_view("1\0 27983{\"", 10), std::string_view("{\"a\":1}\0", 8),
        std::string_view("[\"a\0b\"]", 7)}) {
    auto value = parse_json(text);
    ASSERT_FALSE(value) << value->dump();
    EXPECT_EQ(value.error().problem, JsonProblem::kInvalid);
    EXPECT_EQ(value.error().message, "[mcpgym.json.invalid] the text is not JSON");
  }
}

TEST(BoundedJson, ScanStopsAtTheFirstExcess) {
  const NestingScan scan = scan_nesting("[[[]]][[[[", 3);
  EXPECT_TRUE(scan.exceeded);
  EXPECT_EQ(scan.exceeded_at, 9u);
  EXPECT_EQ(scan.depth, 4u);
}

TEST(Describe, ShowsScalarsAsBoundedJsonAndContainersByKindAndSize) {
  EXPECT_EQ(describe(nlohmann::json(42)), "42");
  EXPECT_EQ(describe(nlohmann::json("a\nb")), "\"a\\nb\"");
  EXPECT_EQ(describe(nlohmann::json::array({1, 2})), "an array of 2 element(s)");
  EXPECT_EQ(describe(nlohmann::json{{"a", 1}}), "an object with 1 member(s)");
}

// A string built in-process may hold invalid UTF-8, which a plain dump() throws on.
TEST(Describe, ReplacesInvalidUtf8InsteadOfThrowing) {
  EXPECT_EQ(describe(nlohmann::json(std::string("\xff"))), "\"\\xef\\xbf\\xbd\"");
}

}  // namespace
}  // namespace mcpgym
