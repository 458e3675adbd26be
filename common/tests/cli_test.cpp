#include "common/cli.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace mcpgym::cli {
namespace {

// The hint every parse error ends with (REF-003: the message names the flag and says what to do).
const std::string kHint = "; run 'prog --help' for usage";

Parser make_parser() {
  Parser parser("prog", "[flags]", "A test program.");
  parser.option("port", "N", "TCP port").option("host", "ADDR", "bind address");
  parser.flag("verbose", "say more");
  return parser;
}

// argv as a program receives it, with argv[0] the program name.
Expected<Args, std::string> parse(const Parser& parser, std::vector<std::string> words) {
  std::vector<const char*> argv = {"prog"};
  for (const auto& w : words)
    argv.push_back(w.c_str());
  return parser.parse(static_cast<int>(argv.size()), argv.data());
}

std::string error_of(const Parser& parser, std::vector<std::string> words) {
  auto parsed = parse(parser, std::move(words));
  return parsed ? std::string("(parsed)") : parsed.error();
}

TEST(CliParser, NoArgumentsGiveNoValues) {
  auto args = parse(make_parser(), {});
  ASSERT_TRUE(args);
  EXPECT_FALSE(args->has("port"));
  EXPECT_EQ(args->get("port"), std::nullopt);
  EXPECT_TRUE(args->positional().empty());
}

TEST(CliParser, TakesValueFromNextWord) {
  auto args = parse(make_parser(), {"--port", "8080"});
  ASSERT_TRUE(args);
  EXPECT_TRUE(args->has("port"));
  EXPECT_EQ(args->get("port"), "8080");
}

TEST(CliParser, TakesValueAfterEquals) {
  auto args = parse(make_parser(), {"--port=8080", "--host=127.0.0.1"});
  ASSERT_TRUE(args);
  EXPECT_EQ(args->get("port"), "8080");
  EXPECT_EQ(args->get("host"), "127.0.0.1");
}

TEST(CliParser, EqualsValueMayBeEmptyOrContainEquals) {
  auto args = parse(make_parser(), {"--host=", "--port=a=b"});
  ASSERT_TRUE(args);
  EXPECT_EQ(args->get("host"), "");
  EXPECT_EQ(args->get("port"), "a=b");
}

// A separate value word is taken verbatim, so negative numbers reach to_integer and get a
// range error there rather than an "unknown flag" error here.
TEST(CliParser, ValueWordMayStartWithDash) {
  auto args = parse(make_parser(), {"--port", "-1"});
  ASSERT_TRUE(args);
  EXPECT_EQ(args->get("port"), "-1");
}

TEST(CliParser, LastOccurrenceWins) {
  auto args = parse(make_parser(), {"--port", "1", "--port=2"});
  ASSERT_TRUE(args);
  EXPECT_EQ(args->get("port"), "2");
}

TEST(CliParser, RepeatedFlagKeepsEveryValueInOrder) {
  auto args = parse(make_parser(), {"--port", "1", "--host=a", "--port=2", "--port", "3"});
  ASSERT_TRUE(args);
  EXPECT_EQ(args->get_all("port"), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(args->get_all("host"), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(args->get_all("verbose").empty());
}

TEST(CliParser, BooleanFlagIsPresentWithEmptyValue) {
  auto args = parse(make_parser(), {"--verbose"});
  ASSERT_TRUE(args);
  EXPECT_TRUE(args->has("verbose"));
  EXPECT_EQ(args->get("verbose"), "");
  EXPECT_FALSE(args->has("port"));
}

TEST(CliParser, HelpIsAlwaysAccepted_REF003) {
  auto args = parse(make_parser(), {"--help"});
  ASSERT_TRUE(args);
  EXPECT_TRUE(args->has("help"));
}

TEST(CliParser, UnknownFlagIsNamed_REF003) {
  EXPECT_EQ(error_of(make_parser(), {"--prot", "1"}),
            "[mcpgym.cli.unknown_flag] unknown flag --prot" + kHint);
  EXPECT_EQ(error_of(make_parser(), {"--prot=1"}),
            "[mcpgym.cli.unknown_flag] unknown flag --prot" + kHint);
}

TEST(CliParser, MissingValueNamesFlagAndValue_REF003) {
  EXPECT_EQ(error_of(make_parser(), {"--port"}),
            "[mcpgym.cli.missing_value] flag --port needs a value (N)" + kHint);
  EXPECT_EQ(error_of(make_parser(), {"--verbose", "--host"}),
            "[mcpgym.cli.missing_value] flag --host needs a value (ADDR)" + kHint);
}

TEST(CliParser, ValueGivenToBooleanFlagIsRejected_REF003) {
  EXPECT_EQ(error_of(make_parser(), {"--verbose=yes"}),
            "[mcpgym.cli.unexpected_value] flag --verbose takes no value" + kHint);
  EXPECT_EQ(error_of(make_parser(), {"--help="}),
            "[mcpgym.cli.unexpected_value] flag --help takes no value" + kHint);
}

TEST(CliParser, PositionalRejectedUnlessAllowed_REF003) {
  EXPECT_EQ(error_of(make_parser(), {"extra"}),
            "[mcpgym.cli.unexpected_argument] unexpected argument 'extra'" + kHint);
  // A single dash and a bare "--" are not flags either.
  EXPECT_EQ(error_of(make_parser(), {"-p"}),
            "[mcpgym.cli.unexpected_argument] unexpected argument '-p'" + kHint);
  EXPECT_EQ(error_of(make_parser(), {"--"}),
            "[mcpgym.cli.unexpected_argument] unexpected argument '--'" + kHint);
}

TEST(CliParser, PositionalKeptInOrderWhenAllowed) {
  Parser parser = make_parser();
  parser.allow_positional("FILE");
  auto args = parse(parser, {"a.json", "--port", "1", "b.json", "-"});
  ASSERT_TRUE(args);
  EXPECT_EQ(args->positional(), (std::vector<std::string>{"a.json", "b.json", "-"}));
  EXPECT_EQ(args->get("port"), "1");
  // Dash-prefixed words are still refused: they are mistyped flags, not files.
  EXPECT_EQ(error_of(parser, {"-v"}),
            "[mcpgym.cli.unexpected_argument] unexpected argument '-v'" + kHint);
}

TEST(CliParser, UsageListsEveryFlag) {
  const std::string usage = make_parser().usage();
  EXPECT_EQ(usage,
            "usage: prog [flags]\n\nA test program.\n\nflags:\n"
            "  --help                      print this help and exit\n"
            "  --port N                    TCP port\n"
            "  --host ADDR                 bind address\n"
            "  --verbose                   say more\n");
}

TEST(CliParser, HeadingStartsAGroupInTheUsage) {
  Parser parser = make_parser();
  parser.heading("testing").option("fault", "NAME", "inject a fault").flag("quiet", "say less");
  EXPECT_EQ(parser.usage(),
            "usage: prog [flags]\n\nA test program.\n\nflags:\n"
            "  --help                      print this help and exit\n"
            "  --port N                    TCP port\n"
            "  --host ADDR                 bind address\n"
            "  --verbose                   say more\n"
            "\ntesting:\n"
            "  --fault NAME                inject a fault\n"
            "  --quiet                     say less\n");
}

TEST(CliToInteger, AcceptsBoundsInclusive) {
  EXPECT_EQ(to_integer("port", "0", 0, 65535).value(), 0);
  EXPECT_EQ(to_integer("port", "65535", 0, 65535).value(), 65535);
  EXPECT_EQ(to_integer("n", "-5", -10, 10).value(), -5);
}

TEST(CliToInteger, RejectsOutOfRangeAndJunkWithWholeMessage) {
  const std::string expects =
      "[mcpgym.cli.invalid_value] --port expects an integer from 0 to 65535";
  EXPECT_EQ(to_integer("port", "65536", 0, 65535).error(), expects + "; got '65536'");
  EXPECT_EQ(to_integer("port", "-1", 0, 65535).error(), expects + "; got '-1'");
  EXPECT_EQ(to_integer("port", "", 0, 65535).error(), expects + "; got ''");
  EXPECT_EQ(to_integer("port", "80x", 0, 65535).error(), expects + "; got '80x'");
  EXPECT_EQ(to_integer("port", "1.5", 0, 65535).error(), expects + "; got '1.5'");
  EXPECT_EQ(to_integer("port", "0x10", 0, 65535).error(), expects + "; got '0x10'");
  // Overflow of long long is a range error, not a wrapped value.
  EXPECT_EQ(to_integer("port", "99999999999999999999", 0, 65535).error(),
            expects + "; got '99999999999999999999'");
}

// Any value inside [lo, hi] parses back to itself, including the extremes of long long.
RC_GTEST_PROP(CliToInteger, RoundTripsEveryValueInRange, (long long a, long long b, long long c)) {
  std::array<long long, 3> sorted = {a, b, c};
  std::sort(sorted.begin(), sorted.end());
  auto parsed = to_integer("x", std::to_string(sorted[1]), sorted[0], sorted[2]);
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(*parsed == sorted[1]);
}

TEST(CliToNumber, AcceptsBoundsAndFractions) {
  EXPECT_EQ(to_number("t", "0", 0, 10).value(), 0.0);
  EXPECT_EQ(to_number("t", "10", 0, 10).value(), 10.0);
  EXPECT_EQ(to_number("t", "2.5", 0, 10).value(), 2.5);
  EXPECT_EQ(to_number("t", "1e1", 0, 10).value(), 10.0);
}

TEST(CliToNumber, RejectsOutOfRangeNonFiniteAndJunkWithWholeMessage) {
  const std::string expects = "[mcpgym.cli.invalid_value] --t expects a number from 0 to 10";
  EXPECT_EQ(to_number("t", "10.5", 0, 10).error(), expects + "; got '10.5'");
  EXPECT_EQ(to_number("t", "-0.1", 0, 10).error(), expects + "; got '-0.1'");
  EXPECT_EQ(to_number("t", "", 0, 10).error(), expects + "; got ''");
  EXPECT_EQ(to_number("t", "abc", 0, 10).error(), expects + "; got 'abc'");
  EXPECT_EQ(to_number("t", "1s", 0, 10).error(), expects + "; got '1s'");
  EXPECT_EQ(to_number("t", "nan", 0, 10).error(), expects + "; got 'nan'");
  EXPECT_EQ(to_number("t", "1e999", 0, 10).error(), expects + "; got '1e999'");
  EXPECT_EQ(to_number("t", "inf", -1e308, 1e308).error(),
            "[mcpgym.cli.invalid_value] --t expects a number from -1e+308 to 1e+308; got 'inf'");
}

// Bounds print as short numbers, as the flag's users would write them.
TEST(CliToNumber, MessageShowsBoundsCompactly) {
  EXPECT_EQ(to_number("session-idle-timeout", "-1", 0, 365.0 * 24 * 3600).error(),
            "[mcpgym.cli.invalid_value] --session-idle-timeout expects a number from 0 to "
            "31536000; got '-1'");
  EXPECT_EQ(to_number("p", "2", 0.25, 0.75).error(),
            "[mcpgym.cli.invalid_value] --p expects a number from 0.25 to 0.75; got '2'");
}

TEST(CliToChoice, ReturnsTheMatchingChoice) {
  EXPECT_EQ(to_choice("transport", "stdio", {"http", "stdio"}).value(), "stdio");
  EXPECT_EQ(to_choice("transport", "http", {"http", "stdio"}).value(), "http");
}

TEST(CliToChoice, IsCaseSensitiveAndListsChoicesInMessage) {
  EXPECT_EQ(to_choice("control-plane", "HTTP", {"resources", "http", "both"}).error(),
            "[mcpgym.cli.invalid_value] --control-plane expects one of resources, http, both; "
            "got 'HTTP'");
  EXPECT_EQ(to_choice("transport", "", {"http"}).error(),
            "[mcpgym.cli.invalid_value] --transport expects one of http; got ''");
}

TEST(CliToChoices, SplitsEveryValueAtCommasInOrder) {
  EXPECT_EQ(to_choices("fault", {"b,a", "c", "a"}, {"a", "b", "c"}).value(),
            (std::vector<std::string>{"b", "a", "c", "a"}));
  EXPECT_EQ(to_choices("fault", {}, {"a"}).value(), std::vector<std::string>{});
}

TEST(CliToChoices, NamesTheFirstBadItemAndListsTheChoices) {
  const std::string expects = "[mcpgym.cli.invalid_value] --fault expects one of a, b";
  EXPECT_EQ(to_choices("fault", {"a", "a,x,y"}, {"a", "b"}).error(), expects + "; got 'x'");
  EXPECT_EQ(to_choices("fault", {"a,"}, {"a", "b"}).error(), expects + "; got ''");
  EXPECT_EQ(to_choices("fault", {""}, {"a", "b"}).error(), expects + "; got ''");
}

}  // namespace
}  // namespace mcpgym::cli
