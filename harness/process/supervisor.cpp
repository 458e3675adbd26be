// Launching implementations under test: launch() checks the spec, prepares
// the command, opens the child's descriptors and logs, spawns it under a
// keeper and waits for readiness. The pieces, each in a file of its own:
//   fd.hpp            descriptors and pipes
//   spawner.hpp       the spawner thread that does every fork
//   spawn.hpp         the child side: the keeper's plan, fork, exec report
//   log_drain.hpp     pipes copied into bounded logs
//   process_impl.hpp  the Process object: exit, stop, logs, stdio
//   readiness.hpp     waiting for a readiness line or probe
//
// Reaping the implementation is the keeper's; the harness reaps only the
// keeper, after its exit report. (Anyone setting SIGCHLD to SIG_IGN or calling
// waitpid(-1) in the harness may steal the keeper's status, which no longer
// matters: the implementation's status comes over the socket.)
#include "harness/process/supervisor.hpp"

#include <fcntl.h>
#include <signal.h>

#include <cerrno>
#include <charconv>
#include <mutex>
#include <regex>

#include "common/log.hpp"
#include "common/text.hpp"
#include "harness/process/internal.hpp"
#include "harness/process/keeper.hpp"
#include "harness/process/process_impl.hpp"
#include "harness/process/readiness.hpp"
#include "harness/process/spawn.hpp"

namespace mcpgym::harness {

namespace {

using internal::above_stdio;
using internal::Clock;
using internal::errno_text;
using internal::Fd;
using internal::ProcessImpl;
using internal::Streams;

constexpr std::size_t kMinLogLimit = 64 * 1024;  // one read of a pipe: smaller caps mean little

std::string bad_spec(const std::string& text) {
  return "[mcpgym.process.bad_spec] " + text;
}

std::optional<int> parse_port(const std::string& text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 65535) {
    return std::nullopt;
  }
  return value;
}

// --- the spec ---

Expected<void, std::string> check_names_and_logs(const LaunchSpec& spec) {
  if (spec.name.empty() || spec.name == "." || spec.name == ".." ||
      spec.name.find('/') != std::string::npos || spec.name.find('\0') != std::string::npos) {
    return unexpected(bad_spec("the name '" + excerpt(spec.name, 200) +
                               "' cannot name log files; use a plain file name such as 'server'"));
  }
  if (spec.log_directory.empty()) {
    return unexpected(bad_spec("'" + spec.name + "' has no log directory; set log_directory"));
  }
  if (spec.log_limit_bytes < kMinLogLimit) {
    return unexpected(bad_spec("'" + spec.name + "' has a log limit of " +
                               std::to_string(spec.log_limit_bytes) + " bytes; use at least " +
                               std::to_string(kMinLogLimit)));
  }
  return {};
}

// The compiled readiness pattern (kStdoutLine only), once the readiness fits
// the rest of the spec.
Expected<std::optional<std::regex>, std::string> check_readiness(const LaunchSpec& spec) {
  const Readiness& readiness = spec.readiness;
  if (spec.stdio_pipes && readiness.kind != ReadinessKind::kNone) {
    return unexpected(bad_spec(
        "'" + spec.name +
        "' uses stdio_pipes, whose stdout belongs to the protocol; set readiness.kind to kNone"));
  }
  std::optional<std::regex> pattern;
  if (readiness.kind == ReadinessKind::kStdoutLine) {
    try {
      pattern.emplace(readiness.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return unexpected(bad_spec("the readiness pattern '" + excerpt(readiness.pattern, 200) +
                                 "' is not a valid ECMAScript regular expression: " + e.what()));
    }
  }
  if (readiness.kind == ReadinessKind::kProbe) {
    if (!readiness.probe) return unexpected(bad_spec("readiness kProbe needs a probe function"));
    if (!uses_placeholder(spec.command, "port")) {
      return unexpected(
          bad_spec("readiness kProbe polls http://127.0.0.1:{port}/mcp, but the "
                   "command template does not use {port}"));
    }
  }
  return pattern;
}

// --- the command ---

struct Command {
  std::vector<std::string> argv;
  std::optional<int> port;
  std::filesystem::path program;  // argv[0] resolved
  std::string display;            // argv as messages show it
};

std::string spawn_failed(const std::string& command, const std::string& why) {
  return "[mcpgym.process.spawn_failed] cannot start " + command + ": " + why;
}

// The port of {port}: the given value, else a free one written into `values`.
Expected<std::optional<int>, std::string> choose_port(const std::string& command_template,
                                                      std::map<std::string, std::string>& values) {
  if (!uses_placeholder(command_template, "port")) return std::optional<int>();
  if (const auto given = values.find("port"); given != values.end()) {
    const auto port = parse_port(given->second);
    if (!port) {
      return unexpected(bad_spec("the value of {port}, '" + excerpt(given->second, 200) +
                                 "', is not a TCP port (1-65535)"));
    }
    return port;
  }
  auto picked = pick_free_port();
  if (!picked) return unexpected(picked.error());
  values["port"] = std::to_string(*picked);
  return std::optional<int>(*picked);
}

Expected<Command, std::string> prepare_command(const LaunchSpec& spec) {
  std::map<std::string, std::string> values = spec.values;
  auto port = choose_port(spec.command, values);
  if (!port) return unexpected(port.error());
  auto argv = expand_command(spec.command, values);
  if (!argv) return unexpected(argv.error());
  Command command{std::move(*argv), *port, {}, {}};
  command.display = internal::display_command(command.argv);
  if (spec.working_directory) {
    std::error_code ec;
    if (!std::filesystem::is_directory(*spec.working_directory, ec)) {
      return unexpected(spawn_failed(command.display,
                                     "the working directory '" + spec.working_directory->string() +
                                         "' does not exist or is not a directory"));
    }
  }
  auto program = internal::resolve_program(command.argv.front(), spec.working_directory);
  if (!program) return unexpected(spawn_failed(command.display, program.error()));
  command.program = std::move(*program);
  return command;
}

// --- logs and pipes ---

// The harness's ends (in `streams`) and the child's ends of its descriptors.
struct Descriptors {
  Streams streams;
  Fd child_stdin;
  Fd child_stdout;
  Fd child_stderr;
  std::filesystem::path stdout_log;  // empty with stdio_pipes
  std::filesystem::path stderr_log;
};

// stdin and stdout as pipes to the harness, for the stdio transport.
Expected<void, std::string> open_stdio_pipes(Descriptors& d) {
  // Writing to a child that has died must be an error, not the harness's death.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
  auto in = internal::make_pipe();
  if (!in) return unexpected(in.error());
  auto out = internal::make_pipe();
  if (!out) return unexpected(out.error());
  d.child_stdin = std::move(in->read);
  d.streams.stdin_write = std::move(in->write);
  d.child_stdout = std::move(out->write);
  d.streams.stdout_read_for_client = std::move(out->read);
  return {};
}

// stdin from /dev/null, stdout into its log.
Expected<void, std::string> open_logged_stdout(Descriptors& d, std::size_t limit_bytes) {
  d.child_stdin = above_stdio(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!d.child_stdin) return unexpected("cannot open /dev/null: " + errno_text(errno));
  auto out = internal::logged_pipe(d.stdout_log, limit_bytes);
  if (!out) return unexpected(out.error());
  d.child_stdout = std::move(out->child_end);
  d.streams.stdout_drain = std::move(out->drain);
  return {};
}

Expected<Descriptors, std::string> open_descriptors(const LaunchSpec& spec) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(spec.log_directory, ec);
  if (ec) {
    return unexpected("cannot create the log directory '" + spec.log_directory.string() +
                      "': " + ec.message());
  }
  Descriptors d;
  d.stderr_log = spec.log_directory / (spec.name + ".stderr.log");
  if (!spec.stdio_pipes) d.stdout_log = spec.log_directory / (spec.name + ".stdout.log");
  auto err = internal::logged_pipe(d.stderr_log, spec.log_limit_bytes);
  if (!err) return unexpected(err.error());
  d.child_stderr = std::move(err->child_end);
  d.streams.stderr_drain = std::move(err->drain);
  auto opened =
      spec.stdio_pipes ? open_stdio_pipes(d) : open_logged_stdout(d, spec.log_limit_bytes);
  if (!opened) return unexpected(opened.error());
  return d;
}

// --- spawn ---

// Spawns the command in a cgroup of its own where one can be made; the
// child's ends of its descriptors are closed here either way.
Expected<std::unique_ptr<ProcessImpl>, std::string> start(const LaunchSpec& spec, Command command,
                                                          Descriptors d) {
  // An implementation meant to outlive the harness gets no cgroup, which
  // would be killed with the keeper's final sweep.
  const auto cgroup =
      spec.testing_outlive_harness ? std::nullopt : internal::create_cgroup(spec.name);
  auto spawned = internal::spawn(command.program, command.argv, spec.working_directory,
                                 {d.child_stdin.get(), d.child_stdout.get(), d.child_stderr.get()},
                                 cgroup, spec.testing_outlive_harness);
  d.child_stdin.reset();
  d.child_stdout.reset();
  d.child_stderr.reset();
  if (!spawned) {
    if (cgroup) internal::remove_cgroup(*cgroup);
    return unexpected(spawn_failed(command.display, spawned.error()));
  }
  return std::make_unique<ProcessImpl>(std::move(*spawned), cgroup, std::move(command.argv),
                                       command.port, std::move(d.stdout_log),
                                       std::move(d.stderr_log), std::move(d.streams));
}

std::string default_url(std::optional<int> port) {
  return port ? "http://127.0.0.1:" + std::to_string(*port) + "/mcp" : std::string();
}

}  // namespace

