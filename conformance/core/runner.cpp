#include "conformance/core/runner.hpp"

#include <chrono>
#include <exception>
#include <future>
#include <string_view>
#include <thread>

namespace mcpgym::conformance {
namespace {

// A check that lost its connection (refused, reset, the stdio pipe closed) may
// have seen the implementation crash: give its exit status a moment to arrive,
// so the result names the crash rather than the symptom. Any other outcome
// costs no wait.
std::chrono::milliseconds exit_grace(const Outcome& outcome) {
  for (std::string_view sign :
       {"[mcpgym.http_client.refused]", "[mcpgym.http_client.reset]", "[mcpgym.client.closed]"}) {
    if (outcome.actual.find(sign) != std::string::npos) return std::chrono::seconds(2);
  }
  return std::chrono::milliseconds(0);
}

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What a check's worker thread owns. Shared with the runner, so a thread that
// outlives its deadline (a check stuck on an implementation that cannot be
// killed, such as one reached by URL) never touches freed memory.
struct Job {
  Profile profile;
  SuitePaths paths;
  std::shared_ptr<Target> target;
  Check check;
  std::shared_ptr<GameSlot> game;
  std::filesystem::path temp_dir;
  std::shared_ptr<CheckProgress> progress = std::make_shared<CheckProgress>();
  std::promise<std::pair<Outcome, std::vector<std::string>>> done;
};

// A check that plays the game runs once the game is known (recognising it
// from tools/list, on this thread and within the check's deadline, if need
// be); one that needs a model is skipped for a game the suite has none of.
Outcome run_in_game(Context& ctx, const Check& check) {
  if (ctx.profile().is_gym() && plays_game(check.needs)) {
    auto game = ctx.resolve_game();
    if (!game) return Outcome::could_not_run(game.error());
    if (check.needs.model && !game->driver->has_model()) {
      return Outcome::not_applicable(needs_model_reason() + " (the game is " + game->describe() +
                                     ")");
    }
    const auto& games = check.needs.games;
    if (!games.empty() && !games.count(game->driver->name())) {
      std::string names;
      for (const auto& g : games)
        names += (names.empty() ? "" : " or ") + g;
      return Outcome::not_applicable("applies to game " + names + ", not " + game->driver->name());
    }
  }
  return check.run(ctx);
}

void run_job(const std::shared_ptr<Job>& job) {
  std::pair<Outcome, std::vector<std::string>> result;
  try {
    Context ctx(job->profile, job->paths, *job->target, job->temp_dir, job->game, job->progress);
    result.first = run_in_game(ctx, job->check);
    result.second = ctx.take_notes();
  } catch (const std::exception& e) {
    result.first = Outcome::could_not_run(std::string("[mcpgym.conform.check_threw] ") + e.what());
  } catch (...) {
    result.first = Outcome::could_not_run("[mcpgym.conform.check_threw] an unknown exception");
  }
  job->done.set_value(std::move(result));
}

std::string seconds_text(milliseconds ms) {
  return std::to_string(ms.count() / 1000) + "." + std::to_string(ms.count() % 1000 / 100) + " s";
}

// What an overrun check was doing: the sessions it had opened when it
// reported any, else that the implementation hung.
std::string overrun_text(const CheckProgress& progress, milliseconds timeout,
                         const Profile& profile) {
  const std::string within = seconds_text(timeout);
  std::lock_guard lock(progress.mutex);
  if (progress.total == 0) {
    return "the implementation hung (it was killed, and restarted for the next check)";
  }
  const std::string slow = profile.kind == ProfileKind::kProxy
                               ? "the proxy's backends start slowly (each session starts one)"
                               : "the implementation opens sessions slowly";
  return std::to_string(progress.done) + " of " + std::to_string(progress.total) +
         " sessions opened in " + within + ": " + slow +
         "; raise --check-timeout (the implementation was killed, and restarted for the next "
         "check)";
}

// Check ids become directory names: keep them tame.
std::string safe_name(const std::string& id) {
  std::string out;
  for (char c : id)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return out;
}

}  // namespace

bool Selection::selects(const std::string& id) const {
  auto any = [&](const std::vector<std::string>& globs) {
    for (const auto& g : globs) {
      if (glob_match(g, id)) return true;
    }
    return false;
  };
  return (only.empty() || any(only)) && !any(exclude);
}

std::size_t RunReport::count(Verdict verdict) const {
  std::size_t n = 0;
  for (const auto& r : results)
    n += (r.verdict == verdict);
  return n;
}

int RunReport::exit_status(bool strict) const {
  if (baseline.given) {
    // A stale entry fails the run; an unlisted failure fails it as it would
    // without a baseline (so an unlisted SHOULD warning only with --strict).
    if (!baseline.stale_entries.empty()) return 1;
    for (const auto& r : results) {
      if (r.baselined) continue;
      if (r.verdict == Verdict::kFail || r.verdict == Verdict::kError) return 1;
      if (strict && r.verdict == Verdict::kWarn) return 1;
    }
    return 0;
  }
  if (count(Verdict::kFail) > 0 || count(Verdict::kError) > 0) return 1;
  if (strict && count(Verdict::kWarn) > 0) return 1;
  return 0;
}

Runner::Runner(Profile profile, SuitePaths paths)
    : profile_(std::move(profile)),
      paths_(absolute_paths(std::move(paths))),
      target_(std::make_shared<Target>(profile_, paths_)),
      game_(std::make_shared<GameSlot>()),
      eras_(told_eras(profile_)) {
  if (!profile_.game.empty()) {
    if (auto driver = driver_named(profile_.game)) {
      game_->choice = GameChoice{std::move(driver), "named by the profile"};
    }
  }
}

Runner::~Runner() {
  // A check's thread that outlived its deadline must not announce into a run that is over.
  std::lock_guard lock(game_->mutex);
  game_->on_resolved = nullptr;
}

std::optional<GameChoice> Runner::game() const {
  std::lock_guard lock(game_->mutex);
  return game_->choice;
}

void Runner::on_game(std::function<void(const GameChoice&)> announce) {
  std::lock_guard lock(game_->mutex);
  game_->on_resolved = std::move(announce);
  if (game_->choice && game_->on_resolved) game_->on_resolved(*game_->choice);
}

std::optional<std::string> Runner::skip_reason(const Check& check) const {
  const Needs& n = check.needs;
  if (!n.kinds.empty() && !n.kinds.count(profile_.kind)) {
    std::string kinds;
    for (ProfileKind k : n.kinds)
      kinds += (kinds.empty() ? "" : " or ") + std::string(profile_kind_name(k));
    return "applies to profile " + kinds + ", not " + std::string(profile_kind_name(profile_.kind));
  }
  const auto game = this->game();
  for (Feature f : n.features) {
    if (game && !game->driver->features().count(f)) {
      return "needs feature '" + std::string(feature_name(f)) + "', which game " +
             game->driver->name() + " does not have";
    }
    if (!profile_.claims(f)) {
      return "needs feature '" + std::string(feature_name(f)) +
             "', which the profile does not claim";
    }
  }
  if (!n.control.empty()) {
    bool offered = false;
    for (ControlPlane c : n.control)
      offered = offered || profile_.offers(c);
    if (!offered) {
      return "needs the '" + std::string(control_plane_name(*n.control.begin())) +
             "' control-plane form, which the profile does not offer";
    }
  }
  if (n.transport) {
    const bool stdio = profile_.launch == LaunchMode::kStdio;
    if (*n.transport == Transport::kHttp && stdio) return "applies to Streamable HTTP, not stdio";
    if (*n.transport == Transport::kStdio && !stdio) return "applies to the stdio transport only";
  }
  if (n.convention && *n.convention != profile_.convention) {
    return "a rule of the " + std::string(convention_name(*n.convention)) +
           " convention; this run judges " + std::string(convention_name(profile_.convention)) +
           " (--convention; docs/spec.md \"Conventions\")";
  }
  if (check.fresh_process && profile_.launch == LaunchMode::kUrl) {
    return "needs a freshly started implementation; a server given by --url cannot be restarted";
  }
  return std::nullopt;
}

void Runner::decide_eras() {
  if (eras_) return;
  eras_ = probe_eras(profile_, target_->url(), std::chrono::seconds(5));
}

milliseconds Runner::deadline_for(const Check& check, milliseconds check_timeout) const {
  if (profile_.kind != ProfileKind::kProxy) return check_timeout;
  return check_timeout + check.sessions * kBackendStartAllowance;
}

CheckResult Runner::run_one(const Check& check, milliseconds timeout) {
  CheckResult result;
  result.id = check.id;
  result.spec_id = check.spec_id;
  result.level = check.level;
  const auto started = Clock::now();
  auto finish = [&](Verdict verdict, std::string expected, std::string actual) {
    result.verdict = verdict;
    result.expected = std::move(expected);
    result.actual = std::move(actual);
    result.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    return result;
  };
  if (auto reason = skip_reason(check)) return finish(Verdict::kSkip, "", *reason);
  // An era the profile rules out needs no running implementation to say so.
  if (auto reason = eras_ ? eras_->skip_reason(check.needs.era) : std::nullopt) {
    return finish(Verdict::kSkip, "", *reason);
  }

  auto ready = (check.fresh_process || restart_before_next_) ? target_->restart()
                                                             : target_->ensure_started();
  restart_before_next_ = false;
  if (!ready) {
    restart_before_next_ = true;
    return finish(Verdict::kError, "the implementation starts", ready.error());
  }
  decide_eras();
  if (auto reason = eras_->skip_reason(check.needs.era)) {
    return finish(Verdict::kSkip, "", *reason);
  }

  auto job = std::make_shared<Job>();
  job->profile = profile_;
  job->paths = paths_;
  job->target = target_;
  job->check = check;
  job->game = game_;
  job->temp_dir = paths_.work_dir / "checks" / safe_name(check.id);
  auto future = job->done.get_future();
  std::thread worker(run_job, job);

  if (future.wait_for(timeout) != std::future_status::ready) {
    // A hung implementation: kill it so the check's pending calls fail fast,
    // give the worker a moment to notice, and never wait on it beyond that.
    target_->kill();
    restart_before_next_ = true;
    if (future.wait_for(std::chrono::seconds(10)) == std::future_status::ready) {
      worker.join();
    } else {
      worker.detach();
    }
    return finish(Verdict::kFail, "a verdict within " + seconds_text(timeout),
                  "no verdict within " + seconds_text(timeout) + ": " +
                      overrun_text(*job->progress, timeout, profile_));
  }
  worker.join();
  auto [outcome, notes] = future.get();
  result.details = std::move(outcome.details);
  for (auto& n : notes)
    result.details.push_back(std::move(n));
  if (auto gone = target_->exited_within(exit_grace(outcome))) {
    restart_before_next_ = true;
    return finish(Verdict::kFail,
                  outcome.expected.empty() ? "the implementation keeps running" : outcome.expected,
                  *gone + (outcome.actual.empty() ? "" : "; the check saw: " + outcome.actual));
  }
  return finish(verdict_for(outcome.kind, check.level), std::move(outcome.expected),
                std::move(outcome.actual));
}

RunReport run_suite(const std::vector<Check>& checks, const Profile& profile,
                    const SuitePaths& paths, const RunOptions& options, const Baseline* baseline) {
  RunReport report;
  report.profile = profile;
  std::vector<const Check*> selected;
  for (const Check& c : checks) {
    if (options.selection.selects(c.id)) selected.push_back(&c);
  }
  const auto started = Clock::now();
  const auto deadline = started + options.run_timeout;
  {
    Runner runner(profile, paths);
    runner.on_game([&](const GameChoice& game) {
      report.game = game;
      if (options.on_game) options.on_game(game);
    });
    for (std::size_t i = 0; i < selected.size(); ++i) {
      const Check& check = *selected[i];
      if (options.on_start) options.on_start(check, i, selected.size());
      CheckResult r;
      const auto now = Clock::now();
      if (now >= deadline) {
        r.id = check.id;
        r.spec_id = check.spec_id;
        r.level = check.level;
        r.verdict = Verdict::kError;
        r.expected = "the check runs";
        r.actual = "not run: the whole run's deadline of " + seconds_text(options.run_timeout) +
                   " had passed";
      } else {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - now);
        r = runner.run_one(check,
                           std::min(runner.deadline_for(check, options.check_timeout), left));
      }
      if (options.on_result) options.on_result(r, i, selected.size());
      report.results.push_back(std::move(r));
    }
    report.eras = runner.eras();
  }
  report.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
  if (baseline) report.baseline = apply_baseline(*baseline, report.results);
  return report;
}

}  // namespace mcpgym::conformance
