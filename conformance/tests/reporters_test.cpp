// The reporters, output by output: console lines, JSON, JUnit XML (read back
// by Python's XML parser), Markdown, and the atomic file write.
#include "conformance/report/reporters.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/testing/temp_dir.hpp"
#include "conformance/core/baseline.hpp"
#include "conformance/report/reporter.hpp"

namespace mcpgym::conformance {
namespace {

using std::chrono::milliseconds;

const std::string kFffd = "\xEF\xBF\xBD";  // U+FFFD, what invalid bytes become
const std::string kEllipsis = "\xE2\x80\xA6";

CheckResult result(std::string id, std::string spec_id, Level level, Verdict verdict,
                   std::string expected, std::string actual, milliseconds duration,
                   std::vector<std::string> details = {}) {
  CheckResult r;
  r.id = std::move(id);
  r.spec_id = std::move(spec_id);
  r.level = level;
  r.verdict = verdict;
  r.expected = std::move(expected);
  r.actual = std::move(actual);
  r.details = std::move(details);
  r.duration = duration;
  return r;
}

// One result of each verdict, over three areas.
RunReport sample_report() {
  RunReport report;
  report.profile.name = "lake-server";
  report.profile.command = "lake --port {port}";
  report.duration = milliseconds(2345);
  report.results = {
      result("lifecycle.initialize", "LIFE-001", Level::kMust, Verdict::kPass, "a result",
             "a result", milliseconds(12)),
      result("headers.accept-missing", "HTTP-003", Level::kShould, Verdict::kWarn, "HTTP 406",
             "HTTP 200", milliseconds(3)),
      result("headers.origin", "HTTP-010", Level::kMust, Verdict::kFail, "HTTP 403",
             "HTTP 200\nbody: ok", milliseconds(5), {"POST /mcp Origin: http://evil.example"}),
      result("sessions.stdio", "STDIO-001", Level::kMust, Verdict::kSkip, "",
             "applies to transport stdio", milliseconds(0)),
      result("sessions.id-unpredictable", "SESS-005", Level::kMust, Verdict::kError, "",
             "could not connect: refused", milliseconds(1500)),
  };
  return report;
}

// The sample judged against a baseline that expects every failure and lists
// the passing lifecycle check (stale).
RunReport baselined_report() {
  RunReport report = sample_report();
  report.baseline = apply_baseline(
      Baseline{{"headers.*", "sessions.id-unpredictable", "lifecycle.*"}}, report.results);
  return report;
}

std::string progress(const CheckResult& r, std::size_t index, std::size_t total) {
  std::ostringstream out;
  print_progress(out, r, index, total);
  return out.str();
}

std::string summary(const RunReport& report, bool strict) {
  std::ostringstream out;
  print_summary(out, report, strict);
  return out.str();
}

using mcpgym::test_support::TempDir;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// ---- console ----

TEST(PrintProgress, OneLinePerCheckAndExpectedActualForWhatDidNotPass) {
  const RunReport report = sample_report();
  std::string out;
  for (std::size_t i = 0; i < report.results.size(); ++i)
    out += progress(report.results[i], i, 5);
  EXPECT_EQ(out,
            "[  1/5] pass  LIFE-001 lifecycle.initialize (12 ms)\n"
            "[  2/5] warn  HTTP-003 headers.accept-missing (3 ms)\n"
            "      expected: HTTP 406\n"
            "      actual:   HTTP 200\n"
            "[  3/5] fail  HTTP-010 headers.origin (5 ms)\n"
            "      expected: HTTP 403\n"
            "      actual:   HTTP 200\n"
            "                body: ok\n"
            "[  4/5] skip  STDIO-001 sessions.stdio (0 ms)\n"
            "[  5/5] error SESS-005 sessions.id-unpredictable (1500 ms)\n"
            "      actual:   could not connect: refused\n");
}

TEST(PrintProgress, CounterIsRightAlignedInAtLeastThreeColumns) {
  const CheckResult r =
      result("a.b", "A-001", Level::kMust, Verdict::kPass, "", "", milliseconds(1));
  EXPECT_EQ(progress(r, 11, 80), "[ 12/80] pass  A-001 a.b (1 ms)\n");
  EXPECT_EQ(progress(r, 0, 1000), "[   1/1000] pass  A-001 a.b (1 ms)\n");
  EXPECT_EQ(progress(r, 999, 1000), "[1000/1000] pass  A-001 a.b (1 ms)\n");
}

TEST(PrintProgress, NeutralizesControlsAndInvalidUtf8AndBoundsLongText) {
  CheckResult r = result("a.b", "A-001", Level::kMust, Verdict::kFail, std::string(600, 'e'),
                         "red\x1b[31m\r\nbad \xff end\r", milliseconds(7));
  r.baselined = true;
  EXPECT_EQ(progress(r, 0, 1),
            "[  1/1] fail  A-001 a.b (7 ms, baselined)\n"
            "      expected: " +
                std::string(500, 'e') + kEllipsis + "\n" + "      actual:   red" + kFffd +
                "[31m\n" + "                bad " + kFffd + " end" + kFffd + "\n");
}

TEST(PrintSummary, CountsFailuresAndTheConformanceLine) {
  const std::string failures =
      "\nlake-server: 5 checks in 2.3 s: 1 pass, 1 fail, 1 warn, 1 skip, 1 error\n"
      "not passing:\n"
      "  warn  HTTP-003 headers.accept-missing (SHOULD)\n"
      "      expected: HTTP 406\n"
      "      actual:   HTTP 200\n"
      "  fail  HTTP-010 headers.origin (MUST)\n"
      "      expected: HTTP 403\n"
      "      actual:   HTTP 200\n"
      "                body: ok\n"
      "  error SESS-005 sessions.id-unpredictable (MUST)\n"
      "      actual:   could not connect: refused\n";
  EXPECT_EQ(summary(sample_report(), false),
            failures + "NOT conformant: 1 MUST rule(s) failed, 1 check(s) ended in error\n");
  EXPECT_EQ(summary(sample_report(), true),
            failures +
                "NOT conformant: 1 MUST rule(s) failed, 1 check(s) ended in error, 1 SHOULD "
                "rule(s) warned (strict)\n");
}

TEST(PrintSummary, ConformantWhenEveryMustPasses) {
  RunReport report = sample_report();
  report.results.erase(report.results.begin() + 4);  // the error
  report.results.erase(report.results.begin() + 2);  // the fail
  EXPECT_EQ(summary(report, false),
            "\nlake-server: 3 checks in 2.3 s: 1 pass, 0 fail, 1 warn, 1 skip, 0 error\n"
            "not passing:\n"
            "  warn  HTTP-003 headers.accept-missing (SHOULD)\n"
            "      expected: HTTP 406\n"
            "      actual:   HTTP 200\n"
            "conformant: every MUST passes\n");
  EXPECT_EQ(summary(report, true),
            "\nlake-server: 3 checks in 2.3 s: 1 pass, 0 fail, 1 warn, 1 skip, 0 error\n"
            "not passing:\n"
            "  warn  HTTP-003 headers.accept-missing (SHOULD)\n"
            "      expected: HTTP 406\n"
            "      actual:   HTTP 200\n"
            "NOT conformant: 1 SHOULD rule(s) warned (strict)\n");
  report.results.erase(report.results.begin() + 1);  // the warning
  EXPECT_EQ(summary(report, true),
            "\nlake-server: 2 checks in 2.3 s: 1 pass, 0 fail, 0 warn, 1 skip, 0 error\n"
            "conformant: every MUST passes and no SHOULD warns (strict)\n");
}

TEST(PrintSummary, NoChecksJudgesNothing) {
  RunReport report;
  report.profile.name = std::string("x");  // not = "x": g++ 12 -O3 false -Wrestrict
  EXPECT_EQ(summary(report, false),
            "\nx: 0 checks in 0.0 s: 0 pass, 0 fail, 0 warn, 0 skip, 0 error\n"
            "nothing judged: no check ran\n");
}

TEST(PrintSummary, ShowsTheBaselineVerdict) {
  EXPECT_EQ(summary(baselined_report(), false),
            "\nlake-server: 5 checks in 2.3 s: 1 pass, 1 fail, 1 warn, 1 skip, 1 error\n"
            "not passing:\n"
            "  warn  HTTP-003 headers.accept-missing (SHOULD, baselined)\n"
            "      expected: HTTP 406\n"
            "      actual:   HTTP 200\n"
            "  fail  HTTP-010 headers.origin (MUST, baselined)\n"
            "      expected: HTTP 403\n"
            "      actual:   HTTP 200\n"
            "                body: ok\n"
            "  error SESS-005 sessions.id-unpredictable (MUST, baselined)\n"
            "      actual:   could not connect: refused\n"
            "baseline: NOT ok, 3 expected failure(s), 0 unexpected, 1 stale entry(ies)\n"
            "  stale: lifecycle.* (every check it lists passes; remove it)\n"
            "NOT conformant: 1 MUST rule(s) failed, 1 check(s) ended in error (2 listed in the "
            "baseline)\n");

  RunReport report = sample_report();
  report.baseline = apply_baseline(Baseline{{"headers.accept-missing"}}, report.results);
  const std::string text = summary(report, false);
  EXPECT_EQ(text.substr(text.find("baseline:")),
            "baseline: NOT ok, 1 expected failure(s), 2 unexpected, 0 stale entry(ies)\n"
            "  unexpected: headers.origin (not passing, and not in the baseline)\n"
            "  unexpected: sessions.id-unpredictable (not passing, and not in the baseline)\n"
            "NOT conformant: 1 MUST rule(s) failed, 1 check(s) ended in error\n");

  report = sample_report();
  report.results.erase(report.results.begin());  // the passing check
  report.baseline = apply_baseline(Baseline{{"headers.*", "sessions.*"}}, report.results);
  const std::string ok = summary(report, false);
  EXPECT_EQ(ok.substr(ok.find("baseline:")),
            "baseline: ok, 3 expected failure(s), 0 unexpected, 0 stale entry(ies)\n"
            "NOT conformant: 1 MUST rule(s) failed, 1 check(s) ended in error (2 listed in the "
            "baseline)\n");
}

// ---- JSON ----

TEST(ReportJson, HasProfileSummaryResultsAndBaseline) {
  const RunReport report = sample_report();
  const json expected = {{"profile", report.profile.to_json()},
                         {"summary",
                          {{"total", 5},
                           {"pass", 1},
                           {"fail", 1},
                           {"warn", 1},
                           {"skip", 1},
                           {"error", 1},
                           {"duration_ms", 2345},
                           {"strict", true},
                           {"exit_status", 1}}},
                         {"results", json::parse(R"([
        {"id": "lifecycle.initialize", "spec_id": "LIFE-001", "level": "MUST", "verdict": "pass",
         "expected": "a result", "actual": "a result", "details": [], "duration_ms": 12,
         "baselined": false},
        {"id": "headers.accept-missing", "spec_id": "HTTP-003", "level": "SHOULD",
         "verdict": "warn", "expected": "HTTP 406", "actual": "HTTP 200", "details": [],
         "duration_ms": 3, "baselined": false},
        {"id": "headers.origin", "spec_id": "HTTP-010", "level": "MUST", "verdict": "fail",
         "expected": "HTTP 403", "actual": "HTTP 200\nbody: ok",
         "details": ["POST /mcp Origin: http://evil.example"], "duration_ms": 5,
         "baselined": false},
        {"id": "sessions.stdio", "spec_id": "STDIO-001", "level": "MUST", "verdict": "skip",
         "expected": "", "actual": "applies to transport stdio", "details": [], "duration_ms": 0,
         "baselined": false},
        {"id": "sessions.id-unpredictable", "spec_id": "SESS-005", "level": "MUST",
         "verdict": "error", "expected": "", "actual": "could not connect: refused",
         "details": [], "duration_ms": 1500, "baselined": false}
      ])")},
                         {"baseline", nullptr}};
  EXPECT_EQ(report_json(report, true), expected);
}

TEST(ReportJson, CarriesTheBaselineVerdictAndMarks) {
  const json document = report_json(baselined_report(), false);
  EXPECT_EQ(document["baseline"], json::parse(R"({
      "ok": false,
      "expected_failures": ["headers.accept-missing", "headers.origin", "sessions.id-unpredictable"],
      "unexpected_failures": [], "stale_entries": ["lifecycle.*"]})"));
  std::vector<bool> marks;
  for (const json& r : document["results"])
    marks.push_back(r["baselined"].get<bool>());
  EXPECT_EQ(marks, (std::vector<bool>{true, true, true, false, true}));
  EXPECT_EQ(document["summary"]["exit_status"], 1);  // the stale entry
}

TEST(ReportJson, IsValidUtf8WhateverTheImplementationSent) {
  RunReport report;
  report.profile.name = "bad\xff";
  report.results = {result("a.b", "A-001", Level::kMust, Verdict::kFail, "\xc3\x28",
                           std::string("nul\0ctl\x01 ok \xe2\x82\xac", 15), milliseconds(1),
                           {"\xed\xa0\x80surrogate"})};
  const json document = report_json(report, false);
  const json& r = document["results"][0];
  EXPECT_EQ(r["expected"], kFffd + "(");
  // Controls are kept: JSON escapes them.
  EXPECT_EQ(r["actual"], std::string("nul\0ctl\x01 ok \xe2\x82\xac", 15));
  EXPECT_EQ(r["details"], json::array({kFffd + kFffd + kFffd + "surrogate"}));
  EXPECT_EQ(document["profile"]["name"], "bad" + kFffd);
  EXPECT_EQ(r.dump(), std::string(R"({"actual":"nul\u0000ctl\u0001 ok )") + "\xe2\x82\xac" +
                          R"(","baselined":false,"details":[")" + kFffd + kFffd + kFffd +
                          R"(surrogate"],"duration_ms":1,"expected":")" + kFffd +
                          R"((","id":"a.b","level":"MUST","spec_id":"A-001","verdict":"fail"})");
}

// ---- JUnit ----

const std::string kSampleJunit =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="mcpgym conformance: lake-server" tests="5" failures="1" errors="1" skipped="1" time="2.345">
  <testsuite name="lifecycle" tests="1" failures="0" errors="0" skipped="0" time="0.012">
    <testcase classname="lifecycle" name="lifecycle.initialize" time="0.012"/>
  </testsuite>
  <testsuite name="headers" tests="2" failures="1" errors="0" skipped="0" time="0.008">
    <testcase classname="headers" name="headers.accept-missing" time="0.003">
      <system-out>warn
rule: HTTP-003 (SHOULD)
expected: HTTP 406
actual: HTTP 200</system-out>
    </testcase>
    <testcase classname="headers" name="headers.origin" time="0.005">
      <failure message="HTTP-010 (MUST): expected HTTP 403; got HTTP 200&#10;body: ok" type="fail">fail
rule: HTTP-010 (MUST)
expected: HTTP 403
actual: HTTP 200
body: ok
detail: POST /mcp Origin: http://evil.example</failure>
    </testcase>
  </testsuite>
  <testsuite name="sessions" tests="2" failures="0" errors="1" skipped="1" time="1.500">
    <testcase classname="sessions" name="sessions.stdio" time="0.000">
      <skipped message="applies to transport stdio"/>
    </testcase>
    <testcase classname="sessions" name="sessions.id-unpredictable" time="1.500">
      <error message="SESS-005 (MUST): could not connect: refused" type="error">error: the check could not judge
rule: SESS-005 (MUST)
actual: could not connect: refused</error>
    </testcase>
  </testsuite>
</testsuites>
)";

