// The Markdown reporter, for a CI summary.
#include "conformance/report/reporter.hpp"
#include "conformance/report/reporters.hpp"
#include "conformance/report/text.hpp"

namespace mcpgym::conformance {

using namespace report_text;

namespace {

constexpr std::size_t kCellBytes = 300;  // per Markdown table cell

// Text for a table cell: valid UTF-8, bounded, Markdown and HTML escaped,
// newlines as <br> (a cell is one line).
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : bounded(clean(text), kCellBytes)) {
    if (const char* entity = markup_entity(c)) {
      out += entity;
      continue;
    }
    switch (c) {
      case '\n':
        out += "<br>";
        break;
      case '\t':
        out += ' ';
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '~':
      case '#':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string report_markdown(const RunReport& report, bool strict) {
  std::string md = "## Conformance: " + cell(report.profile.name) + "\n\n**" +
                   conformance_line(report, strict) + "** (exit status " +
                   std::to_string(report.exit_status(strict)) + ")\n\n";
  md += "| checks | pass | fail | warn | skip | error | time |\n";
  md += "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  md += "| " + std::to_string(report.results.size());
  for (Verdict v :
       {Verdict::kPass, Verdict::kFail, Verdict::kWarn, Verdict::kSkip, Verdict::kError}) {
    md += " | " + std::to_string(report.count(v));
  }
  md += " | " + seconds_text(report.duration) + " |\n";

  std::string rows;
  for (const CheckResult& r : report.results) {
    if (!failing(r.verdict)) continue;
    rows += "| " + cell(r.id) + " | " + cell(r.spec_id) + " | " + std::string(level_name(r.level)) +
            " | " + std::string(verdict_name(r.verdict)) + (r.baselined ? " (baselined)" : "") +
            " | " + cell(r.expected) + " | " + cell(r.actual) + " |\n";
  }
  md += "\n### Not passing\n\n";
  md += rows.empty() ? "Every check passed or was skipped.\n"
                     : "| check | rule | level | verdict | expected | actual |\n"
                       "| --- | --- | --- | --- | --- | --- |\n" +
                           rows;

  const BaselineVerdict& b = report.baseline;
  if (b.given) {
    md += "\n### Baseline\n\n" + std::string(b.ok() ? "ok" : "**NOT ok**") + ": " +
          std::to_string(b.expected_failures.size()) + " expected failure(s), " +
          std::to_string(b.unexpected_failures.size()) + " unexpected, " +
          std::to_string(b.stale_entries.size()) + " stale entry(ies)\n";
    if (!b.unexpected_failures.empty() || !b.stale_entries.empty()) md += "\n";
    for (const std::string& id : b.unexpected_failures) {
      md += "- unexpected: " + cell(id) + " (not passing, and not in the baseline)\n";
    }
    for (const std::string& entry : b.stale_entries) {
      md += "- stale: " + cell(entry) + " (every check it lists passes; remove it)\n";
    }
  }
  return md;
}

class MarkdownReporter final : public Reporter {
 public:
  std::string_view name() const override { return "markdown"; }
  std::string_view file_name() const override { return "report.md"; }
  std::string_view help() const override { return "write the Markdown report"; }
  std::string render(const RunReport& report, bool strict) const override {
    return report_markdown(report, strict);
  }
};

const Reporter& markdown_reporter() {
  static const MarkdownReporter reporter;
  return reporter;
}

}  // namespace mcpgym::conformance
