#pragma once
// Starts, watches and stops implementations under test (docs/spec.md REF-001
// for the default readiness line). An implementation is untrusted: it may exit
// at once, never become ready, print garbage or ignore SIGTERM; every such case
// is a LaunchError that names the command, its exit status and the last lines
// of its stderr, never a hang. Nothing an implementation starts outlives the
// harness: a keeper process (a child subreaper, in a cgroup of its own where
// one can be made) kills and reaps the implementation's whole tree, setsid()
// escapes and wrappers that do not exec included, when the implementation
// ends, when it is stopped, and when the harness dies, even by SIGKILL
// (docs/design.md, docs/reliability.md "Processes"). Logs are bounded.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace mcpgym::harness {

// Splits a command template into words (whitespace-separated; single quotes,
// double quotes and backslash escapes as in a POSIX shell, no expansion of
// anything else) and substitutes `{name}` placeholders inside each word from
// `values`. A placeholder with no value is an error naming it; `{{` and `}}`
// stand for literal braces. No shell ever runs the result.
Expected<std::vector<std::string>, std::string> expand_command(
    std::string_view command_template, const std::map<std::string, std::string>& values);

// A word for a command template: single-quoted, with quotes escaped and
// braces doubled, so that expand_command gives back exactly `text` as one
// word, with no placeholder in it (a path with spaces, quotes or braces).
std::string template_word(std::string_view text);

// Whether a template mentions `{name}`.
bool uses_placeholder(std::string_view command_template, std::string_view name);

// A free TCP port on 127.0.0.1 at the time of asking (bind port 0, read, close).
Expected<int, std::string> pick_free_port();
// Whether a socket of any process holds `port` on 127.0.0.1 now (a bind to it
// fails with EADDRINUSE).
bool port_in_use(int port);

struct ExitStatus {
  bool signaled = false;
  int code = 0;                  // exit code, or the signal number when signaled
  std::string describe() const;  // "exit status 3" / "killed by signal 9 (SIGKILL)"
  bool operator==(const ExitStatus&) const = default;
};

enum class ReadinessKind {
  kStdoutLine,  // a stdout line matching `pattern` (its first capture group, if any, is the URL)
  kProbe,       // `probe(url)` succeeds (for servers that print nothing), polled until the deadline
  kNone,        // ready once spawned (stdio servers)
};

struct Readiness {
  ReadinessKind kind = ReadinessKind::kStdoutLine;
  std::string pattern = R"(listening on (http://\S+))";
  // kProbe: called with the expected URL (http://127.0.0.1:{port}/mcp) until it
  // returns true or the deadline passes. The MCP client provides one that sends
  // initialize.
  std::function<bool(const std::string& url)> probe;
};

struct LaunchSpec {
  std::string command;                        // template, see expand_command
  std::map<std::string, std::string> values;  // placeholder values
  // When the template uses {port} and `values` has no "port", a free port is picked.
  std::optional<std::filesystem::path> working_directory;
  std::filesystem::path log_directory;  // <name>.stdout.log and <name>.stderr.log go here
  // Each log keeps at most this many bytes (plus one read of the pipe, 64 KiB):
  // past it, the log is rewritten as a line "[mcpgym.process.log_truncated] N
  // earlier bytes ..." followed by the newest half of the limit. At least 64 KiB.
  std::size_t log_limit_bytes = 8 << 20;
  std::string name = "server";  // used in log file names and messages
  Readiness readiness;
  std::chrono::milliseconds ready_timeout{10'000};
  // stdio transport: stdin and stdout stay pipes to the harness (stdout is
  // then not logged); stderr is still logged.
  bool stdio_pipes = false;
  // Testing only (mcpgym-proxy --fault backends-outlive-proxy), reproducing a
  // proxy whose backends are not tied to its life: the keeper does not kill
  // the implementation when the harness dies (it just exits, and the
  // implementation is re-parented), the implementation does not die with its
  // keeper, and it gets no cgroup. stop() and a main-process exit still work.
  bool testing_outlive_harness = false;
};

// Thread-safe: any method may be called from any thread, stop() concurrently
// with poll_exit() or another stop(). Once the process has exited, whatever it
// left behind (its process group, every descendant, its cgroup) has been
// killed and reaped by the time poll_exit() or stop() reports the exit, and
// its logs hold everything it wrote.
class Process {
 public:
  virtual ~Process() = default;  // implementations stop the process
  virtual pid_t pid() const = 0;
  virtual const std::vector<std::string>& argv() const = 0;
  virtual std::optional<int> port() const = 0;  // when {port} was used
  // The readiness line's URL, else http://127.0.0.1:{port}/mcp; empty for stdio.
  virtual const std::string& url() const = 0;
  // Non-blocking: the exit status once the process has ended.
  virtual std::optional<ExitStatus> poll_exit() = 0;
  // Waits until the process has ended or `timeout` has passed (nullopt then);
  // it does not stop the process. Built on poll_exit().
  std::optional<ExitStatus> wait_exit(std::chrono::milliseconds timeout);
  // SIGTERM to the process group, SIGKILL to everything it started after
  // `grace` (or at once, for what is left once the main process has exited);
  // reaps; idempotent.
  virtual ExitStatus stop(std::chrono::milliseconds grace = std::chrono::seconds(2)) = 0;
  // The last lines of the stderr log, with everything written so far (see flush_logs()).
  virtual std::string stderr_tail(std::size_t lines = 20) const = 0;
  // The logs are written by threads of the harness that drain the child's
  // pipes, a moment after the child wrote; this copies what the pipes hold now
  // into the files, so that a reader of stdout_log()/stderr_log() sees all
  // that the child wrote before the call. Once the process has exited, the
  // logs are complete without it.
  virtual void flush_logs() {}
  virtual const std::filesystem::path& stdout_log() const = 0;  // empty with stdio_pipes
  virtual const std::filesystem::path& stderr_log() const = 0;
  // stdio_pipes only: the child's stdin (write end) and stdout (read end); -1 otherwise.
  // Both stay open until close_stdin() (stdin) or the Process is destroyed;
  // never close() them yourself.
  virtual int stdin_fd() const = 0;
  virtual int stdout_fd() const = 0;
  // stdio_pipes only: closes the child's stdin, so it reads end of input;
  // stdin_fd() is -1 afterwards. Idempotent. Not to race with writers of stdin_fd().
  virtual void close_stdin() {}
};

// Error messages start with a stable identifier: [mcpgym.process.bad_command],
// [mcpgym.process.spawn_failed], [mcpgym.process.exited_early],
// [mcpgym.process.not_ready], [mcpgym.process.no_free_port],
// [mcpgym.process.bad_spec] (a LaunchSpec that cannot work: bad name, invalid
// readiness pattern, no log directory, a log limit under 64 KiB, kProbe without a probe or without
// {port}, stdio_pipes with a readiness other than kNone, a "port" value that
// is not a port).
Expected<std::unique_ptr<Process>, std::string> launch(const LaunchSpec& spec);

}  // namespace mcpgym::harness