TEST(ReportJunit, OneSuitePerAreaOneCasePerCheck) {
  EXPECT_EQ(report_junit(sample_report()), kSampleJunit);
}

TEST(ReportJunit, BaselinedFailuresAreSkippedAndStaleEntriesFail) {
  EXPECT_EQ(report_junit(baselined_report()),
            R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="mcpgym conformance: lake-server" tests="6" failures="1" errors="0" skipped="3" time="2.345">
  <testsuite name="lifecycle" tests="1" failures="0" errors="0" skipped="0" time="0.012">
    <testcase classname="lifecycle" name="lifecycle.initialize" time="0.012">
      <system-out>pass, though the baseline lists it</system-out>
    </testcase>
  </testsuite>
  <testsuite name="headers" tests="2" failures="0" errors="0" skipped="1" time="0.008">
    <testcase classname="headers" name="headers.accept-missing" time="0.003">
      <system-out>warn (listed in the baseline)
rule: HTTP-003 (SHOULD)
expected: HTTP 406
actual: HTTP 200</system-out>
    </testcase>
    <testcase classname="headers" name="headers.origin" time="0.005">
      <skipped message="expected by the baseline: HTTP-010 (MUST): expected HTTP 403; got HTTP 200&#10;body: ok" type="expected-failure">expected by the baseline: fail
rule: HTTP-010 (MUST)
expected: HTTP 403
actual: HTTP 200
body: ok
detail: POST /mcp Origin: http://evil.example</skipped>
    </testcase>
  </testsuite>
  <testsuite name="sessions" tests="2" failures="0" errors="0" skipped="2" time="1.500">
    <testcase classname="sessions" name="sessions.stdio" time="0.000">
      <skipped message="applies to transport stdio"/>
    </testcase>
    <testcase classname="sessions" name="sessions.id-unpredictable" time="1.500">
      <skipped message="expected by the baseline: SESS-005 (MUST): could not connect: refused" type="expected-failure">expected by the baseline: error
rule: SESS-005 (MUST)
actual: could not connect: refused</skipped>
    </testcase>
  </testsuite>
  <testsuite name="baseline" tests="1" failures="1" errors="0" skipped="0" time="0.000">
    <testcase classname="baseline" name="lifecycle.*" time="0.000">
      <failure message="stale baseline entry: every check it lists passes; remove it" type="stale"/>
    </testcase>
  </testsuite>
</testsuites>
)");
}

