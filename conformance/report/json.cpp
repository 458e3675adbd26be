// The JSON reporter: the whole report as one document, for tools.
#include "conformance/report/reporter.hpp"
#include "conformance/report/reporters.hpp"
#include "conformance/report/text.hpp"

namespace mcpgym::conformance {

using namespace report_text;

namespace {

using json = nlohmann::json;

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

}  // namespace

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

class JsonReporter final : public Reporter {
 public:
  std::string_view name() const override { return "json"; }
  std::string_view file_name() const override { return "report.json"; }
  std::string_view help() const override { return "write the JSON report"; }
  bool after_every_check() const override { return true; }
  std::string render(const RunReport& report, bool strict) const override {
    return report_json(report, strict).dump(2) + "\n";
  }
};

const Reporter& json_reporter() {
  static const JsonReporter reporter;
  return reporter;
}

}  // namespace mcpgym::conformance
