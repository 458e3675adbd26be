#pragma once
// Reporters: what a RunReport looks like to people and to CI. Separate from
// the runner, which knows nothing of them. One file per format (console.cpp,
// json.cpp, junit.cpp, markdown.cpp); the file formats are also Reporters
// (reporter.hpp), which mcpgym-conform uses through their registry.
#include <filesystem>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "common/expected.hpp"
#include "conformance/core/runner.hpp"

namespace mcpgym::conformance {

// Console: one progress line per check as it ends ("[ 12/80] fail  HTTP-003 headers.accept-missing
// (3 ms)" plus, for fail/warn/error, expected/actual indented below), then a summary.
void print_progress(std::ostream& out, const CheckResult& result, std::size_t index,
                    std::size_t total);
void print_summary(std::ostream& out, const RunReport& report, bool strict);

// The JSON report: {"profile":{...},"summary":{"pass":n,...,"exit_status":n},
// "results":[{"id","spec_id","level","verdict","expected","actual","details",
// "duration_ms","baselined"}], "baseline":{...}}.
nlohmann::json report_json(const RunReport& report, bool strict);
// JUnit XML: one <testsuite> per area, one <testcase classname="<area>"
// name="<check id>"> per check; fail -> <failure>, error -> <error>,
// skip -> <skipped>, warn -> passes with <system-out> saying so.
std::string report_junit(const RunReport& report);
// Markdown for a CI summary: a verdict line, a table of counts, a table of
// every non-passing check (id, rule, level, verdict, expected, actual), and
// the baseline's verdict.
std::string report_markdown(const RunReport& report, bool strict);

// Writes `text` to `path` atomically (temporary file + rename). Errors start
// with [mcpgym.conform.io] and name the path.
Expected<void, std::string> write_report_file(const std::filesystem::path& path,
                                              const std::string& text);

}  // namespace mcpgym::conformance
