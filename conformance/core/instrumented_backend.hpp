#pragma once
// The suite's own instrumented backend, handed to a proxy as {backend}: an
// executable /bin/sh script that execs the reference backend with
// --audit-dir (and --lenient-accept unless strict), passing its arguments on.
// The audit files show where the backend really ran (cwd, argv) and every
// request the proxy sent it (headers), so proxy checks judge what crossed the
// wire rather than what the proxy says.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/expected.hpp"

namespace mcpgym::conformance {

struct LauncherSpec {
  std::filesystem::path script;             // where to write it (parents created)
  std::filesystem::path reference_backend;  // mcpgym-frozenlake
  std::filesystem::path audit_dir;
  // strict: HTTP-003's 406 stays on (no --lenient-accept), and GETs are
  // refused as a strict FastMCP or TypeScript SDK server refuses them (--strict-get).
  bool strict = false;
  std::vector<std::string> extra_args;  // appended before "$@", e.g. {"--fault","..."}
};

Expected<void, std::string> write_backend_launcher(const LauncherSpec& spec);

// The LauncherSpec::extra_args that make the reference backend serve `game`
// (a known game's name): {"--game", game}; none for an empty name, which
// leaves the backend's default, frozenlake.
std::vector<std::string> game_args(const std::string& game);
// The blame when a launcher's audit directory is empty although sessions
// worked: the proxy never started the instrumented backend (it ignores
// {backend}), and how a profile passes it. `launcher` names the script.
std::string never_started(const std::string& launcher);

// One backend process's audit: its start record and what followed.
struct BackendAudit {
  std::string file;  // its file's name: who it is (a pid comes round again)
  int pid = 0;
  int ppid = 0;  // the process that started it (0 in audits written before ppid was recorded)
  std::string cwd;
  std::vector<std::string> argv;
  std::vector<nlohmann::json> requests;  // {"method","path","headers":{...},"rpc_method"}
  std::vector<std::string> session_ids;  // the ids this backend issued
  std::vector<std::uint64_t> seeds;      // the seeds of those sessions
};

// Every backend-<pid>[-<n>].jsonl in `audit_dir`, by file name. A missing directory is an
// empty list; an unreadable or malformed line is an error naming file and line.
Expected<std::vector<BackendAudit>, std::string> read_backend_audits(
    const std::filesystem::path& audit_dir);

}  // namespace mcpgym::conformance
