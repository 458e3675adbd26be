#pragma once
// What a check sees: the profile, the running implementation and the means to
// talk to it (MCP clients, raw HTTP, extra launches), a temporary directory,
// and a notebook for the exchanges that decide the verdict. One Context per
// check run; it is not shared between threads.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "conformance/core/check.hpp"
#include "conformance/core/profile.hpp"
#include "conformance/games/driver.hpp"
#include "harness/http/raw_http.hpp"
#include "harness/mcp/client.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::conformance {

class Target;

// How far a check has got, in sessions opened: when the check overruns its
// deadline, the runner's message says what was slow rather than "hung". Read
// from the runner's thread, written from the check's.
struct CheckProgress {
  mutable std::mutex mutex;
  int done = 0;
  int total = 0;  // 0: the check reported nothing
};

// Where the suite finds its own programs (the reference backend it hands a
// proxy as {backend}, the fixtures for golden replays).
struct SuitePaths {
  std::filesystem::path reference_backend;  // mcpgym-frozenlake
  std::filesystem::path fixtures;           // fixtures/ (golden recordings)
  std::filesystem::path work_dir;           // logs and temporary files of this run
};

// `paths` with every path made absolute against the current directory. The
// suite hands these paths to implementations (the {backend} launcher, its
// --audit-dir), which run in directories of their own choosing (a proxy runs
// its backend in the script's directory, PROXY-006): a relative path would
// land somewhere else there. The Runner and the Target apply it.
SuitePaths absolute_paths(SuitePaths paths);

// A launch of the implementation other than the target itself, for checks that
// must start it their own way (proxy paths): the profile's command with these
// placeholder values and working directory.
struct LaunchOverrides {
  std::map<std::string, std::string> values;  // e.g. {"backend", "<path>"}
  std::optional<std::filesystem::path> working_directory;
  std::string name = "extra";
};

// The game a run judges, shared by the checks of one Runner: named by the
// profile, or recognised once from tools/list by the first check that plays
// it. `on_resolved` announces a recognised game (the console line, the report).
struct GameSlot {
  std::mutex mutex;
  std::optional<GameChoice> choice;
  std::function<void(const GameChoice&)> on_resolved;
};

// Whether a check with these needs plays the game (steps it or needs its
// driver): so the game is resolved before it runs.
bool plays_game(const Needs& needs);

class Context {
 public:
  Context(const Profile& profile, const SuitePaths& paths, Target& target,
          std::filesystem::path temp_dir, std::shared_ptr<GameSlot> game = nullptr,
          std::shared_ptr<CheckProgress> progress = nullptr);
  ~Context();  // removes the temporary directory
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const Profile& profile() const { return profile_; }
  const SuitePaths& paths() const { return paths_; }
  Target& target() { return target_; }

  // The implementation's MCP endpoint (HTTP profiles): http://host:port/path.
  std::string url() const;
  // A new MCP client, connected but not initialized (stdio: a new process).
  Expected<std::unique_ptr<harness::McpClient>, std::string> client(
      harness::ClientOptions options = {});
  // A new client with an initialized session: clientInfo._extra = extra (an
  // object such as {"seed":7,"config":{...}}; null sends no _extra).
  Expected<std::unique_ptr<harness::McpClient>, std::string> session(
      const json& extra, harness::ClientOptions options = {});
  // A new raw keep-alive connection to the HTTP endpoint's host and port.
  harness::RawHttpClient raw();
  // The endpoint's path (usually "/mcp").
  std::string path() const;

  // Starts another instance of the implementation (see LaunchOverrides).
  // `command_prefix`: words put before the profile's command (a template too,
  // see harness::expand_command), e.g. a shell that stays when the
  // implementation it starts is killed, so that what the implementation left
  // behind can be looked at before the supervisor clears it away.
  Expected<std::unique_ptr<harness::Process>, std::string> launch(
      const LaunchOverrides& overrides, const std::string& command_prefix = {});

  // The game: named by the profile or recognised from the implementation's
  // tools/list (the first call recognises it: a session and tools/list). A
  // recognised game the profile claims features of that it lacks is an error
  // ([mcpgym.conform.bad_profile]), as is a server whose tools name no game.
  Expected<GameChoice, std::string> resolve_game();
  // The resolved game's driver (checks that play the game run after the
  // runner resolved it); FrozenLake's when nothing was resolved.
  const GameDriver& game();

  // A per-check temporary directory, removed when the check ends.
  const std::filesystem::path& temp_dir() const { return temp_dir_; }

  // A line for the report's details (the exchanges that decided the verdict).
  void note(std::string line);
  // Notes an HTTP exchange: request line, headers and body excerpts, status,
  // response headers and body excerpt.
  void note(const harness::HttpExchange& exchange);
  std::vector<std::string> take_notes();

  // `done` of `total` sessions opened so far (see CheckProgress). Unlike the
  // rest of the Context, safe to call from a check's own threads.
  void sessions_opened(int done, int total);

  std::chrono::milliseconds call_timeout{5'000};

 private:
  const Profile& profile_;
  const SuitePaths& paths_;
  Target& target_;
  std::filesystem::path temp_dir_;
  std::shared_ptr<GameSlot> game_;
  std::shared_ptr<CheckProgress> progress_;
  std::vector<std::string> notes_;
};

// "POST /mcp {...} -> 406 {...}": one line, bounded, for details and messages.
std::string describe_exchange(const harness::HttpExchange& exchange);

}  // namespace mcpgym::conformance