TEST(ReportJunit, EmptyRun) {
  RunReport report;
  report.profile.name = std::string("x");  // not = "x": g++ 12 -O3 false -Wrestrict
  EXPECT_EQ(report_junit(report),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mcpgym conformance: "
            "x\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.000\">\n"
            "</testsuites>\n");
}

// What an implementation might answer: controls, a CDATA end, both quotes,
// markup, invalid UTF-8 (a lone 0xff, a truncated sequence, an encoded
// surrogate), CR LF, DEL and U+FFFE, which XML 1.0 forbids.
const std::string kHostile = std::string("ctl\x01\x1b[0m") + '\0' +
                             " ]]> \"q\" 'a' <tag> & bad\xff" + " utf8 \xc3(" + " \xed\xa0\x80" +
                             " ok\r\nnext\x7f" + "\xef\xbf\xbe";
// The same, as a consumer reads it back.
const std::string kHostileRead = "ctl" + kFffd + kFffd + "[0m" + kFffd +
                                 " ]]> \"q\" 'a' <tag> & bad" + kFffd + " utf8 " + kFffd + "(" +
                                 " " + kFffd + kFffd + kFffd + " ok\nnext" + kFffd + kFffd;

RunReport hostile_report() {
  RunReport report;
  report.profile.name = "evil\"<&>'";
  report.duration = milliseconds(1);
  report.results = {
      result("hostile.fail", "HTTP-0\"1", Level::kMust, Verdict::kFail, "]]>", kHostile,
             milliseconds(1), {kHostile}),
      result("hostile.skip", "A-001", Level::kMust, Verdict::kSkip, "", kHostile, milliseconds(0)),
      result("hostile.warn", "A-002", Level::kShould, Verdict::kWarn, "<x/>", kHostile,
             milliseconds(0)),
  };
  return report;
}

