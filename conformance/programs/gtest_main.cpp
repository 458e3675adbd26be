// mcpgym-conform-gtest: the suite's checks as GoogleTest tests, one test per
// check (suite = area, test = the rest of the check id), so ctest and any
// GoogleTest tooling can run, filter and report them. Takes mcpgym-conform's
// flags plus GoogleTest's own (--gtest_filter, --gtest_output=xml:...).
// Verdicts map to GoogleTest as: pass -> pass; warn -> pass with a note (or a
// failure with --strict); skip -> skipped with the reason; fail, error -> failure.
// A check an expected-failures baseline lists passes when it fails, and fails
// when it passes (a stale entry).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <system_error>

#include "conformance/programs/suite_options.hpp"

namespace {

using namespace mcpgym;
using namespace mcpgym::conformance;
namespace fs = std::filesystem;

std::string describe(const CheckResult& r) {
  std::string out = r.spec_id + " (" + std::string(level_name(r.level)) + ") " + r.id + ": " +
                    std::string(verdict_name(r.verdict)) + "\n  expected: " + r.expected +
                    "\n  actual:   " + r.actual;
  for (const auto& d : r.details)
    out += "\n    " + d;
  return out;
}

struct Shared {
  SuiteOptions options;
  fs::path work;
  std::vector<std::unique_ptr<Runner>> runners;  // one per profile, kept across tests
  bool any_failed = false;
};
Shared* shared = nullptr;

class CheckTest : public ::testing::Test {
 public:
  CheckTest(Runner& runner, const Check& check) : runner_(runner), check_(check) {}
  void TestBody() override {
    CheckResult r =
        runner_.run_one(check_, runner_.deadline_for(check_, shared->options.check_timeout));
    const bool listed = shared->options.baseline && shared->options.baseline->lists(r.id);
    const bool failed =
        r.verdict == Verdict::kFail || r.verdict == Verdict::kError || r.verdict == Verdict::kWarn;
    RecordProperty("spec_id", r.spec_id);
    RecordProperty("verdict", std::string(verdict_name(r.verdict)));
    if (listed) {
      if (r.verdict == Verdict::kPass) {
        shared->any_failed = true;
        ADD_FAILURE() << "stale baseline entry: " << r.id
                      << " now passes; remove it from the baseline\n"
                      << describe(r);
      } else {
        std::cout << "expected failure (baseline): " << describe(r) << "\n";
      }
      return;
    }
    switch (r.verdict) {
      case Verdict::kPass:
        return;
      case Verdict::kSkip:
        GTEST_SKIP() << r.actual;
      case Verdict::kWarn:
        if (shared->options.strict) break;
        std::cout << "warning (a SHOULD is not met): " << describe(r) << "\n";
        return;
      case Verdict::kFail:
      case Verdict::kError:
        break;
    }
    if (failed) shared->any_failed = true;
    ADD_FAILURE() << describe(r);
  }

 private:
  Runner& runner_;
  const Check& check_;
};

class CleanUp : public ::testing::Environment {
 public:
  void TearDown() override {
    shared->runners.clear();  // stops every implementation the suite started
    if (!shared->any_failed && !shared->options.work_dir) {
      std::error_code ec;
      fs::remove_all(shared->work, ec);
    } else {
      std::cout << "mcpgym-conform-gtest: logs and temporary files are in " << shared->work.string()
                << "\n";
    }
  }
};

std::string test_name(const std::string& id) {
  std::string rest = id.substr(id.find('.') + 1);
  for (char& c : rest) {
    if (c == '.') c = '_';
  }
  return rest;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);  // takes away --gtest_* flags
  set_log_program("mcpgym-conform-gtest");
  cli::Parser parser("mcpgym-conform-gtest", "[flags] [--gtest_* flags]",
                     "The conformance suite's checks as GoogleTest tests (one per check). Same\n"
                     "flags as mcpgym-conform; GoogleTest's flags work too.");
  add_suite_flags(parser);
  auto parsed = parser.parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  auto options = suite_options_from(std::get<cli::Args>(parsed));
  if (!options) {
    std::cerr << "mcpgym-conform-gtest: " << options.error() << "\n";
    return cli::kExitUsage;
  }
  static Shared state;
  shared = &state;
  state.options = std::move(options).value();
  if (state.options.work_dir) {
    state.work = *state.options.work_dir;
  } else {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/mcpgym-conform-gtest-XXXXXX";
    state.work = ::mkdtemp(templ.data()) ? fs::path(templ) : fs::temp_directory_path();
  }
  const bool several = state.options.profiles.size() > 1;
  for (const Profile& profile : state.options.profiles) {
    const std::string kind(profile_kind_name(profile.kind));
    SuitePaths paths{.reference_backend = state.options.reference_backend,
                     .fixtures = state.options.fixtures,
                     .work_dir = several ? state.work / kind : state.work};
    state.runners.push_back(std::make_unique<Runner>(profile, paths));
    Runner* runner = state.runners.back().get();
    runner->on_game([name = profile.name](const GameChoice& game) {
      std::cout << "mcpgym-conform-gtest: " << name << ": game " << game.describe() << "\n";
    });
    for (const Check& check : all_checks()) {
      if (!state.options.selection.selects(check.id)) continue;
      std::string suite = check.area();
      if (several) suite = kind + "_" + suite;
      ::testing::RegisterTest(
          suite.c_str(), test_name(check.id).c_str(), nullptr, check.spec_id.c_str(), __FILE__,
          __LINE__,
          [runner, &check]() -> ::testing::Test* { return new CheckTest(*runner, check); });
    }
  }
  ::testing::AddGlobalTestEnvironment(new CleanUp);
  return RUN_ALL_TESTS();
}
