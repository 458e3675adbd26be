// mcpgym-conform: judges an MCP-Gym implementation (or any MCP server) against
// docs/spec.md and reports a verdict per rule. Exit status: 0 when every MUST
// that applies passes (and, with --strict, every SHOULD), 1 otherwise, 2 on a
// usage error. See docs/conformance.md.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <system_error>

#include "conformance/programs/suite_options.hpp"
#include "conformance/report/reporters.hpp"

namespace {

using namespace mcpgym;
using namespace mcpgym::conformance;
namespace fs = std::filesystem;

cli::Parser make_parser() {
  cli::Parser parser(
      "mcpgym-conform", "[flags]",
      "Judges an MCP-Gym server, proxy or any MCP server against docs/spec.md: one verdict per\n"
      "check (pass, fail for a broken MUST, warn for a broken SHOULD, skip when it does not\n"
      "apply, error when it could not run). Without --cmd, --url, --stdio or --profile-file it\n"
      "judges the reference backend and the reference proxy. Exit status: 0 conformant, 1 not\n"
      "(or a stale baseline), 2 usage error.");
  add_suite_flags(parser);
  return parser;
}

void list_checks(std::ostream& out) {
  for (const Check& c : all_checks()) {
    out << c.id << "  " << c.spec_id << " " << level_name(c.level) << "  " << c.rule << "\n";
  }
}

// "report.json" -> "report-proxy.json" when several profiles run.
fs::path per_profile(const fs::path& path, const Profile& profile, bool several) {
  if (!several) return path;
  return path.parent_path() /
         (path.stem().string() + "-" + std::string(profile_kind_name(profile.kind)) +
          path.extension().string());
}

struct Outputs {
  std::optional<fs::path> json, junit, markdown;
};

Outputs outputs_for(const SuiteOptions& o, const Profile& profile, bool several) {
  Outputs out;
  if (o.report_dir) {
    fs::path dir =
        several ? *o.report_dir / std::string(profile_kind_name(profile.kind)) : *o.report_dir;
    out.json = dir / "report.json";
    out.junit = dir / "junit.xml";
    out.markdown = dir / "report.md";
  }
  if (o.json_file) out.json = per_profile(*o.json_file, profile, several);
  if (o.junit_file) out.junit = per_profile(*o.junit_file, profile, several);
  if (o.markdown_file) out.markdown = per_profile(*o.markdown_file, profile, several);
  return out;
}

bool write(const std::optional<fs::path>& path, const std::string& text) {
  if (!path) return true;
  auto written = write_report_file(*path, text);
  if (!written) std::cerr << "mcpgym-conform: " << written.error() << "\n";
  return bool(written);
}

fs::path make_work_dir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/mcpgym-conform-XXXXXX";
  if (!::mkdtemp(templ.data())) return fs::temp_directory_path() / "mcpgym-conform";
  return templ;
}

}  // namespace

int main(int argc, char** argv) {
  set_log_program("mcpgym-conform");
  auto parsed = make_parser().parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  auto options = suite_options_from(std::get<cli::Args>(parsed));
  if (!options) {
    std::cerr << "mcpgym-conform: " << options.error() << "\n";
    return cli::kExitUsage;
  }
  const SuiteOptions& o = *options;
  if (o.list) {
    list_checks(std::cout);
    return 0;
  }
  const bool own_work_dir = !o.work_dir;
  const fs::path work = o.work_dir ? *o.work_dir : make_work_dir();
  const bool several = o.profiles.size() > 1;
  int status = 0;
  for (const Profile& profile : o.profiles) {
    const fs::path profile_work =
        several ? work / std::string(profile_kind_name(profile.kind)) : work;
    SuitePaths paths{
        .reference_backend = o.reference_backend, .fixtures = o.fixtures, .work_dir = profile_work};
    const Outputs out = outputs_for(o, profile, several);
    RunOptions run;
    run.selection = o.selection;
    run.check_timeout = o.check_timeout;
    run.run_timeout = o.run_timeout;
    std::cout << "mcpgym-conform: judging " << profile.name << " (profile "
              << profile_kind_name(profile.kind) << ")\n"
              << std::flush;
    // Results so far go to report.json after every check, so a run that is
    // killed part-way still leaves what it found.
    RunReport partial;
    partial.profile = profile;
    run.on_game = [&](const GameChoice& game) {
      std::cout << "mcpgym-conform: game " << game.describe() << "\n" << std::flush;
      partial.game = game;
    };
    run.on_result = [&](const CheckResult& r, std::size_t i, std::size_t total) {
      if (!o.quiet) {
        print_progress(std::cout, r, i, total);
        std::cout << std::flush;
      }
      partial.results.push_back(r);
      if (out.json) write(out.json, report_json(partial, o.strict).dump(2) + "\n");
    };
    RunReport report =
        run_suite(all_checks(), profile, paths, run, o.baseline ? &*o.baseline : nullptr);
    print_summary(std::cout, report, o.strict);
    bool ok = write(out.json, report_json(report, o.strict).dump(2) + "\n");
    ok = write(out.junit, report_junit(report)) && ok;
    ok = write(out.markdown, report_markdown(report, o.strict)) && ok;
    status = std::max(status, ok ? report.exit_status(o.strict) : 1);
  }
  if (own_work_dir && status == 0) {
    std::error_code ec;
    fs::remove_all(work, ec);
  } else {
    std::cout << "mcpgym-conform: logs and temporary files are in " << work.string() << "\n";
  }
  return status;
}
