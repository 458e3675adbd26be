// The JUnit XML reporter: one <testsuite> per area, one <testcase> per check.
#include <cstdio>
#include <map>
#include <vector>

#include "conformance/report/reporter.hpp"
#include "conformance/report/reporters.hpp"
#include "conformance/report/text.hpp"

namespace mcpgym::conformance {

using namespace report_text;

namespace {

constexpr std::size_t kJunitBytes = 4000;   // per field of a JUnit body
constexpr std::size_t kMessageBytes = 200;  // per field of a JUnit message

// 1234 ms -> "1.234", as JUnit's time attributes want.
std::string junit_seconds(std::chrono::milliseconds duration) {
  char text[32];
  const auto ms = static_cast<long long>(duration.count());
  std::snprintf(text, sizeof text, "%lld.%03lld", ms / 1000, ms % 1000);
  return text;
}

std::string xml_escaped(std::string_view text, bool attribute) {
  std::string out;
  for (const char c : clean(text)) {
    if (const char* entity = markup_entity(c)) {
      out += entity;
      continue;
    }
    switch (c) {
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      // A parser turns raw newlines and tabs in attributes into spaces.
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string attr(std::string_view text) {
  return xml_escaped(text, true);
}

// "HTTP-003 (MUST): expected 406; got 200", short enough for an attribute.
std::string junit_message(const CheckResult& result) {
  std::string text = clean(result.spec_id) + " (" + std::string(level_name(result.level)) + ")";
  if (!result.expected.empty())
    text += ": expected " + bounded(clean(result.expected), kMessageBytes);
  if (!result.actual.empty()) {
    text +=
        (result.expected.empty() ? ": " : "; got ") + bounded(clean(result.actual), kMessageBytes);
  }
  return text;
}

// Everything the result says, for the element's text.
std::string junit_body(const CheckResult& result, std::string_view first_line) {
  std::string text(first_line);
  text += "\nrule: " + result.spec_id + " (" + std::string(level_name(result.level)) + ")";
  if (!result.expected.empty())
    text += "\nexpected: " + bounded(clean(result.expected), kJunitBytes);
  if (!result.actual.empty()) text += "\nactual: " + bounded(clean(result.actual), kJunitBytes);
  for (const std::string& detail : result.details) {
    text += "\ndetail: " + bounded(clean(detail), kJunitBytes);
  }
  return xml_escaped(text, false);
}

struct SuiteCounts {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  std::chrono::milliseconds time{0};
};

std::string counts_attributes(const SuiteCounts& c) {
  return " tests=\"" + std::to_string(c.tests) + "\" failures=\"" + std::to_string(c.failures) +
         "\" errors=\"" + std::to_string(c.errors) + "\" skipped=\"" + std::to_string(c.skipped) +
         "\" time=\"" + junit_seconds(c.time) + "\"";
}

// One <testcase>. A baselined fail or error is an expected failure and is
// reported as skipped, as pytest reports xfail, so CI turns red only for what
// the baseline does not expect.
std::string junit_case(const CheckResult& r, SuiteCounts& counts) {
  ++counts.tests;
  counts.time += r.duration;
  std::string xml = "    <testcase classname=\"" + attr(area_of(r.id)) + "\" name=\"" + attr(r.id) +
                    "\" time=\"" + junit_seconds(r.duration) + "\"";
  const auto element = [&](const std::string& name, const std::string& type,
                           const std::string& message, const std::string& body) {
    xml += ">\n      <" + name + " message=\"" + attr(message) + "\" type=\"" + type + "\">" +
           body + "</" + name + ">\n    </testcase>\n";
  };
  const auto output = [&](const std::string& body) {
    xml += ">\n      <system-out>" + body + "</system-out>\n    </testcase>\n";
  };
  const bool expected =
      r.baselined && (r.verdict == Verdict::kFail || r.verdict == Verdict::kError);
  if (expected) {
    ++counts.skipped;
    element("skipped", "expected-failure", "expected by the baseline: " + junit_message(r),
            junit_body(r, "expected by the baseline: " + std::string(verdict_name(r.verdict))));
  } else if (r.verdict == Verdict::kFail) {
    ++counts.failures;
    element("failure", "fail", junit_message(r), junit_body(r, "fail"));
  } else if (r.verdict == Verdict::kError) {
    ++counts.errors;
    element("error", "error", junit_message(r), junit_body(r, "error: the check could not judge"));
  } else if (r.verdict == Verdict::kSkip) {
    ++counts.skipped;
    xml += ">\n      <skipped message=\"" + attr(bounded(clean(r.actual), kMessageBytes)) +
           "\"/>\n    </testcase>\n";
  } else if (r.verdict == Verdict::kWarn) {
    output(junit_body(r, r.baselined ? "warn (listed in the baseline)" : "warn"));
  } else if (r.baselined) {
    output(xml_escaped("pass, though the baseline lists it", false));
  } else {
    xml += "/>\n";
  }
  return xml;
}

}  // namespace

std::string report_junit(const RunReport& report) {
  // Areas in the order their first check ran.
  std::vector<std::string> areas;
  std::map<std::string, std::vector<const CheckResult*>> by_area;
  for (const CheckResult& r : report.results) {
    auto& list = by_area[area_of(r.id)];
    if (list.empty()) areas.push_back(area_of(r.id));
    list.push_back(&r);
  }
  SuiteCounts total;
  std::string suites;
  for (const std::string& area : areas) {
    SuiteCounts counts;
    std::string cases;
    for (const CheckResult* r : by_area[area])
      cases += junit_case(*r, counts);
    suites += "  <testsuite name=\"" + attr(area) + "\"" + counts_attributes(counts) + ">\n" +
              cases + "  </testsuite>\n";
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.errors += counts.errors;
    total.skipped += counts.skipped;
  }
  // A stale entry fails the run, so it fails a test case of its own.
  if (!report.baseline.stale_entries.empty()) {
    SuiteCounts counts;
    std::string cases;
    for (const std::string& entry : report.baseline.stale_entries) {
      ++counts.tests;
      ++counts.failures;
      cases += "    <testcase classname=\"baseline\" name=\"" + attr(entry) +
               "\" time=\"0.000\">\n      <failure message=\"stale baseline entry: every check "
               "it lists passes; remove it\" type=\"stale\"/>\n    </testcase>\n";
    }
    suites += "  <testsuite name=\"baseline\"" + counts_attributes(counts) + ">\n" + cases +
              "  </testsuite>\n";
    total.tests += counts.tests;
    total.failures += counts.failures;
  }
  total.time = report.duration;
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" +
         attr("mcpgym conformance: " + report.profile.name) + "\"" + counts_attributes(total) +
         ">\n" + suites + "</testsuites>\n";
}

class JunitReporter final : public Reporter {
 public:
  std::string_view name() const override { return "junit"; }
  std::string_view file_name() const override { return "junit.xml"; }
  std::string_view help() const override { return "write JUnit XML"; }
  std::string render(const RunReport& report, bool) const override { return report_junit(report); }
};

const Reporter& junit_reporter() {
  static const JunitReporter reporter;
  return reporter;
}

}  // namespace mcpgym::conformance
