// Test helper: installs one of the TypeScript example servers of fixtures/servers/ in a
// temporary directory, exactly as its lockfile pins it, and starts it.
//
// The examples import the game from the sibling directory ts-frozenlake-game/ (one copy of
// the game code for both), so an installed copy keeps that layout:
//   <root>/<example>/{package.json, package-lock.json, *.mjs, node_modules/}
//   <root>/ts-frozenlake-game/frozenlake.mjs
// Only the fixtures' own files are copied, never a node_modules a developer left there.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::harness::node_fixture {

namespace fs = std::filesystem;

inline const fs::path kServers = fs::path(MCPGYM_SOURCE_DIR) / "fixtures/servers";
inline constexpr const char* kSharedGame = "ts-frozenlake-game";
inline constexpr const char* kSkipMessage =
    "Node.js and npm are not installed: the TypeScript example servers need them "
    "(apt-get install nodejs npm)";

inline bool node_and_npm_installed() {
  return std::system("command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1") == 0;
}

inline std::string file_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Copies the package files and the .mjs sources of fixtures/servers/<name> into `to`.
inline void copy_sources(const std::string& name, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(kServers / name)) {
    const auto file = entry.path().filename().string();
    const bool package_file = file == "package.json" || file == "package-lock.json";
    if (entry.is_regular_file() && (package_file || entry.path().extension() == ".mjs")) {
      fs::copy_file(entry.path(), to / file);
    }
  }
}

// Installs fixtures/servers/<name> under `root` with `npm ci` (logs in `logs`); the
// directory to start the server in, or what went wrong.
inline Expected<fs::path, std::string> install(const std::string& name, const fs::path& root,
                                               const fs::path& logs) {
  using namespace std::chrono_literals;
  const fs::path app = root / name;
  copy_sources(name, app);
  copy_sources(kSharedGame, root / kSharedGame);
  LaunchSpec spec;
  spec.command = "npm ci --no-audit --no-fund";
  spec.working_directory = app;
  spec.log_directory = logs;
  spec.name = "npm-ci-" + name;
  spec.readiness.kind = ReadinessKind::kNone;
  auto npm = launch(spec);
  if (!npm) return unexpected(npm.error());
  const auto status = (*npm)->wait_exit(180s);
  if (!status) return unexpected(std::string("npm ci did not finish within 180 s"));
  if (*status != ExitStatus{false, 0}) {
    return unexpected("npm ci failed:\n" + file_text((*npm)->stderr_log()));
  }
  return app;
}

// Starts `node server.mjs --port {port} <flags>` in `app` and waits for its readiness line.
inline Expected<std::unique_ptr<Process>, std::string> start(const fs::path& app,
                                                             const fs::path& logs,
                                                             const std::string& flags = "") {
  LaunchSpec spec;
  spec.command = "node server.mjs --port {port}" + (flags.empty() ? "" : " " + flags);
  spec.working_directory = app;
  spec.log_directory = logs;
  spec.name = app.filename().string();
  return launch(spec);
}

// What a program run to its end left: its exit status, stdout and stderr.
struct Finished {
  ExitStatus status;
  std::string out, err;
};

// Runs the program whose words are `words` (each passed as it is: no placeholder in them is
// filled in) until it exits, within `timeout`; logs in `logs` under `name`.
inline Expected<Finished, std::string> run_to_end(const std::vector<std::string>& words,
                                                  const fs::path& logs, const std::string& name,
                                                  std::chrono::milliseconds timeout) {
  LaunchSpec spec;
  for (const auto& word : words)
    spec.command += template_word(word) + " ";
  spec.log_directory = logs;
  spec.name = name;
  spec.readiness.kind = ReadinessKind::kNone;
  auto process = launch(spec);
  if (!process) return unexpected(process.error());
  const auto status = (*process)->wait_exit(timeout);
  if (!status) return unexpected(name + " did not finish within its deadline");
  return Finished{*status, file_text((*process)->stdout_log()),
                  file_text((*process)->stderr_log())};
}

}  // namespace mcpgym::harness::node_fixture
