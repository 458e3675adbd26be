// parse_baseline / read_baseline / apply_baseline: the YAML subset, every
// error whole, and how results judge a baseline.
#include "conformance/core/baseline.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include "common/testing/temp_dir.hpp"

namespace mcpgym::conformance {
namespace {

using Entries = std::vector<std::string>;

Entries entries_of(const std::string& text) {
  auto baseline = parse_baseline(text, "base.yml");
  if (!baseline) throw std::runtime_error(baseline.error());
  return baseline->entries;
}

std::string error_of(const std::string& text) {
  auto baseline = parse_baseline(text, "base.yml");
  return baseline ? "(no error)" : baseline.error();
}

using mcpgym::test_support::TempDir;

TEST(ParseBaseline, ReadsTheOfficialShapeWithCommentsQuotesAndGlobs) {
  EXPECT_EQ(entries_of("# Expected failures of our server\n"
                       "server:\n"
                       "  - sessions.id-unpredictable      # a check id\n"
                       "  - headers.*                      # a glob\n"
                       "\n"
                       "  # a comment between items\n"
                       "  - 'lifecycle.it''s'\n"
                       "  - \"http.batch-?\"   # double-quoted\n"
                       "  - \"a\\\"b\\\\c\"\n"
                       "  - plain#hash\n"
                       "  - \"quoted#hash\"\n"
                       "client: []                         # accepted and ignored\n"),
            (Entries{"sessions.id-unpredictable", "headers.*", "lifecycle.it's", "http.batch-?",
                     "a\"b\\c", "plain#hash", "quoted#hash"}));
}

TEST(ParseBaseline, ReadsFlowLists) {
  EXPECT_EQ(entries_of("server: [a.b, \"c.d\",'e.f' ,  g.*,]  # trailing comma, as YAML allows\n"),
            (Entries{"a.b", "c.d", "e.f", "g.*"}));
  EXPECT_EQ(entries_of("server: []\n"), Entries{});
  EXPECT_EQ(entries_of("server: [ ]\nclient: [x, y]\n"), Entries{});
}

TEST(ParseBaseline, EmptyServerAndEmptyDocumentsListNothing) {
  EXPECT_EQ(entries_of(""), Entries{});
  EXPECT_EQ(entries_of("# nothing yet\n\n"), Entries{});
  EXPECT_EQ(entries_of("server:\n"), Entries{});
  EXPECT_EQ(entries_of("server:   # none\nclient:\n  - some-scenario\n"), Entries{});
}

TEST(ParseBaseline, ClientListsAreCheckedButIgnored) {
  EXPECT_EQ(entries_of("client:\n  - a\n  - a\nserver:\n  - b\n"), Entries{"b"});
  EXPECT_EQ(
      error_of("client:\n  - a: b\n"),
      "[mcpgym.conform.bad_baseline] base.yml:2: 'a: b' is a mapping, not a check id or glob");
}

TEST(ParseBaseline, ItemsMaySitAtColumnZeroUnderTheirKey) {
  EXPECT_EQ(entries_of("server:\n- a.b\n- c.d\nclient: []\n"), (Entries{"a.b", "c.d"}));
}

TEST(ParseBaseline, AcceptsCrLfAByteOrderMarkAndADocumentStart) {
  EXPECT_EQ(entries_of("\xEF\xBB\xBF---\r\nserver:\r\n  - a.b\r\n  - c.d"),
            (Entries{"a.b", "c.d"}));
}

struct BadBaseline {
  std::string name;
  std::string text;
  std::string error;
};

void PrintTo(const BadBaseline& input, std::ostream* out) {
  *out << input.name;
}

class ParseBaselineError : public testing::TestWithParam<BadBaseline> {};

TEST_P(ParseBaselineError, HasTheWholeMessage) {
  EXPECT_EQ(error_of(GetParam().text), GetParam().error);
}

const std::string kBad = "[mcpgym.conform.bad_baseline] base.yml:";

INSTANTIATE_TEST_SUITE_P(
    Lines, ParseBaselineError,
    testing::Values(
        BadBaseline{"TabIndent", "server:\n\t- a\n",
                    kBad + "2: a tab in the indentation; YAML indents with spaces only"},
        BadBaseline{"TabAfterSpaces", "server:\n  \t- a\n",
                    kBad + "2: a tab in the indentation; YAML indents with spaces only"},
        BadBaseline{"UnknownKey", "# ok\nservers:\n  - a\n",
                    kBad + "2: unknown key 'servers'; a baseline has only 'server' and 'client'"},
        BadBaseline{"NotAKey", "hello  # there\n",
                    kBad + "1: expected 'server:' or 'client:', got 'hello'"},
        BadBaseline{"NoSpaceAfterColon", "server:[a]\n",
                    kBad + "1: expected 'server:' or 'client:', got 'server:[a]'"},
        BadBaseline{"ItemWithoutKey", "- a\n",
                    kBad + "1: expected 'server:' or 'client:', got '- a'"},
        BadBaseline{"KeyTwice", "server: []\nclient:\nserver:\n",
                    kBad + "3: 'server' given twice (first on line 1)"},
        BadBaseline{
            "ScalarValue", "server: a.b  # one\n",
            kBad + "1: 'server' must be a list ('- <check id>' lines or [a, b]), got 'a.b'"},
        BadBaseline{"MappingValue", "server: {a: b}\n",
                    kBad + "1: 'server' must be a list ('- <check id>' lines or [a, b]), got "
                           "'{a: b}'"},
        BadBaseline{"NestedMapping", "server:\n  sessions: [a]\n",
                    kBad + "2: a nested mapping under 'server'; expected '- <check id>'"},
        BadBaseline{"NestedMappingUnderAnItem", "server:\n  - a.b\n    c: d\n",
                    kBad + "3: a nested mapping under 'server'; expected '- <check id>'"},
        BadBaseline{"IndentedScalar", "server:\n  a.b  # c\n",
                    kBad + "2: expected '- <check id>' under 'server', got 'a.b'"},
        BadBaseline{"IndentedOutsideAKey", "  - a\n",
                    kBad + "1: an indented line outside 'server:' and 'client:'"},
        BadBaseline{"AfterAFlowList", "server: [a]\n  - b\n",
                    kBad + "2: 'server' was given as a flow list on line 1; this line continues "
                           "nothing"},
        BadBaseline{"ColumnZeroAfterAFlowList", "server: [a]\n- b\n",
                    kBad + "2: expected 'server:' or 'client:', got '- b'"},
        BadBaseline{
            "IndentMismatch", "server:\n  - a\n    - b\n",
            kBad + "3: a list item indented 4 spaces where the list's items are indented 2"},
        BadBaseline{"ItemIsAMapping", "server:\n  - a: b\n",
                    kBad + "2: 'a: b' is a mapping, not a check id or glob"},
        BadBaseline{"ItemIsAMappingWithNoValue", "server:\n  - a.b:  # c\n",
                    kBad + "2: 'a.b:' is a mapping, not a check id or glob"},
        BadBaseline{"EmptyItem", "server:\n  -\n", kBad + "2: an empty list item"},
        BadBaseline{"EmptyItemWithComment", "server:\n  -   # todo\n",
                    kBad + "2: an empty list item"},
        BadBaseline{"NestedList", "server:\n  - - a\n",
                    kBad + "2: a nested list; entries are check ids or globs"},
        BadBaseline{"FlowListInAnItem", "server:\n  - [a]\n",
                    kBad + "2: a nested collection '[a]'; entries are check ids or globs"},
        BadBaseline{"Alias", "server:\n  - *.x\n",
                    kBad + "2: '*.x' starts with '*', which YAML reads as an alias; quote it"},
        BadBaseline{"Reserved", "server:\n  - &a\n",
                    kBad + "2: '&a' starts with '&', which YAML reserves; quote it"},
        BadBaseline{"Unterminated", "server:\n  - 'a.b\n",
                    kBad + "2: a quoted entry with no closing quote"},
        BadBaseline{"UnterminatedAfterBackslash", "server:\n  - \"a.b\\\n",
                    kBad + "2: a quoted entry with no closing quote"},
        BadBaseline{"UnsupportedEscape", "server:\n  - \"a\\n\"\n",
                    kBad + "2: unsupported escape '\\n' in a double-quoted entry"},
        BadBaseline{"TextAfterQuote", "server:\n  - \"a\" b\n",
                    kBad + "2: unexpected 'b' after the quoted entry"},
        BadBaseline{"CommentWithoutSpaceAfterQuote", "server:\n  - \"a\"#c\n",
                    kBad + "2: unexpected '#c' after the quoted entry"},
        BadBaseline{"Whitespace", "server:\n  - 'a b'\n",
                    kBad + "2: 'a b' is not a check id or glob: it contains whitespace or a "
                           "control character"},
        BadBaseline{"PlainWhitespace", "server:\n  - a b\n",
                    kBad + "2: 'a b' is not a check id or glob: it contains whitespace or a "
                           "control character"},
        BadBaseline{"ControlCharacter", "server:\n  - a\x01z\n",
                    kBad + "2: 'a\\x01z' is not a check id or glob: it contains whitespace or a "
                           "control character"},
        BadBaseline{"EmptyQuoted", "server:\n  - ''\n", kBad + "2: an empty entry"},
        BadBaseline{"FlowUnclosed", "server: [a, b\n",
                    kBad + "1: '[' has no closing ']' on this line (a flow list must fit on one "
                           "line)"},
        BadBaseline{"FlowClosedOnlyInAComment", "server: [a # b]\n",
                    kBad + "1: '[' has no closing ']' on this line (a flow list must fit on one "
                           "line)"},
        BadBaseline{"FlowEmptyEntry", "server: [a,,b]\n",
                    kBad + "1: an empty entry in a flow list"},
        BadBaseline{"FlowNested", "server: [a, [b]]\n",
                    kBad + "1: a nested collection in a flow list; entries are check ids or globs"},
        BadBaseline{"FlowMapping", "server: [a: b]\n",
                    kBad + "1: 'a: b' is a mapping, not a check id or glob"},
        BadBaseline{"FlowAlias", "server: [*]\n",
                    kBad + "1: '*' starts with '*', which YAML reads as an alias; quote it"},
        BadBaseline{"AfterFlow", "server: [a] b\n", kBad + "1: unexpected 'b' after ']'"},
        BadBaseline{"FlowJunkAfterQuote", "server: [\"a\" b]\n",
                    kBad + "1: unexpected 'b]' in a flow list"},
        BadBaseline{"DuplicateEntry", "server:\n  - a\n  - b\n  - a\n",
                    kBad + "4: 'a' is listed twice (first on line 2)"},
        BadBaseline{"DuplicateAcrossForms", "server: [a, 'a']\n",
                    kBad + "1: 'a' is listed twice (first on line 1)"},
        BadBaseline{"LongExcerptIsBounded", "server: " + std::string(100, 'x') + "\n",
                    kBad + "1: 'server' must be a list ('- <check id>' lines or [a, b]), got '" +
                        std::string(60, 'x') + "...'"}),
    [](const testing::TestParamInfo<BadBaseline>& info) { return info.param.name; });

TEST(ReadBaseline, ReadsAFileAndNamesItInErrors) {
  TempDir dir;
  const auto path = dir.path() / "expected-failures.yml";
  std::ofstream(path) << "server:\n  - a.b\n  - c\n  - 'c'\n";
  auto baseline = read_baseline(path);
  ASSERT_FALSE(baseline);
  EXPECT_EQ(baseline.error(), "[mcpgym.conform.bad_baseline] " + path.string() +
                                  ":4: 'c' is listed twice (first on line 3)");
  std::ofstream(path) << "server:\n  - a.b\n";
  baseline = read_baseline(path);
  ASSERT_TRUE(baseline) << baseline.error();
  EXPECT_EQ(baseline->entries, Entries{"a.b"});
}

TEST(ReadBaseline, MissingFileAndDirectory) {
  TempDir dir;
  const auto missing = dir.path() / "nope.yml";
  auto baseline = read_baseline(missing);
  ASSERT_FALSE(baseline);
  EXPECT_EQ(baseline.error(), "[mcpgym.conform.bad_baseline] cannot read " + missing.string() +
                                  ": No such file or directory");
  baseline = read_baseline(dir.path());
  ASSERT_FALSE(baseline);
  EXPECT_EQ(baseline.error(), "[mcpgym.conform.bad_baseline] cannot read " + dir.path().string() +
                                  ": Is a directory");
}

TEST(BaselineLists, MatchesIdsAndGlobs) {
  const Baseline baseline{{"headers.accept-missing", "sessions.*", "http.batch-?", "a*b*c"}};
  EXPECT_TRUE(baseline.lists("headers.accept-missing"));
  EXPECT_FALSE(baseline.lists("headers.accept-missing2"));
  EXPECT_FALSE(baseline.lists("headers"));
  EXPECT_TRUE(baseline.lists("sessions.id-unpredictable"));
  EXPECT_TRUE(baseline.lists("sessions."));
  EXPECT_FALSE(baseline.lists("sessions"));
  EXPECT_TRUE(baseline.lists("http.batch-1"));
  EXPECT_FALSE(baseline.lists("http.batch-"));
  EXPECT_FALSE(baseline.lists("http.batch-12"));
  EXPECT_TRUE(baseline.lists("a-b-c"));
  EXPECT_TRUE(baseline.lists("abc"));
  EXPECT_TRUE(baseline.lists("axxbyybzc"));
  EXPECT_FALSE(baseline.lists("axxbyy"));
  EXPECT_FALSE(Baseline{}.lists("anything"));
  EXPECT_TRUE(Baseline{{"*"}}.lists(""));
}

CheckResult result(std::string id, Verdict verdict, bool baselined = false) {
  CheckResult r;
  r.id = std::move(id);
  r.verdict = verdict;
  r.baselined = baselined;
  return r;
}

TEST(ApplyBaseline, SortsFailuresAndFindsStaleEntries) {
  const Baseline baseline{{
      "headers.*",   // a fail and a warn: expected
      "headers.a",   // overlaps headers.*; its check fails: not stale
      "sessions.x",  // an error: expected
      "batch.p",     // passes: stale
      "skipper.*",   // only a skip: not stale
      "mix.*",       // a pass and a skip: stale (the skip says nothing)
      "nothing.*",   // matches nothing: not stale
      "half.*",      // a pass and a fail: not stale
  }};
  std::vector<CheckResult> results = {
      result("headers.a", Verdict::kFail),       result("headers.b", Verdict::kWarn),
      result("sessions.x", Verdict::kError),     result("lifecycle.y", Verdict::kFail),
      result("lifecycle.z", Verdict::kWarn),     result("http.e", Verdict::kError),
      result("batch.p", Verdict::kPass),         result("skipper.s", Verdict::kSkip),
      result("mix.pass", Verdict::kPass),        result("mix.skip", Verdict::kSkip),
      result("half.pass", Verdict::kPass),       result("half.fail", Verdict::kFail),
      result("free.pass", Verdict::kPass, true),  // a stale mark from before is cleared
      result("free.skip", Verdict::kSkip),
  };
  const BaselineVerdict verdict = apply_baseline(baseline, results);
  EXPECT_TRUE(verdict.given);
  EXPECT_EQ(verdict.expected_failures,
            (Entries{"headers.a", "headers.b", "sessions.x", "half.fail"}));
  EXPECT_EQ(verdict.unexpected_failures, (Entries{"lifecycle.y", "lifecycle.z", "http.e"}));
  EXPECT_EQ(verdict.stale_entries, (Entries{"batch.p", "mix.*"}));
  EXPECT_FALSE(verdict.ok());
  std::vector<bool> baselined;
  for (const CheckResult& r : results)
    baselined.push_back(r.baselined);
  EXPECT_EQ(baselined, (std::vector<bool>{true, true, true, false, false, false, true, true, true,
                                          true, true, true, false, false}));
}

TEST(ApplyBaseline, OkWhenEveryFailureIsListedAndNoEntryIsStale) {
  std::vector<CheckResult> results = {result("a.fail", Verdict::kFail),
                                      result("a.warn", Verdict::kWarn),
                                      result("b.pass", Verdict::kPass)};
  const BaselineVerdict verdict = apply_baseline(Baseline{{"a.*"}}, results);
  EXPECT_EQ(verdict.expected_failures, (Entries{"a.fail", "a.warn"}));
  EXPECT_EQ(verdict.unexpected_failures, Entries{});
  EXPECT_EQ(verdict.stale_entries, Entries{});
  EXPECT_TRUE(verdict.ok());
}

TEST(ApplyBaseline, AnEmptyBaselineMakesEveryFailureUnexpected) {
  std::vector<CheckResult> results = {result("a.fail", Verdict::kFail),
                                      result("a.pass", Verdict::kPass)};
  const BaselineVerdict verdict = apply_baseline(Baseline{}, results);
  EXPECT_TRUE(verdict.given);
  EXPECT_EQ(verdict.expected_failures, Entries{});
  EXPECT_EQ(verdict.unexpected_failures, Entries{"a.fail"});
  EXPECT_EQ(verdict.stale_entries, Entries{});
  EXPECT_FALSE(verdict.ok());
}

}  // namespace
}  // namespace mcpgym::conformance
