// The reporters: console lines, the JSON report, JUnit XML, Markdown, and the
// atomic file write they share. Results carry untrusted bytes (whatever the
// implementation answered), so every reporter first makes text valid UTF-8
// and then escapes it for its format: a report is always well-formed,
// whatever the implementation sent.
#include "conformance/report/reporters.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <ostream>
#include <system_error>
#include <vector>

#include "common/fd_io.hpp"
#include "common/random_id.hpp"

namespace mcpgym::conformance {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026
constexpr std::size_t kConsoleBytes = 500;                 // per expected/actual on a console
constexpr std::size_t kCellBytes = 300;                    // per Markdown table cell
constexpr std::size_t kJunitBytes = 4000;                  // per field of a JUnit body
constexpr std::size_t kMessageBytes = 200;                 // per field of a JUnit message

// The length of the well-formed UTF-8 sequence at the start of `text`
// (Unicode table 3-7: no overlongs, no surrogates, nothing past U+10FFFF), or 0.
std::size_t sequence_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// A C0 or C1 control other than tab and newline, DEL, or U+FFFE/U+FFFF
// (which XML 1.0 forbids), as one whole UTF-8 sequence.
bool unwanted(std::string_view sequence) {
  const auto lead = static_cast<unsigned char>(sequence[0]);
  if (sequence.size() == 1) return (lead < 0x20 && lead != '\t' && lead != '\n') || lead == 0x7F;
  if (sequence.size() == 2) return lead == 0xC2 && static_cast<unsigned char>(sequence[1]) < 0xA0;
  return sequence == "\xEF\xBF\xBE" || sequence == "\xEF\xBF\xBF";
}

// `text` as valid UTF-8: a byte that starts no well-formed sequence becomes
// U+FFFD. Unless `keep_controls`, "\r\n" becomes "\n" and every unwanted()
// character becomes U+FFFD too, so the text is safe on a terminal and in XML.
std::string clean(std::string_view text, bool keep_controls = false) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t length = sequence_length(text);
    const std::string_view sequence = text.substr(0, length == 0 ? 1 : length);
    if (length == 0) {
      out += kReplacement;
    } else if (!keep_controls && sequence == "\r" && text.substr(1, 1) == "\n") {
      // dropped; the newline follows
    } else if (!keep_controls && unwanted(sequence)) {
      out += kReplacement;
    } else {
      out += sequence;
    }
    text.remove_prefix(sequence.size());
  }
  return out;
}

// Valid UTF-8 `text` cut to at most about `max_bytes`, at a character
// boundary, with an ellipsis marking the cut.
std::string bounded(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  text.resize(cut);
  text += kEllipsis;
  return text;
}

