// The console reporter: one progress line per check as it ends, then a summary.
#include <algorithm>
#include <ostream>

#include "conformance/report/reporters.hpp"
#include "conformance/report/text.hpp"

namespace mcpgym::conformance {

using namespace report_text;

namespace {

constexpr std::size_t kConsoleBytes = 500;  // per expected/actual on a console
constexpr std::string_view kBodyIndent = "      ";

// "      label value", continuation lines aligned under the value.
void print_field(std::ostream& out, std::string_view label, const std::string& value) {
  const std::string text = bounded(clean(value), kConsoleBytes);
  const std::string align(kBodyIndent.size() + label.size(), ' ');
  out << kBodyIndent << label;
  for (const char c : text) {
    out << c;
    if (c == '\n') out << align;
  }
  out << '\n';
}

void print_body(std::ostream& out, const CheckResult& result) {
  if (!result.expected.empty()) print_field(out, "expected: ", result.expected);
  if (!result.actual.empty()) print_field(out, "actual:   ", result.actual);
}

// "fail  HTTP-003 headers.accept-missing": the verdict padded to the longest name.
std::string verdict_and_check(const CheckResult& result) {
  std::string text(verdict_name(result.verdict));
  text.resize(5, ' ');
  text += " ";
  if (!result.spec_id.empty()) text += clean(result.spec_id) + " ";
  return text + clean(result.id);
}

}  // namespace

void print_progress(std::ostream& out, const CheckResult& result, std::size_t index,
                    std::size_t total) {
  // `index` counts from 0, as the runner's on_result gives it.
  // Right-aligned in at least three columns: "[ 12/80]".
  const std::string total_text = std::to_string(total);
  std::string position = std::to_string(index + 1);
  const std::size_t width = std::max<std::size_t>(3, total_text.size());
  if (position.size() < width) position.insert(0, width - position.size(), ' ');
  out << "[" << position << "/" << total_text << "] " << verdict_and_check(result) << " ("
      << result.duration.count() << " ms" << (result.baselined ? ", baselined" : "") << ")\n";
  if (failing(result.verdict)) print_body(out, result);
}

void print_summary(std::ostream& out, const RunReport& report, bool strict) {
  out << "\n"
      << clean(report.profile.name) << ": " << report.results.size() << " checks in "
      << seconds_text(report.duration) << ": " << counts_text(report) << "\n";
  bool heading = false;
  for (const CheckResult& r : report.results) {
    if (!failing(r.verdict)) continue;
    if (!heading) out << "not passing:\n";
    heading = true;
    out << "  " << verdict_and_check(r) << " (" << level_name(r.level)
        << (r.baselined ? ", baselined" : "") << ")\n";
    print_body(out, r);
  }
  const BaselineVerdict& b = report.baseline;
  if (b.given) {
    out << "baseline: " << (b.ok() ? "ok" : "NOT ok") << ", " << b.expected_failures.size()
        << " expected failure(s), " << b.unexpected_failures.size() << " unexpected, "
        << b.stale_entries.size() << " stale entry(ies)\n";
    for (const std::string& id : b.unexpected_failures) {
      out << "  unexpected: " << clean(id) << " (not passing, and not in the baseline)\n";
    }
    for (const std::string& entry : b.stale_entries) {
      out << "  stale: " << clean(entry) << " (every check it lists passes; remove it)\n";
    }
  }
  out << conformance_line(report, strict) << "\n";
}

}  // namespace mcpgym::conformance
