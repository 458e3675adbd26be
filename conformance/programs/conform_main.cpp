// mcpgym-conform: judges an MCP-Gym implementation (or any MCP server) against
// docs/spec.md and reports a verdict per rule. Exit status: 0 when every MUST
// that applies passes (and, with --strict, every SHOULD), 1 otherwise, 2 on a
// usage error. See docs/conformance.md.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <system_error>

#include "conformance/programs/suite_options.hpp"
#include "conformance/report/reporter.hpp"
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

// A report file to write: the format and where.
struct Output {
  const Reporter* format;
  fs::path path;
};

// The files of --report-dir, then each --<format> FILE in place of its format's.
std::vector<Output> outputs_for(const SuiteOptions& o, const Profile& profile, bool several) {
  std::vector<Output> out;
  for (const Reporter* format : report_formats()) {
    const auto file = o.report_files.find(std::string(format->name()));
    if (file != o.report_files.end()) {
      out.push_back({format, per_profile(file->second, profile, several)});
    } else if (o.report_dir) {
      const fs::path dir =
          several ? *o.report_dir / std::string(profile_kind_name(profile.kind)) : *o.report_dir;
      out.push_back({format, dir / std::string(format->file_name())});
    }
  }
  return out;
}

bool write(const Output& output, const RunReport& report, bool strict) {
  auto written = write_report_file(output.path, output.format->render(report, strict));
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
    const std::vector<Output> outputs = outputs_for(o, profile, several);
    RunOptions run;
    run.selection = o.selection;
    run.check_timeout = o.check_timeout;
    run.run_timeout = o.run_timeout;
    std::cout << "mcpgym-conform: judging " << profile.name << " (profile "
              << profile_kind_name(profile.kind) << ")\n"
              << std::flush;
    // Results so far go to report.json (and any file reporter that asks)
    // after every check, so a run that is killed part-way still leaves what
    // it found.
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
      for (const Output& output : outputs) {
        if (output.format->after_every_check()) write(output, partial, o.strict);
      }
    };
    RunReport report =
        run_suite(all_checks(), profile, paths, run, o.baseline ? &*o.baseline : nullptr);
    print_summary(std::cout, report, o.strict);
    bool ok = true;
    for (const Output& output : outputs)
      ok = write(output, report, o.strict) && ok;
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
