// Command templates, placeholders, free ports and exit statuses.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rapidcheck/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "harness/process/supervisor.hpp"

namespace mcpgym::harness {
namespace {

using Words = std::vector<std::string>;
using Values = std::map<std::string, std::string>;

Words expand_ok(std::string_view command, const Values& values = {}) {
  auto words = expand_command(command, values);
  EXPECT_TRUE(words.has_value()) << (words ? "" : words.error());
  return words ? *words : Words{};
}

std::string expand_error(std::string_view command, const Values& values = {}) {
  auto words = expand_command(command, values);
  EXPECT_FALSE(words.has_value());
  return words ? "" : words.error();
}

TEST(ExpandCommand, SplitsOnBlanks) {
  EXPECT_EQ(expand_ok("  prog  a\tb\nc \r d  "), (Words{"prog", "a", "b", "c", "d"}));
}

TEST(ExpandCommand, SingleQuotesKeepEverythingLiteral) {
  EXPECT_EQ(expand_ok(R"(prog 'a b' 'x\y' '"q"' 'it''s')"),
            (Words{"prog", "a b", R"(x\y)", R"("q")", "its"}));
}

TEST(ExpandCommand, DoubleQuotesEscapeOnlyWhatAShellEscapes) {
  EXPECT_EQ(expand_ok(R"(prog "a b" "x\"y" "back\\slash" "\$HOME" "keep\q" "it's")"),
            (Words{"prog", "a b", R"(x"y)", R"(back\slash)", "$HOME", R"(keep\q)", "it's"}));
}

TEST(ExpandCommand, BackslashEscapesOutsideQuotes) {
  EXPECT_EQ(expand_ok(R"(prog a\ b c\'d \"e\" \\f \{g\})"),
            (Words{"prog", "a b", "c'd", R"("e")", R"(\f)", "{g}"}));
}

TEST(ExpandCommand, BackslashNewlineJoinsLines) {
  EXPECT_EQ(expand_ok("prog --a \\\n  --b x\\\ny"), (Words{"prog", "--a", "--b", "xy"}));
}

TEST(ExpandCommand, AdjacentPartsMakeOneWord) {
  EXPECT_EQ(expand_ok(R"(prog --x='a b'"c d"e)"), (Words{"prog", "--x=a bc de"}));
}

TEST(ExpandCommand, EmptyQuotesMakeAnEmptyWord) {
  EXPECT_EQ(expand_ok(R"(prog '' "" x)"), (Words{"prog", "", "", "x"}));
}

TEST(ExpandCommand, DoubledBracesAreLiteral) {
  EXPECT_EQ(expand_ok("prog {{port}} a{{b }} '{{'", {{"port", "1"}}),
            (Words{"prog", "{port}", "a{b", "}", "{"}));
}

TEST(ExpandCommand, SubstitutesPlaceholdersInsideWords) {
  EXPECT_EQ(expand_ok("prog --port {port} --url=http://127.0.0.1:{port}/mcp", {{"port", "41237"}}),
            (Words{"prog", "--port", "41237", "--url=http://127.0.0.1:41237/mcp"}));
}

TEST(ExpandCommand, SubstitutesInsideQuotes) {
  EXPECT_EQ(expand_ok(R"(prog '--seed={seed}' "{seed} x")", {{"seed", "7"}}),
            (Words{"prog", "--seed=7", "7 x"}));
}

TEST(ExpandCommand, ValueWithSpacesStaysOneWord) {
  EXPECT_EQ(expand_ok("prog --config {config}", {{"config", R"({"a": 1, "b": "x y"})"}}),
            (Words{"prog", "--config", R"({"a": 1, "b": "x y"})"}));
}

TEST(ExpandCommand, ValueIsNeverReparsed) {
  const std::string value = R"(it's "quoted" \ {port} {{ '')";
  EXPECT_EQ(expand_ok("prog {v} {port}", {{"v", value}, {"port", "1"}}),
            (Words{"prog", value, "1"}));
}

TEST(ExpandCommand, EmptyValueIsStillAWord) {
  EXPECT_EQ(expand_ok("prog {x} y", {{"x", ""}}), (Words{"prog", "", "y"}));
}

TEST(ExpandCommand, MissingPlaceholderIsNamed) {
  EXPECT_EQ(expand_error("prog --seed {seed} --port {port}", {{"port", "1"}, {"config", "{}"}}),
            "[mcpgym.process.bad_command] command template 'prog --seed {seed} --port {port}' "
            "uses {seed}, which has no value; pass a value for \"seed\" (values given: config, "
            "port)");
  EXPECT_EQ(expand_error("prog {port}"),
            "[mcpgym.process.bad_command] command template 'prog {port}' uses {port}, which has "
            "no value; pass a value for \"port\" (no values were given)");
}

TEST(ExpandCommand, UnbalancedQuotesAreErrors) {
  EXPECT_EQ(expand_error("prog 'abc"),
            "[mcpgym.process.bad_command] command template 'prog 'abc' has an unbalanced single "
            "quote (opened at column 6); add the closing '");
  EXPECT_EQ(expand_error(R"(prog "a\")"),
            "[mcpgym.process.bad_command] command template 'prog \"a\\\"' has an unbalanced "
            "double quote (opened at column 6); add the closing \"");
}

TEST(ExpandCommand, LoneBackslashIsAnError) {
  EXPECT_EQ(expand_error("prog \\"),
            "[mcpgym.process.bad_command] command template 'prog \\' ends with a lone backslash; "
            "remove it or escape it as \\\\");
}

TEST(ExpandCommand, EmptyCommandIsAnError) {
  const std::string expected =
      "[mcpgym.process.bad_command] the command template is empty; give the program to run and "
      "its arguments, e.g. 'my-server --port {port}'";
  EXPECT_EQ(expand_error(""), expected);
  EXPECT_EQ(expand_error(" \t\n "), expected);
}

TEST(ExpandCommand, StrayBracesAreErrors) {
  EXPECT_EQ(expand_error("prog {port"),
            "[mcpgym.process.bad_command] command template 'prog {port' has an unmatched '{' at "
            "column 6; write {{ for a literal brace");
  EXPECT_EQ(expand_error("prog a}b"),
            "[mcpgym.process.bad_command] command template 'prog a}b' has an unmatched '}' at "
            "column 7; write }} for a literal brace");
  EXPECT_EQ(expand_error(R"(prog '{"a":1}')"),
            "[mcpgym.process.bad_command] command template 'prog '{\"a\":1}'' has '{\"a\":1}' at "
            "column 7, which is not a placeholder (names are letters, digits, '_', '-' and '.'); "
            "write {{ and }} for literal braces");
}

TEST(ExpandCommand, ControlCharactersInMessagesAreEscaped) {
  EXPECT_EQ(expand_error("prog\x01 'x"),
            "[mcpgym.process.bad_command] command template 'prog\\x01 'x' has an unbalanced "
            "single quote (opened at column 7); add the closing '");
}

TEST(UsesPlaceholder, FindsOnlyRealPlaceholders) {
  EXPECT_TRUE(uses_placeholder("prog --port {port}", "port"));
  EXPECT_TRUE(uses_placeholder("prog '--url=http://h:{port}/mcp'", "port"));
  EXPECT_TRUE(uses_placeholder("prog {seed} {port}", "seed"));
  EXPECT_FALSE(uses_placeholder("prog {{port}}", "port"));
  EXPECT_FALSE(uses_placeholder("prog {portx} {xport}", "port"));
  EXPECT_FALSE(uses_placeholder("prog --port 80", "port"));
  EXPECT_FALSE(uses_placeholder(R"(prog \{port\})", "port"));
  // Placeholders before a syntax error still count.
  EXPECT_TRUE(uses_placeholder("prog {port} 'unbalanced", "port"));
}

bool can_bind(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

TEST(PickFreePort, GivesABindablePort) {
  auto port = pick_free_port();
  ASSERT_TRUE(port.has_value()) << port.error();
  EXPECT_GE(*port, 1);
  EXPECT_LE(*port, 65535);
  EXPECT_TRUE(can_bind(*port)) << "port " << *port;
}

TEST(PickFreePort, NeverRepeatsARecentPort) {
  std::set<int> ports;
  for (int i = 0; i < 50; ++i) {
    auto port = pick_free_port();
    ASSERT_TRUE(port.has_value()) << port.error();
    EXPECT_TRUE(ports.insert(*port).second) << "port " << *port << " handed out twice";
  }
}

TEST(ExitStatus, Describes) {
  EXPECT_EQ((ExitStatus{false, 0}).describe(), "exit status 0");
  EXPECT_EQ((ExitStatus{false, 3}).describe(), "exit status 3");
  EXPECT_EQ((ExitStatus{true, 9}).describe(), "killed by signal 9 (SIGKILL)");
  EXPECT_EQ((ExitStatus{true, 15}).describe(), "killed by signal 15 (SIGTERM)");
  EXPECT_EQ((ExitStatus{true, 11}).describe(), "killed by signal 11 (SIGSEGV)");
  EXPECT_EQ((ExitStatus{true, 99}).describe(), "killed by signal 99");
}

TEST(TemplateWord, QuotesAndEscapesBraces) {
  EXPECT_EQ(template_word("plain"), "'plain'");
  EXPECT_EQ(template_word(""), "''");
  EXPECT_EQ(template_word("it's {seed}"), "'it'\\''s {{seed}}'");
  EXPECT_EQ(template_word("a \"b\" \\c"), "'a \"b\" \\c'");
}

// Any text is one word of a template, read back exactly, with no placeholder in it.
RC_GTEST_PROP(TemplateWordProperty, ExpandsBackToTheSameSingleWord, (const std::string& text)) {
  const std::string quoted = template_word(text);
  const auto words = harness::expand_command(quoted, {});
  RC_ASSERT(words.has_value());
  RC_ASSERT(*words == std::vector<std::string>{text});
  RC_ASSERT(!harness::uses_placeholder(quoted, "port"));
}

}  // namespace
}  // namespace mcpgym::harness
