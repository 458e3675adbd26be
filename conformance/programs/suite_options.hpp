#pragma once
// The command line shared by mcpgym-conform and mcpgym-conform-gtest: which
// implementation(s) to judge, which checks, and where reports go. With no
// implementation named, the suite judges the reference backend and the
// reference proxy found next to the program.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "conformance/core/baseline.hpp"
#include "conformance/core/profile.hpp"
#include "conformance/core/runner.hpp"

namespace mcpgym::conformance {

struct SuiteOptions {
  std::vector<Profile> profiles;  // one run each, in order
  Selection selection;
  std::optional<Baseline> baseline;
  bool strict = false;
  bool list = false;
  bool quiet = false;
  std::optional<std::filesystem::path> report_dir;
  // --<format> FILE, by Reporter::name() (conformance/report/reporter.hpp).
  std::map<std::string, std::filesystem::path> report_files;
  std::optional<std::filesystem::path> work_dir;  // kept; default: a temporary one
  std::chrono::milliseconds check_timeout{30'000};
  std::chrono::milliseconds run_timeout{300'000};
  std::filesystem::path reference_backend;  // for {backend} and the default runs
  std::filesystem::path reference_proxy;
  std::filesystem::path fixtures;
};

// Adds the suite's flags to a parser (program name, synopsis and description are the caller's).
void add_suite_flags(cli::Parser& parser);
// Turns parsed flags into options; errors start with a stable identifier and
// say what to do.
Expected<SuiteOptions, std::string> suite_options_from(const cli::Args& args);

// The default profiles: the reference backend and the reference proxy.
Profile default_backend_profile(const std::filesystem::path& backend);
Profile default_proxy_profile(const std::filesystem::path& proxy);

}  // namespace mcpgym::conformance
