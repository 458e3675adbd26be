// The proxy's backend paths (docs/spec.md PROXY-006, PROXY-007). Each check
// starts a proxy instance of its own, from a temporary layout, with the
// suite's instrumented backend (a /bin/sh launcher, see
// core/instrumented_backend.hpp) written where the case needs it. Every
// launcher of a check writes to an audit directory of its own, so a line in
// that directory proves that this very script ran, and its start record says
// in which directory it ran: the verdict rests on what the backend saw, not
// on what the proxy says.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/core/context.hpp"
#include "conformance/core/instrumented_backend.hpp"
#include "conformance/core/target.hpp"
#include "harness/mcp/client.hpp"

namespace mcpgym::conformance {
namespace {

using episode::must_check;
namespace fs = std::filesystem;
using json = nlohmann::json;

// How long a proxy with a missing backend script may take to exit (PROXY-007).
constexpr std::chrono::milliseconds kMissingScriptDeadline{5'000};

// Path checks start proxies of their own: the profile must say how.
std::optional<std::string> not_launchable(const Context& ctx) {
  if (ctx.profile().launch == LaunchMode::kSpawn) return std::nullopt;
  return "the proxy is not started by the suite (no command template), so the suite cannot start "
         "it again with backend scripts of its own choosing";
}

fs::path absolute_normal(const fs::path& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  return (ec ? path : absolute).lexically_normal();
}

bool same_directory(const std::string& a, const fs::path& b) {
  std::error_code ec;
  const bool same = fs::equivalent(fs::path(a), b, ec);
  return !ec && same;
}

std::string quoted(const std::string& text) {
  return quoted_excerpt(text, '\'', 300);
}

// Stands for {port} while the rest of the command is expanded.
constexpr const char* kPortMark = "MCPGYMCONFORMPORTMARK";

// The profile's command with `values` filled in, ready to start from another
// directory: a word that names an existing file relative to the directory
// the implementation normally starts in (the profile's, else the suite's),
// such as `build/bin/mcpgym-proxy` or `python3 proxy.py`, is made absolute,
// except `keep` (the {backend} under test). {port} stays a placeholder.
Expected<std::string, std::string> relocated_command(const Context& ctx,
                                                     std::map<std::string, std::string> values,
                                                     const std::string& keep) {
  std::error_code ec;
  const fs::path home =
      absolute_normal(ctx.profile().working_directory.value_or(fs::current_path(ec)));
  values["port"] = kPortMark;
  auto words = harness::expand_command(ctx.profile().command, values);
  if (!words) return unexpected(words.error());
  std::string command;
  for (std::string word : *words) {
    if (!word.empty() && word != keep && word.front() != '-' && fs::path(word).is_relative() &&
        word.find(kPortMark) == std::string::npos && fs::is_regular_file(home / word, ec)) {
      word = (home / word).lexically_normal().string();
    }
    std::string quoted_word = harness::template_word(word);
    for (std::size_t at = quoted_word.find(kPortMark); at != std::string::npos;
         at = quoted_word.find(kPortMark, at)) {
      quoted_word.replace(at, std::string(kPortMark).size(), "{port}");
    }
    command += (command.empty() ? "" : " ") + quoted_word;
  }
  return command;
}

// Starts another instance of the proxy with {backend} = `backend`, from
// `start_dir` (unset: where the profile starts it), waiting `ready_timeout`
// for it to be ready as the profile says. Logs go beside the target's.
Expected<std::unique_ptr<harness::Process>, std::string> launch_proxy(
    Context& ctx, const std::string& backend, const std::optional<fs::path>& start_dir,
    const std::string& name, std::chrono::milliseconds ready_timeout) {
  std::map<std::string, std::string> values = ctx.target().values();
  values["backend"] = backend;
  harness::LaunchSpec spec;
  if (start_dir) {
    auto command = relocated_command(ctx, values, backend);
    if (!command) return unexpected(command.error());
    spec.command = *command;
    spec.working_directory = *start_dir;
  } else {
    spec.command = ctx.profile().command;
    spec.values = std::move(values);
    spec.working_directory = ctx.profile().working_directory;
  }
  spec.log_directory = ctx.paths().work_dir / "logs";
  spec.name = name;
  spec.readiness = readiness_for(ctx.profile());
  spec.ready_timeout = ready_timeout;
  return harness::launch(spec);
}

// The proxy's own doing: it exited or never became ready. Anything else
// (a command that cannot be spawned, a bad template) is the suite's problem.
bool proxys_fault(const std::string& launch_error) {
  return launch_error.rfind("[mcpgym.process.exited_early]", 0) == 0 ||
         launch_error.rfind("[mcpgym.process.not_ready]", 0) == 0;
}

// One layout: where the proxy starts, where the launcher really is, what
// {backend} says, and the directories the backend may legitimately run in.
struct PathCase {
  std::string name;           // the launch's name (logs)
  fs::path start_dir;         // the proxy's working directory
  fs::path script;            // the launcher file itself
  std::string backend_value;  // {backend}
  fs::path audit_dir;         // the launcher's own audit directory
  std::uint64_t seed = 0;     // the session's seed, to find its backend
  // Where the backend may run: a --server-script backend in its script's
  // directory (a symlink's target's, per docs/proxy.md), a --backend command
  // in the start directory (PROXY-006). The profile may use either option.
  std::vector<std::pair<std::string, fs::path>> accepted_cwds;
};

std::string accepted_text(const PathCase& c) {
  std::string out;
  for (std::size_t i = 0; i < c.accepted_cwds.size(); ++i) {
    if (i != 0) out += i + 1 == c.accepted_cwds.size() ? " or " : ", ";
    out += c.accepted_cwds[i].first + " " + c.accepted_cwds[i].second.string();
  }
  return out;
}

// Starts the proxy on `c`, plays one lake_move in one session, and judges the
// backend's audit: it ran (the launcher's own audit directory has its lines,
// with the session's seed) and where (its cwd).
Outcome run_path_case(Context& ctx, const PathCase& c) {
  if (auto why = not_launchable(ctx)) return Outcome::not_applicable(*why);
  auto written = write_backend_launcher({.script = c.script,
                                         .reference_backend = ctx.paths().reference_backend,
                                         .audit_dir = c.audit_dir,
                                         .strict = false,
                                         .extra_args = {}});
  if (!written) return Outcome::could_not_run(written.error());
  std::error_code ec;
  fs::create_directories(c.start_dir, ec);
  if (ec) {
    return Outcome::could_not_run("cannot create the directory " + c.start_dir.string() + ": " +
                                  ec.message());
  }

  const std::string expected =
      "started from " + c.start_dir.string() + " with {backend} = " + quoted(c.backend_value) +
      ", the proxy serves a session from that script, run in " + accepted_text(c);
  ctx.note("started the proxy from " + c.start_dir.string() + " with {backend} = " +
           quoted(c.backend_value) + " (the launcher audits to " + c.audit_dir.string() + ")");
  auto proxy = launch_proxy(ctx, c.backend_value, c.start_dir, c.name, ctx.profile().ready_timeout);
  if (!proxy) {
    if (!proxys_fault(proxy.error())) {
      return Outcome::could_not_run("the suite could not start the proxy from " +
                                    c.start_dir.string() + ": " + excerpt(proxy.error(), 600));
    }
    return Outcome::broken(expected, "the proxy did not start: " + excerpt(proxy.error(), 800));
  }

  harness::ClientOptions options;
  options.timeout = ctx.call_timeout;
  auto client = harness::connect_http((*proxy)->url(), options);
  if (!client) {
    return Outcome::broken(
        expected, "the proxy's listening URL is unusable: " + excerpt(client.error(), 300));
  }
  auto init = (*client)->initialize(json{{"seed", c.seed}});
  if (!init) {
    return Outcome::broken(
        expected, "initialize (seed " + std::to_string(c.seed) +
                      ") through the proxy failed: " + excerpt(init.error().message(), 800));
  }
  auto move = (*client)->call_tool("lake_move", json{{"action", "RIGHT"}});
  if (!move) {
    return Outcome::broken(expected,
                           "the session opened, but lake_move through the proxy failed: " +
                               excerpt(move.error().message(), 800));
  }
  ctx.note("initialize (seed " + std::to_string(c.seed) + ") and lake_move RIGHT -> " +
           excerpt(move->dump(), 200));
  (void)(*client)->close();
  auto audits = read_backend_audits(c.audit_dir);
  // Drop the keep-alive connection first: a server may wait for open
  // connections before it exits on SIGTERM.
  client->reset();
  (*proxy)->stop(std::chrono::milliseconds(1'000));
  if (!audits) return Outcome::could_not_run(audits.error());

  const BackendAudit* backend = nullptr;
  for (const BackendAudit& a : *audits) {
    for (std::uint64_t s : a.seeds) {
      if (s == c.seed) backend = &a;
    }
  }
  if (backend == nullptr) {
    if (audits->empty())
      return Outcome::broken(expected,
                             "the session worked, but " + never_started(c.script.string()));
    return Outcome::broken(expected, "the script " + c.script.string() + " ran " +
                                         std::to_string(audits->size()) +
                                         " time(s), but none of its backends served the session "
                                         "with seed " +
                                         std::to_string(c.seed));
  }
  const std::string ran = "the backend from " + c.script.string() + " (pid " +
                          std::to_string(backend->pid) + ", argv[0] " +
                          quoted(backend->argv.empty() ? std::string() : backend->argv.front()) +
                          ") served the session and ran in " + backend->cwd;
  ctx.note("backend audit: pid " + std::to_string(backend->pid) + ", cwd " + backend->cwd + ", " +
           std::to_string(backend->requests.size()) + " request(s)");
  for (const auto& [which, dir] : c.accepted_cwds) {
    if (same_directory(backend->cwd, dir)) return Outcome::held(expected, ran + ", " + which);
  }
  return Outcome::broken(expected, ran + ", which is none of those directories");
}

// A tail of a log file, bounded.
std::string read_tail(const fs::path& path, std::size_t max_bytes = 16 * 1024) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff from = size > static_cast<std::streamoff>(max_bytes)
                                  ? size - static_cast<std::streamoff>(max_bytes)
                                  : 0;
  in.seekg(from);
  std::string text(static_cast<std::size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// "exited with exit status N" in a supervisor message: N, or nullopt (signal,
// or not found).
std::optional<int> exit_code_in(const std::string& message) {
  const std::string marker = " exited with exit status ";
  const std::size_t at = message.find(marker);
  if (at == std::string::npos) return std::nullopt;
  std::size_t i = at + marker.size();
  int code = 0;
  bool any = false;
  while (i < message.size() && message[i] >= '0' && message[i] <= '9' && code < 1000) {
    code = code * 10 + (message[i] - '0');
    any = true;
    ++i;
  }
  return any ? std::optional<int>(code) : std::nullopt;
}

// The line of `output` that names `needle`, bounded.
std::string line_naming(const std::string& output, const std::string& needle) {
  const std::size_t at = output.find(needle);
  if (at == std::string::npos) return {};
  const std::size_t begin = output.rfind('\n', at);
  const std::size_t end = output.find('\n', at);
  const std::size_t from = begin == std::string::npos ? 0 : begin + 1;
  return output.substr(from, (end == std::string::npos ? output.size() : end) - from);
}

// How the launch of a proxy whose backend script is `missing` ended, judged
// against `expected` from its launch error and its logs.
Outcome judge_missing_script_exit(Context& ctx, const std::string& error, const fs::path& missing,
                                  const std::string& name, std::chrono::milliseconds took,
                                  const std::string& expected) {
  ctx.note("launch -> " + excerpt(error, 600));
  if (error.rfind("[mcpgym.process.not_ready]", 0) == 0) {
    return Outcome::broken(expected, "the proxy neither exited nor became ready within " +
                                         std::to_string(kMissingScriptDeadline.count()) +
                                         " ms: it hung (it was stopped)");
  }
  if (error.rfind("[mcpgym.process.exited_early]", 0) != 0) {
    return Outcome::could_not_run("the suite could not start the proxy's command: " +
                                  excerpt(error, 600));
  }
  const fs::path logs = ctx.paths().work_dir / "logs";
  const std::string output =
      read_tail(logs / (name + ".stderr.log")) + "\n" + read_tail(logs / (name + ".stdout.log"));
  const std::string naming = line_naming(output, missing.string());
  const std::optional<int> code = exit_code_in(error);
  const std::string how =
      code ? "exit status " + std::to_string(*code) : std::string("a signal or an unknown status");
  const std::string said = naming.empty() ? "its output does not name " + missing.string() +
                                                " (it ended: " + excerpt(output, 400) + ")"
                                          : "saying " + quoted(naming);
  const std::string actual =
      "it exited after " + std::to_string(took.count()) + " ms with " + how + ", " + said;
  if (code && *code == 2 && !naming.empty()) return Outcome::held(expected, actual);
  return Outcome::broken(expected, actual);
}

// PROXY-007: "A script or program that does not exist or cannot be run makes the proxy
// exit at start-up with status 2 and a message naming the resolved absolute path, before
// it listens."
Outcome missing_script(Context& ctx) {
  if (auto why = not_launchable(ctx)) return Outcome::not_applicable(*why);
  const fs::path tmp = absolute_normal(ctx.temp_dir());
  const fs::path missing = tmp / "no-such-directory" / "backend.sh";
  const std::string expected =
      "with {backend} = " + missing.string() +
      " (which does not exist), the proxy exits at start-up, before it listens, with status 2 "
      "and a message naming " +
      missing.string();

  // Not ctx.launch: that waits the profile's whole ready timeout for a proxy
  // that hangs, and this rule wants an exit within a few seconds.
  const std::string name = "proxy-missing-script";
  ctx.note("started the proxy with {backend} = " + missing.string() + " (missing); deadline " +
           std::to_string(kMissingScriptDeadline.count()) + " ms");
  const auto started_at = std::chrono::steady_clock::now();
  auto started = launch_proxy(ctx, missing.string(), std::nullopt, name, kMissingScriptDeadline);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_at);
  if (started) {
    const std::string url = (*started)->url();
    (*started)->stop(std::chrono::milliseconds(1'000));
    return Outcome::broken(
        expected, "the proxy started and listened at " + url + " with its backend script missing");
  }
  return judge_missing_script_exit(ctx, started.error(), missing, name, took, expected);
}

// A --server-script case: the launcher in `dir` (under the check's temporary
// directory) named in {backend} relative to the start directory `start_name`
// or absolutely; the backend may run in the script's directory or the start
// directory.
Outcome script_case(Context& ctx, const std::string& name, const fs::path& start_name,
                    const fs::path& dir_name, bool relative, std::uint64_t seed) {
  const fs::path tmp = absolute_normal(ctx.temp_dir());
  const fs::path start = tmp / start_name;
  const fs::path dir = tmp / dir_name;
  const fs::path script = dir / "backend.sh";
  return run_path_case(
      ctx,
      PathCase{.name = name,
               .start_dir = start,
               .script = script,
               .backend_value = relative ? (dir.lexically_relative(start) / "backend.sh").string()
                                         : script.string(),
               .audit_dir = tmp / "audit",
               .seed = seed,
               .accepted_cwds = {{"the script's directory", dir},
                                 {"the proxy's start directory", start}}});
}

// PROXY-006: "... Paths with spaces and symlinks work." (docs/proxy.md: "a symlinked
// script runs beside its target")
Outcome symlinked_script(Context& ctx) {
  if (auto why = not_launchable(ctx)) return Outcome::not_applicable(*why);
  const fs::path tmp = absolute_normal(ctx.temp_dir());
  const fs::path start = tmp / "start";
  const fs::path real = tmp / "real" / "backend.sh";
  const fs::path link = tmp / "links" / "deeper" / "backend.sh";
  std::error_code ec;
  fs::create_directories(link.parent_path(), ec);
  // A relative link target: a proxy must resolve it against the
  // link's directory, not its own.
  const fs::path target = fs::path("..") / ".." / "real" / "backend.sh";
  if (!ec) fs::create_symlink(target, link, ec);
  if (ec) {
    return Outcome::could_not_run("cannot create the symlink " + link.string() + ": " +
                                  ec.message());
  }
  ctx.note(link.string() + " -> " + target.string());
  return run_path_case(ctx,
                       PathCase{.name = "proxy-symlinked-script",
                                .start_dir = start,
                                .script = real,
                                .backend_value = link.string(),
                                .audit_dir = tmp / "audit",
                                .seed = 60604,
                                .accepted_cwds = {{"the symlink target's directory", tmp / "real"},
                                                  {"the symlink's directory", link.parent_path()},
                                                  {"the proxy's start directory", start}}});
}

// PROXY-006: "A relative `--server-script` ... resolves against the directory the proxy
// was started from. A `--server-script` backend runs in its script's directory ..."
Outcome relative_script(Context& ctx) {
  return script_case(ctx, "proxy-relative-script", "elsewhere", fs::path("elsewhere") / "envs",
                     true, 60601);
}

// PROXY-006: "... A `--server-script` backend runs in its script's directory ..."
Outcome absolute_script(Context& ctx) {
  return script_case(ctx, "proxy-absolute-script", "start", "envs", false, 60602);
}

// PROXY-006: "... Paths with spaces and symlinks work."
Outcome spaces_in_path(Context& ctx) {
  return script_case(ctx, "proxy-spaces-in-path", "start", fs::path("my envs") / "frozen lake",
                     false, 60603);
}

const Needs kProxyOverHttp = {
    .kinds = {ProfileKind::kProxy}, .features = {}, .control = {}, .transport = Transport::kHttp};

constexpr const char* kRule006 =
    "A relative `--server-script`, or a relative program path in `--backend`, resolves against "
    "the directory the proxy was started from. A `--server-script` backend runs in its script's "
    "directory; a `--backend` command runs in the directory the proxy was started from. Paths "
    "with spaces and symlinks work.";

}  // namespace

std::vector<Check> proxy_path_checks() {
  return {
      must_check("proxy-paths.relative-script", "PROXY-006", kRule006, kProxyOverHttp,
                 relative_script),
      must_check("proxy-paths.absolute-script", "PROXY-006", kRule006, kProxyOverHttp,
                 absolute_script),
      must_check("proxy-paths.spaces-in-path", "PROXY-006", kRule006, kProxyOverHttp,
                 spaces_in_path),
      must_check("proxy-paths.symlinked-script", "PROXY-006", kRule006, kProxyOverHttp,
                 symlinked_script),
      must_check("proxy-paths.missing-script", "PROXY-007",
                 "A script or program that does not exist or cannot be run makes the proxy exit "
                 "at start-up with status 2 and a message naming the resolved absolute path, "
                 "before it listens.",
                 kProxyOverHttp, missing_script),
  };
}

}  // namespace mcpgym::conformance