// A port picked for {port} is free when picked, but another process may take
// it before the child binds it: an outgoing connection's ephemeral port, on a
// machine busy with loopback traffic (pick_free_port). The child then exits
// before becoming ready; when the port is in use by then, it is started again
// on another port, this many times in all.
constexpr int kPortAttempts = 3;

Expected<std::unique_ptr<Process>, std::string> launch(const LaunchSpec& spec) {
  const auto deadline = Clock::now() + spec.ready_timeout;
  if (auto checked = check_names_and_logs(spec); !checked) return unexpected(checked.error());
  auto pattern = check_readiness(spec);
  if (!pattern) return unexpected(pattern.error());
  const bool port_given = spec.values.count("port") > 0;
  for (int attempt = 1;; ++attempt) {
    auto command = prepare_command(spec);
    if (!command) return unexpected(command.error());
    auto descriptors = open_descriptors(spec);
    if (!descriptors) return unexpected(spawn_failed(command->display, descriptors.error()));
    const std::optional<int> port = command->port;
    const std::string url = default_url(port);
    auto process = start(spec, std::move(*command), std::move(*descriptors));
    if (!process) return unexpected(process.error());
    auto ready = internal::await_readiness(**process, spec, *pattern, url, deadline);
    if (ready) return std::unique_ptr<Process>(std::move(*process));
    const bool port_taken = !port_given && port && (*process)->poll_exit() && port_in_use(*port);
    if (!port_taken || attempt == kPortAttempts || Clock::now() >= deadline) {
      return unexpected(ready.error());
    }
    log_debug("[mcpgym.process] port " + std::to_string(*port) +
              " was taken before the child bound it; starting it again on another port");
  }
}

}  // namespace mcpgym::harness