struct Command {
  int status = -1;
  std::string out;
};

Command run(const std::string& command) {
  Command result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

constexpr const char* kPython = "/usr/bin/python3";

// Python's parser on a written report: exit status 0 means well-formed.
Command python_parse(const std::filesystem::path& file) {
  return run(std::string(kPython) +
             " -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' '" +
             file.string() + "' 2>&1");
}

// The whole tree as JSON: {"tag", "attrib", "text", "children"}.
json python_tree(const std::filesystem::path& file) {
  const Command c = run(std::string(kPython) + " -c '" +
                        "import sys, json, xml.etree.ElementTree as ET\n"
                        "def tree(e):\n"
                        "  return {\"tag\": e.tag, \"attrib\": e.attrib, \"text\": e.text,\n"
                        "          \"children\": [tree(c) for c in e]}\n"
                        "print(json.dumps(tree(ET.parse(sys.argv[1]).getroot())))' '" +
                        file.string() + "'");
  if (c.status != 0) throw std::runtime_error("python failed: " + c.out);
  return json::parse(c.out);
}

TEST(ReportJunit, PythonsXmlParserReadsItWhateverTheImplementationSent) {
  if (::access(kPython, X_OK) != 0) GTEST_SKIP() << kPython << " is missing: nothing to parse with";
  TempDir dir;
  const auto sample = dir.path() / "sample.xml";
  const auto hostile = dir.path() / "hostile.xml";
  ASSERT_TRUE(write_report_file(sample, report_junit(sample_report())));
  ASSERT_TRUE(write_report_file(hostile, report_junit(hostile_report())));
  const Command parsed_sample = python_parse(sample);
  EXPECT_EQ(parsed_sample.status, 0) << parsed_sample.out;
  const Command parsed_hostile = python_parse(hostile);
  EXPECT_EQ(parsed_hostile.status, 0) << parsed_hostile.out;

  const json root = python_tree(hostile);
  EXPECT_EQ(root["attrib"], json({{"name", "mcpgym conformance: evil\"<&>'"},
                                  {"tests", "3"},
                                  {"failures", "1"},
                                  {"errors", "0"},
                                  {"skipped", "1"},
                                  {"time", "0.001"}}));
  const json& suite = root["children"][0];
  EXPECT_EQ(suite["attrib"]["name"], "hostile");
  const json& failure = suite["children"][0]["children"][0];
  EXPECT_EQ(failure["tag"], "failure");
  EXPECT_EQ(
      failure["attrib"],
      json({{"message", "HTTP-0\"1 (MUST): expected ]]>; got " + kHostileRead}, {"type", "fail"}}));
  EXPECT_EQ(failure["text"], "fail\nrule: HTTP-0\"1 (MUST)\nexpected: ]]>\nactual: " +
                                 kHostileRead + "\ndetail: " + kHostileRead);
  const json& skipped = suite["children"][1]["children"][0];
  EXPECT_EQ(skipped["attrib"], json({{"message", kHostileRead}}));
  const json& output = suite["children"][2]["children"][0];
  EXPECT_EQ(output["tag"], "system-out");
  EXPECT_EQ(output["text"], "warn\nrule: A-002 (SHOULD)\nexpected: <x/>\nactual: " + kHostileRead);
}

TEST(ReportJunit, EscapesMarkupAndKeepsAttributeNewlines) {
  const std::string xml = report_junit(hostile_report());
  const std::string escaped_read = "ctl" + kFffd + kFffd + "[0m" + kFffd +
                                   " ]]&gt; &quot;q&quot; &apos;a&apos; &lt;tag&gt; &amp; bad" +
                                   kFffd + " utf8 " + kFffd + "( " + kFffd + kFffd + kFffd;
  EXPECT_NE(xml.find("<testsuites name=\"mcpgym conformance: evil&quot;&lt;&amp;&gt;&apos;\""),
            std::string::npos)
      << xml;
  EXPECT_NE(
      xml.find("<skipped message=\"" + escaped_read + " ok&#10;next" + kFffd + kFffd + "\"/>"),
      std::string::npos)
      << xml;
  EXPECT_NE(xml.find(">fail\nrule: HTTP-0&quot;1 (MUST)\nexpected: ]]&gt;\nactual: " +
                     escaped_read + " ok\nnext" + kFffd + kFffd + "\n"),
            std::string::npos)
      << xml;
}

// ---- Markdown ----

TEST(ReportMarkdown, VerdictCountsAndNonPassingChecks) {
  EXPECT_EQ(report_markdown(sample_report(), false),
            "## Conformance: lake-server\n"
            "\n"
            "**NOT conformant: 1 MUST rule(s) failed, 1 check(s) ended in error** (exit status 1)\n"
            "\n"
            "| checks | pass | fail | warn | skip | error | time |\n"
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            "| 5 | 1 | 1 | 1 | 1 | 1 | 2.3 s |\n"
            "\n"
            "### Not passing\n"
            "\n"
            "| check | rule | level | verdict | expected | actual |\n"
            "| --- | --- | --- | --- | --- | --- |\n"
            "| headers.accept-missing | HTTP-003 | SHOULD | warn | HTTP 406 | HTTP 200 |\n"
            "| headers.origin | HTTP-010 | MUST | fail | HTTP 403 | HTTP 200<br>body: ok |\n"
            "| sessions.id-unpredictable | SESS-005 | MUST | error |  | could not connect: refused "
            "|\n");
}

TEST(ReportMarkdown, AllPassingAndTheBaseline) {
  RunReport report = sample_report();
  report.results = {report.results[0], report.results[3]};
  EXPECT_EQ(report_markdown(report, true),
            "## Conformance: lake-server\n"
            "\n"
            "**conformant: every MUST passes and no SHOULD warns (strict)** (exit status 0)\n"
            "\n"
            "| checks | pass | fail | warn | skip | error | time |\n"
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            "| 2 | 1 | 0 | 0 | 1 | 0 | 2.3 s |\n"
            "\n"
            "### Not passing\n"
            "\n"
            "Every check passed or was skipped.\n");

  const std::string md = report_markdown(baselined_report(), false);
  EXPECT_EQ(
      md.substr(md.find("| headers.accept")),
      "| headers.accept-missing | HTTP-003 | SHOULD | warn (baselined) | HTTP 406 | HTTP 200 |\n"
      "| headers.origin | HTTP-010 | MUST | fail (baselined) | HTTP 403 | HTTP 200<br>body: "
      "ok |\n"
      "| sessions.id-unpredictable | SESS-005 | MUST | error (baselined) |  | could not "
      "connect: refused |\n"
      "\n"
      "### Baseline\n"
      "\n"
      "**NOT ok**: 3 expected failure(s), 0 unexpected, 1 stale entry(ies)\n"
      "\n"
      "- stale: lifecycle.\\* (every check it lists passes; remove it)\n");

  report = sample_report();
  report.baseline = apply_baseline(Baseline{{"headers.*", "sessions.*"}}, report.results);
  const std::string ok = report_markdown(report, false);
  EXPECT_EQ(ok.substr(ok.find("### Baseline")),
            "### Baseline\n\nok: 3 expected failure(s), 0 unexpected, 0 stale entry(ies)\n");
  report.baseline = apply_baseline(Baseline{}, report.results);
  const std::string unexpected = report_markdown(report, false);
  EXPECT_EQ(unexpected.substr(unexpected.find("### Baseline")),
            "### Baseline\n\n**NOT ok**: 0 expected failure(s), 3 unexpected, 0 stale "
            "entry(ies)\n\n"
            "- unexpected: headers.accept-missing (not passing, and not in the baseline)\n"
            "- unexpected: headers.origin (not passing, and not in the baseline)\n"
            "- unexpected: sessions.id-unpredictable (not passing, and not in the baseline)\n");
}

TEST(ReportMarkdown, CellsAreEscapedOneLineAndBounded) {
  RunReport report;
  report.profile.name = "a|b";
  report.results = {result("x.y", "X-001", Level::kMust, Verdict::kFail,
                           "a|b\r\nc <script> & *d* _e_ `f` [g](h) \\ ~i~ #j\t\x01\xff",
                           std::string(400, 'z'), milliseconds(0))};
  EXPECT_EQ(report_markdown(report, false),
            "## Conformance: a\\|b\n"
            "\n"
            "**NOT conformant: 1 MUST rule(s) failed** (exit status 1)\n"
            "\n"
            "| checks | pass | fail | warn | skip | error | time |\n"
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            "| 1 | 0 | 1 | 0 | 0 | 0 | 0.0 s |\n"
            "\n"
            "### Not passing\n"
            "\n"
            "| check | rule | level | verdict | expected | actual |\n"
            "| --- | --- | --- | --- | --- | --- |\n"
            "| x.y | X-001 | MUST | fail | a\\|b<br>c &lt;script&gt; &amp; \\*d\\* \\_e\\_ \\`f\\` "
            "\\[g\\](h) \\\\ \\~i\\~ \\#j " +
                kFffd + kFffd + " | " + std::string(300, 'z') + kEllipsis + " |\n");
}

TEST(ReportMarkdown, BoundsMultibyteTextAtACharacterBoundary) {
  RunReport report;
  std::string euros = "a";
  for (int i = 0; i < 150; ++i)
    euros += "\xe2\x82\xac";  // 3 bytes each: byte 300 is mid-character
  report.results = {
      result("x.y", "X-001", Level::kMust, Verdict::kFail, "", euros, milliseconds(0))};
  const std::string md = report_markdown(report, false);
  EXPECT_EQ(md.substr(md.find("| x.y")),
            "| x.y | X-001 | MUST | fail |  | " + euros.substr(0, 298) + kEllipsis + " |\n");
}

// ---- files ----

// The registry lists every file format once, in the order mcpgym-conform
// writes them, and each renders exactly what its format's function returns.
TEST(ReportFormats, TheRegistryListsEachFileFormatOnce) {
  std::vector<std::string> names, files;
  for (const Reporter* format : report_formats()) {
    names.emplace_back(format->name());
    files.emplace_back(format->file_name());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"json", "junit", "markdown"}));
  EXPECT_EQ(files, (std::vector<std::string>{"report.json", "junit.xml", "report.md"}));
}

