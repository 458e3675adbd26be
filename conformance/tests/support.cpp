#include "conformance/tests/support.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace mcpgym::conformance::testing {
namespace {

namespace fs = std::filesystem;

// Appended, not `" " + template_word(...)`: g++ 12 at -O3 reports a false
// -Wrestrict in operator+(const char*, std::string&&).
std::string join_flags(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& f : flags)
    out.append(" ").append(harness::template_word(f));
  return out;
}

}  // namespace

fs::path bin_dir() {
  return MCPGYM_BIN_DIR;
}
fs::path fixtures_dir() {
  return fs::path(MCPGYM_SOURCE_DIR) / "fixtures";
}

Profile reference_backend_profile(const std::vector<std::string>& flags) {
  Profile p;
  p.name = "reference backend";
  p.kind = ProfileKind::kBackend;
  p.launch = LaunchMode::kSpawn;
  p.command = harness::template_word((bin_dir() / "mcpgym-frozenlake").string()) +
              " --port {port}" + join_flags(flags);
  p.control = {ControlPlane::kResources, ControlPlane::kHttp};
  p.features = {Feature::kSlippery, Feature::kTruncation, Feature::kGymnasiumMaps, Feature::k8x8};
  // Game and eras named, so no session is spent recognising it or probing
  // its eras: with a fault such as shared-state that session would become
  // everyone's environment, an unseeded one.
  p.game = "frozenlake";
  p.era = EraChoice::kBoth;
  return p;
}

Profile reference_proxy_profile(const std::vector<std::string>& flags) {
  Profile p = reference_backend_profile();
  p.name = "reference proxy";
  p.kind = ProfileKind::kProxy;
  p.command = harness::template_word((bin_dir() / "mcpgym-proxy").string()) +
              " --port {port} --server-script {backend} --interpreter /bin/sh --max-envs 8" +
              join_flags(flags);
  p.max_envs = 8;
  return p;
}

// Makes a FrozenLake reference profile serve CliffWalking.
Profile serving_cliffwalking(Profile p) {
  p.name += " serving CliffWalking";
  p.game = "cliffwalking";
  p.features = {Feature::kSlippery, Feature::kTruncation};
  return p;
}

Profile reference_cliffwalking_backend_profile(const std::vector<std::string>& flags) {
  std::vector<std::string> all = {"--game", "cliffwalking"};
  all.insert(all.end(), flags.begin(), flags.end());
  return serving_cliffwalking(reference_backend_profile(all));
}

Profile reference_cliffwalking_proxy_profile(const std::vector<std::string>& flags) {
  return serving_cliffwalking(reference_proxy_profile(flags));
}

Profile url_profile(const std::string& url, ProfileKind kind) {
  Profile p = reference_backend_profile();
  p.name = "server at " + url;
  p.kind = kind;
  p.launch = LaunchMode::kUrl;
  p.command.clear();
  p.url = url;
  return p;
}

TempWork::TempWork() {
  static std::atomic<int> counter{0};
  const char* tmp = std::getenv("TMPDIR");
  dir_ = fs::path(tmp && *tmp ? tmp : "/tmp") /
         ("mcpgym-conform-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::create_directories(dir_);
}

TempWork::~TempWork() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

SuitePaths TempWork::paths() const {
  return SuitePaths{.reference_backend = bin_dir() / "mcpgym-frozenlake",
                    .fixtures = fixtures_dir(),
                    .work_dir = dir_};
}

const Check& check_by_id(const std::string& id) {
  for (const Check& c : all_checks()) {
    if (c.id == id) return c;
  }
  std::cerr << "no check has the id '" << id << "'\n";
  std::abort();
}

std::vector<CheckResult> run_checks(const Profile& profile, const std::vector<std::string>& only,
                                    std::chrono::milliseconds check_timeout) {
  TempWork work;
  RunOptions options;
  options.selection.only = only;
  options.check_timeout = check_timeout;
  return run_suite(all_checks(), profile, work.paths(), options).results;
}

CheckResult run_check(const Profile& profile, const std::string& id) {
  check_by_id(id);  // a typo in a test is a test bug, not a skipped check
  auto results = run_checks(profile, {id});
  return results.front();
}

std::string describe(const CheckResult& r) {
  std::string out = std::string(verdict_name(r.verdict)) + " " + r.spec_id + " " + r.id +
                    ": expected " + r.expected + "; actual " + r.actual;
  for (const auto& d : r.details)
    out += "\n    " + d;
  return out;
}

Finished run_program(const std::vector<std::string>& argv, const fs::path& logs,
                     std::chrono::seconds deadline, std::optional<fs::path> working_directory) {
  // launch() expands placeholders; these words are meant literally.
  std::string command;
  for (const std::string& word : argv) {
    if (!command.empty()) command += ' ';
    command += harness::template_word(word);
  }
  harness::LaunchSpec spec;
  spec.command = command;
  spec.name = "program";
  spec.log_directory = logs;
  spec.working_directory = std::move(working_directory);
  spec.readiness.kind = harness::ReadinessKind::kNone;
  auto process = harness::launch(spec);
  if (!process) return {{false, -1}, "", process.error()};
  auto status = (*process)->wait_exit(deadline);
  if (!status) status = (*process)->stop();
  auto slurp = [](const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  return {*status, slurp((*process)->stdout_log()), slurp((*process)->stderr_log())};
}

std::vector<std::string> ids_with(const std::vector<CheckResult>& results, Verdict verdict) {
  std::vector<std::string> ids;
  for (const auto& r : results) {
    if (r.verdict == verdict) ids.push_back(r.id);
  }
  return ids;
}

std::set<std::string> not_passing(const std::vector<CheckResult>& results) {
  std::set<std::string> out;
  for (const auto& r : results) {
    if (r.verdict != Verdict::kPass && r.verdict != Verdict::kSkip)
      out.insert(r.id + ":" + std::string(verdict_name(r.verdict)));
  }
  return out;
}

std::string explain(const std::vector<CheckResult>& results, const std::set<std::string>& ids) {
  std::string out;
  for (const auto& r : results) {
    if (ids.contains(r.id + ":" + std::string(verdict_name(r.verdict))))
      out += "\n  " + describe(r);
  }
  return out;
}

std::string explain(const std::vector<CheckResult>& results) {
  return explain(results, not_passing(results));
}

}  // namespace mcpgym::conformance::testing
