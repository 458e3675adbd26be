#pragma once
// Runs checks and collects results; knows nothing of how results are shown
// (reporters do that). Each check runs on a worker thread with a deadline: a
// check that overruns it is an error result, the implementation is killed and
// restarted, and the run goes on. A whole-run deadline turns every check not
// yet run into an error result, so a run always ends.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conformance/core/baseline.hpp"
#include "conformance/core/check.hpp"
#include "conformance/core/eras.hpp"
#include "conformance/core/glob.hpp"
#include "conformance/core/profile.hpp"
#include "conformance/core/target.hpp"

namespace mcpgym::conformance {

// What Runner::deadline_for allows per session a check opens behind a proxy:
// a lean backend starts in tens of milliseconds.
inline constexpr std::chrono::milliseconds kBackendStartAllowance{250};

struct Selection {
  std::vector<std::string> only;     // globs over check ids ('*', '?'); empty: all
  std::vector<std::string> exclude;  // globs over check ids
  bool selects(const std::string& check_id) const;
};

struct RunOptions {
  Selection selection;
  std::chrono::milliseconds check_timeout{60'000};
  std::chrono::milliseconds run_timeout{600'000};
  std::function<void(const Check&, std::size_t index, std::size_t total)> on_start;
  std::function<void(const CheckResult&, std::size_t index, std::size_t total)> on_result;
  // Called once with the game the run judges, when it is known: at once for a
  // game the profile names, else when the first check that plays it has
  // recognised it from tools/list.
  std::function<void(const GameChoice&)> on_game;
};

struct RunReport {
  Profile profile;
  std::optional<GameChoice> game;    // the game judged; unset when none was (mcp, or never reached)
  std::vector<CheckResult> results;  // in check order, selected checks only
  std::chrono::milliseconds duration{0};
  BaselineVerdict baseline;  // empty when no baseline was given
  // The eras judged (docs/conformance.md "Eras"); unset when no check ran.
  std::optional<EraDecision> eras;
  std::size_t count(Verdict verdict) const;
  // 0: no MUST failed and no error (and, strict, no warning); 1 otherwise;
  // with a baseline, listed failures do not count and a stale entry is 1.
  int exit_status(bool strict) const;
};

// Runs checks one at a time against one Target, in the order given.
class Runner {
 public:
  Runner(Profile profile, SuitePaths paths);
  ~Runner();
  // The checks' applicability against the profile: the reason to skip, if any.
  std::optional<std::string> skip_reason(const Check& check) const;
  // One check: never throws, never hangs past `timeout` (plus the time to kill
  // and restart a spawned implementation).
  CheckResult run_one(const Check& check, std::chrono::milliseconds timeout);
  // A check's deadline: `check_timeout`, plus, behind a proxy, an allowance
  // per session it opens (each one a backend the proxy must start).
  std::chrono::milliseconds deadline_for(const Check& check,
                                         std::chrono::milliseconds check_timeout) const;
  Target& target() { return *target_; }
  // The game the checks play (see GameSlot); unset until it is known.
  std::optional<GameChoice> game() const;
  // Announces the game once it is known (at once when it already is).
  void on_game(std::function<void(const GameChoice&)> announce);
  // The eras judged: told by the profile, or found (auto) before the first
  // check runs against the started implementation; unset until then.
  const std::optional<EraDecision>& eras() const { return eras_; }

 private:
  // Decides the eras when it has not yet (see eras()).
  void decide_eras();

  Profile profile_;
  SuitePaths paths_;
  std::shared_ptr<Target> target_;
  std::shared_ptr<GameSlot> game_;
  bool restart_before_next_ = false;
  std::optional<EraDecision> eras_;
};

RunReport run_suite(const std::vector<Check>& checks, const Profile& profile,
                    const SuitePaths& paths, const RunOptions& options,
                    const Baseline* baseline = nullptr);

}  // namespace mcpgym::conformance