TEST(ReportFormats, EachRendersItsFormat) {
  const RunReport report = sample_report();
  EXPECT_EQ(json_reporter().render(report, true), report_json(report, true).dump(2) + "\n");
  EXPECT_EQ(junit_reporter().render(report, false), report_junit(report));
  EXPECT_EQ(markdown_reporter().render(report, true), report_markdown(report, true));
  // Only the JSON report is rewritten after every check.
  EXPECT_TRUE(json_reporter().after_every_check());
  EXPECT_FALSE(junit_reporter().after_every_check());
  EXPECT_FALSE(markdown_reporter().after_every_check());
}

TEST(WriteReportFile, WritesAndReplacesAtomicallyLeavingNothingBehind) {
  TempDir dir;
  const auto path = dir.path() / "out" / "nested" / "report.xml";
  ASSERT_TRUE(write_report_file(path, "first"));
  EXPECT_EQ(read_file(path), "first");
  ASSERT_TRUE(write_report_file(path, "second"));
  EXPECT_EQ(read_file(path), "second");
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path.parent_path())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"report.xml"});
}

TEST(WriteReportFile, ErrorsNameThePath) {
  TempDir dir;
  auto written = write_report_file(dir.path(), "x");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(),
            "[mcpgym.conform.io] cannot write " + dir.path().string() + ": Is a directory");

  const auto file = dir.path() / "file";
  ASSERT_TRUE(write_report_file(file, "x"));
  written = write_report_file(file / "report.xml", "x");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(),
            "[mcpgym.conform.io] cannot create directory " + file.string() + ": Not a directory");

  written = write_report_file(dir.path() / "dir/", "x");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), "[mcpgym.conform.io] cannot write " + (dir.path() / "dir/").string() +
                                 ": Is a directory");
}

}  // namespace
}  // namespace mcpgym::conformance