// 1234 ms -> "1.2 s".
std::string seconds_text(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

// 1234 ms -> "1.234", as JUnit's time attributes want.
std::string junit_seconds(std::chrono::milliseconds duration) {
  char text[32];
  const auto ms = static_cast<long long>(duration.count());
  std::snprintf(text, sizeof text, "%lld.%03lld", ms / 1000, ms % 1000);
  return text;
}

bool failing(Verdict verdict) {
  return verdict == Verdict::kFail || verdict == Verdict::kWarn || verdict == Verdict::kError;
}

std::string area_of(const std::string& check_id) {
  return check_id.substr(0, check_id.find('.'));
}

// The last line of a summary: whether the implementation conforms.
std::string conformance_line(const RunReport& report, bool strict) {
  if (report.results.empty()) return "nothing judged: no check ran";
  std::size_t listed = 0;  // of the problems below, those the baseline expects
  for (const CheckResult& r : report.results) {
    const bool counted = r.verdict == Verdict::kFail || r.verdict == Verdict::kError ||
                         (strict && r.verdict == Verdict::kWarn);
    listed += counted && r.baselined;
  }
  std::vector<std::string> problems;
  if (const auto n = report.count(Verdict::kFail)) {
    problems.push_back(std::to_string(n) + " MUST rule(s) failed");
  }
  if (const auto n = report.count(Verdict::kError)) {
    problems.push_back(std::to_string(n) + " check(s) ended in error");
  }
  if (const auto n = report.count(Verdict::kWarn); strict && n > 0) {
    problems.push_back(std::to_string(n) + " SHOULD rule(s) warned (strict)");
  }
  if (problems.empty()) {
    return strict ? "conformant: every MUST passes and no SHOULD warns (strict)"
                  : "conformant: every MUST passes";
  }
  std::string line = "NOT conformant: ";
  for (std::size_t i = 0; i < problems.size(); ++i)
    line += (i ? ", " : "") + problems[i];
  if (listed > 0) line += " (" + std::to_string(listed) + " listed in the baseline)";
  return line;
}

std::string counts_text(const RunReport& report) {
  std::string text;
  for (Verdict v :
       {Verdict::kPass, Verdict::kFail, Verdict::kWarn, Verdict::kSkip, Verdict::kError}) {
    text += (text.empty() ? "" : ", ") + std::to_string(report.count(v)) + " " +
            std::string(verdict_name(v));
  }
  return text;
}

// ---- console ----

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

// ---- JUnit ----

std::string xml_escaped(std::string_view text, bool attribute) {
  std::string out;
  for (const char c : clean(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
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

// ---- Markdown ----

// Text for a table cell: valid UTF-8, bounded, Markdown and HTML escaped,
// newlines as <br> (a cell is one line).
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : bounded(clean(text), kCellBytes)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
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

// ---- JSON ----

void repair_strings(json& value) {
  if (value.is_string()) {
    value = clean(value.get_ref<const std::string&>(), true);
  } else if (value.is_structured()) {
    for (json& element : value)
      repair_strings(element);
  }
}

json baseline_json(const BaselineVerdict& baseline) {
  if (!baseline.given) return nullptr;
  return {{"ok", baseline.ok()},
          {"expected_failures", baseline.expected_failures},
          {"unexpected_failures", baseline.unexpected_failures},
          {"stale_entries", baseline.stale_entries}};
}

std::string io_error(const std::string& what, const fs::path& path, int error) {
  return "[mcpgym.conform.io] " + what + " " + path.string() + ": " +
         std::system_category().message(error);
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

json report_json(const RunReport& report, bool strict) {
  json summary = {{"total", report.results.size()}};
  for (Verdict v :
       {Verdict::kPass, Verdict::kFail, Verdict::kWarn, Verdict::kSkip, Verdict::kError}) {
    summary[std::string(verdict_name(v))] = report.count(v);
  }
  summary["duration_ms"] = report.duration.count();
  summary["strict"] = strict;
  summary["exit_status"] = report.exit_status(strict);
  json results = json::array();
  for (const CheckResult& r : report.results) {
    results.push_back({{"id", r.id},
                       {"spec_id", r.spec_id},
                       {"level", level_name(r.level)},
                       {"verdict", verdict_name(r.verdict)},
                       {"expected", r.expected},
                       {"actual", r.actual},
                       {"details", r.details},
                       {"duration_ms", r.duration.count()},
                       {"baselined", r.baselined}});
  }
  json document = {{"profile", report.profile.to_json()},
                   {"summary", std::move(summary)},
                   {"results", std::move(results)},
                   {"baseline", baseline_json(report.baseline)}};
  // The game judged and how the suite came to it (named, or recognised from tools/list).
  if (report.game) document["game"] = report.game->to_json();
  // Valid UTF-8 throughout, so any dump() of it succeeds.
  repair_strings(document);
  return document;
}

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

Expected<void, std::string> write_report_file(const fs::path& path, const std::string& text) {
  if (path.filename().empty()) return unexpected(io_error("cannot write", path, EISDIR));
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return unexpected(io_error("cannot create directory", parent, ec.value()));
  // A temporary name of our own beside the file, so the rename is atomic.
  char suffix[40];
  std::snprintf(suffix, sizeof suffix, ".tmp.%d.%016llx", static_cast<int>(::getpid()),
                static_cast<unsigned long long>(random_below_or_equal(~std::uint64_t{0})));
  const fs::path temp = parent / (path.filename().string() + suffix);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return unexpected(io_error("cannot write", path, errno));
  const bool written = write_all(fd, text) && ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    const int failure = written ? errno : error;
    ::unlink(temp.c_str());
    return unexpected(io_error("cannot write", path, failure));
  }
  return {};
}

}  // namespace mcpgym::conformance
