#include "conformance/core/target.hpp"

#include "conformance/core/instrumented_backend.hpp"
#include "harness/mcp/client.hpp"

namespace mcpgym::conformance {
harness::Readiness readiness_for(const Profile& profile) {
  harness::Readiness r;
  if (profile.ready_pattern.empty()) {
    r.kind = harness::ReadinessKind::kProbe;
    r.probe = harness::initialize_probe(std::chrono::milliseconds(1'000));
  } else {
    r.kind = harness::ReadinessKind::kStdoutLine;
    r.pattern = profile.ready_pattern;
  }
  return r;
}

Target::Target(Profile profile, SuitePaths paths)
    : profile_(std::move(profile)), paths_(absolute_paths(std::move(paths))) {
  // A spawned server serves every session, so {seed} and {config} only set its
  // defaults; checks give their seeds in initialize (SEED-001).
  // Built whole, not `values_["seed"] = "0"`: g++ 12 at -O3 reports a false
  // -Wrestrict in std::string::operator=(const char*).
  values_ = {{"seed", "0"}, {"config", "{}"}};
  if (profile_.kind == ProfileKind::kProxy) {
    audit_dir_ = paths_.work_dir / "audit";
    values_["backend"] = (paths_.work_dir / "backend" / "mcpgym-audited-backend.sh").string();
  }
}

Target::~Target() {
  kill();
}

Expected<void, std::string> Target::start_locked() {
  if (profile_.kind == ProfileKind::kProxy && launches_ == 0) {
    auto written = write_backend_launcher({.script = values_["backend"],
                                           .reference_backend = paths_.reference_backend,
                                           .audit_dir = audit_dir_,
                                           .strict = false,
                                           .extra_args = game_args(profile_.game)});
    if (!written) return unexpected("[mcpgym.conform.start_failed] " + written.error());
  }
  harness::LaunchSpec spec;
  spec.command = profile_.command;
  spec.values = values_;
  spec.working_directory = profile_.working_directory;
  spec.log_directory = paths_.work_dir / "logs";
  spec.name = "implementation-" + std::to_string(++launches_);
  spec.readiness = readiness_for(profile_);
  spec.ready_timeout = profile_.ready_timeout;
  auto process = harness::launch(spec);
  if (!process) return unexpected("[mcpgym.conform.start_failed] " + process.error());
  process_ = std::move(process).value();
  url_ = process_->url();
  return {};
}

Expected<void, std::string> Target::ensure_started() {
  std::lock_guard lock(mutex_);
  if (profile_.launch != LaunchMode::kSpawn) return {};
  if (process_ && !process_->poll_exit()) return {};
  process_.reset();
  return start_locked();
}

Expected<void, std::string> Target::restart() {
  std::lock_guard lock(mutex_);
  if (profile_.launch != LaunchMode::kSpawn) return {};
  if (process_) process_->stop(std::chrono::milliseconds(1'000));
  process_.reset();
  return start_locked();
}

std::optional<std::string> Target::exited() {
  return exited_within(std::chrono::milliseconds(0));
}

std::optional<std::string> Target::exited_within(std::chrono::milliseconds grace) {
  std::lock_guard lock(mutex_);
  if (!process_) return std::nullopt;
  auto status = grace.count() > 0 ? process_->wait_exit(grace) : process_->poll_exit();
  if (!status) return std::nullopt;
  std::string tail = process_->stderr_tail(8);
  return "the implementation exited (" + status->describe() + ")" +
         (tail.empty() ? std::string() : "; its stderr ended with: " + tail);
}

void Target::kill() {
  std::lock_guard lock(mutex_);
  if (process_) process_->stop(std::chrono::milliseconds(500));
}

harness::Process* Target::process() {
  std::lock_guard lock(mutex_);
  return process_.get();
}

std::string Target::url() const {
  std::lock_guard lock(mutex_);
  return profile_.launch == LaunchMode::kUrl ? profile_.url : url_;
}

Expected<std::unique_ptr<harness::Process>, std::string> Target::launch(
    const LaunchOverrides& overrides, const std::string& command_prefix) {
  if (profile_.launch == LaunchMode::kUrl) {
    return unexpected(std::string(
        "[mcpgym.conform.not_spawned] the implementation is reached by URL, so the suite cannot "
        "start another instance of it; give its command with --cmd"));
  }
  harness::LaunchSpec spec;
  spec.command =
      command_prefix.empty() ? profile_.command : command_prefix + " " + profile_.command;
  {
    std::lock_guard lock(mutex_);
    spec.values = values_;
    spec.name = overrides.name + "-" + std::to_string(++launches_);
  }
  for (const auto& [key, value] : overrides.values)
    spec.values[key] = value;
  spec.working_directory =
      overrides.working_directory ? overrides.working_directory : profile_.working_directory;
  spec.log_directory = paths_.work_dir / "logs";
  if (profile_.launch == LaunchMode::kStdio) {
    spec.stdio_pipes = true;
    spec.readiness.kind = harness::ReadinessKind::kNone;
  } else {
    spec.readiness = readiness_for(profile_);
    spec.ready_timeout = profile_.ready_timeout;
  }
  return harness::launch(spec);
}

}  // namespace mcpgym::conformance
