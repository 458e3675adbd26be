#pragma once
// The implementation under test as a running thing. A spawned target is
// started through the harness supervisor (its own process group, logs, a
// readiness deadline) and restarted on demand: before a check that needs a
// clean process, and after one that left it dead or hung. A URL target is
// only reached; a stdio target is a command started once per MCP session.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "conformance/core/context.hpp"
#include "conformance/core/profile.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::conformance {

// How a spawned HTTP implementation says it is ready (Profile::ready_pattern):
// a stdout line, or, for a pattern that is empty, an initialize that succeeds.
harness::Readiness readiness_for(const Profile& profile);

class Target {
 public:
  Target(Profile profile, SuitePaths paths);
  ~Target();  // stops everything it started
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  const Profile& profile() const { return profile_; }
  const SuitePaths& paths() const { return paths_; }

  // Spawn: starts the implementation unless it is running. Otherwise a no-op.
  // Errors start with [mcpgym.conform.start_failed] and carry the supervisor's
  // reason (command, exit status, stderr tail).
  Expected<void, std::string> ensure_started();
  // Spawn: stops and starts again. Otherwise a no-op.
  Expected<void, std::string> restart();
  // Spawn: when the process has ended, "exited with <status>; stderr: <tail>".
  std::optional<std::string> exited();
  // exited(), waiting up to `grace` for an exit that is on its way: a server
  // that crashed has closed its sockets before its exit status can be read
  // (its keeper first clears away what it left behind).
  std::optional<std::string> exited_within(std::chrono::milliseconds grace);
  // Spawn: stops the process now (a hung implementation). Safe from any thread.
  void kill();
  // Spawned process, or null (URL and stdio targets, or not started).
  harness::Process* process();

  // HTTP: the endpoint URL of the running implementation.
  std::string url() const;
  // The placeholder values for the profile's command other than {port}:
  // {seed}, {config} and, for a proxy, {backend} (the instrumented launcher).
  const std::map<std::string, std::string>& values() const { return values_; }
  // Proxy profiles: where the instrumented backend writes its audit lines.
  const std::filesystem::path& audit_dir() const { return audit_dir_; }

  // Another process from the profile's command. stdio: with pipes, no readiness.
  // `command_prefix`: see Context::launch.
  Expected<std::unique_ptr<harness::Process>, std::string> launch(
      const LaunchOverrides& overrides, const std::string& command_prefix = {});

 private:
  Expected<void, std::string> start_locked();
  Profile profile_;
  SuitePaths paths_;
  std::map<std::string, std::string> values_;
  std::filesystem::path audit_dir_;
  mutable std::mutex mutex_;
  std::unique_ptr<harness::Process> process_;
  std::string url_;
  int launches_ = 0;
};

}  // namespace mcpgym::conformance
