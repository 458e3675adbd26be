#pragma once
// Support for the proxy's program tests (docs/spec.md PROXY-*): starting
// mcpgym-proxy under the supervisor, finding the backend processes it started
// (its children, read from /proc), raw initialize requests, and a fixture that
// makes this test process a subreaper and proves after every test that no
// process it started, directly or through the proxy, is left running.
// Nothing here sleeps to wait for readiness: every wait ends on a line, an
// exit or a deadline.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/expected.hpp"
#include "harness/http/raw_http.hpp"
#include "harness/mcp/client.hpp"
#include "harness/process/supervisor.hpp"
#include "harness/process/tests/support.hpp"

namespace mcpgym::proxy::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using harness::ExitStatus;
using harness::json;
using harness::testing::Clock;
using harness::testing::pid_gone;
using harness::testing::read_file;
using harness::testing::reap_orphan;
using harness::testing::Subreaper;
using harness::testing::TempDir;
using harness::testing::write_file;

inline const std::string kProxyBin = MCPGYM_PROXY_BIN;
inline const std::string kFrozenLakeBin = MCPGYM_FROZENLAKE_BIN;
inline const fs::path kSourceDir = MCPGYM_SOURCE_DIR;

inline constexpr std::uint64_t kMaxSeed = (std::uint64_t{1} << 53) - 1;

// One word of a supervisor command template: single-quoted as in a POSIX
// shell, with braces doubled so that the supervisor passes a program's own
// {placeholders} (the proxy's --backend template) through literally.
inline std::string word(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else if (c == '{' || c == '}')
      out += std::string(2, c);
    else
      out += c;
  }
  return out + "'";
}

// A command template running `program` with exactly `args` as its arguments.
inline std::string command_of(const std::string& program, const std::vector<std::string>& args) {
  std::string command = word(program);
  for (const auto& arg : args)
    command += " " + word(arg);
  return command;
}

// The fields of /proc/<pid>/stat after the command name: state, ppid, ...
inline std::optional<std::vector<std::string>> stat_fields(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::vector<std::string> fields;
  std::string field;
  for (std::size_t i = close + 2; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field += text[i];
    }
  }
  return fields;
}

// The processes whose parent is `parent` (zombies included), in pid order.
inline std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    const auto fields = stat_fields(pid);
    if (fields && fields->size() > 1 && std::stol((*fields)[1]) == parent) children.push_back(pid);
  }
  std::sort(children.begin(), children.end());
  return children;
}

// The processes a supervisor running as `parent` launched: each runs under a
// keeper process (harness/process/keeper.hpp), `parent`'s child, so these are
// the keepers' children (and `parent`'s children that are not keepers).
inline std::vector<pid_t> launched_by(pid_t parent) {
  std::vector<pid_t> launched;
  for (const pid_t child : children_of(parent)) {
    if (read_file("/proc/" + std::to_string(child) + "/comm") == "mcpgym-keeper\n") {
      const auto below = children_of(child);
      launched.insert(launched.end(), below.begin(), below.end());
    } else {
      launched.push_back(child);
    }
  }
  std::sort(launched.begin(), launched.end());
  return launched;
}

inline bool is_zombie(pid_t pid) {
  const auto fields = stat_fields(pid);
  return fields && !fields->empty() && (*fields)[0] == "Z";
}

inline std::string cmdline_of(pid_t pid) {
  std::string text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  std::replace(text.begin(), text.end(), '\0', ' ');
  return text;
}

// The one pid in `after` that is not in `before`; -1 (and a failure) otherwise.
inline pid_t new_pid(const std::vector<pid_t>& before, const std::vector<pid_t>& after) {
  std::vector<pid_t> added;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(added));
  if (added.size() != 1) {
    ADD_FAILURE() << "expected exactly one new backend process, found " << added.size();
    return -1;
  }
  return added.front();
}

// Polls until `pid` no longer exists (reaped by its parent); at the deadline,
// a failure saying how long it waited and what /proc showed of the pid last.
inline ::testing::AssertionResult wait_until_gone(pid_t pid,
                                                  std::chrono::milliseconds deadline = 5s) {
  const auto end = Clock::now() + deadline;
  while (!pid_gone(pid)) {
    if (Clock::now() >= end) {
      return ::testing::AssertionFailure() << "waited " << deadline.count() << " ms for pid " << pid
                                           << " to be gone, but it was still there ("
                                           << harness::testing::process_seen(pid) << ")";
    }
    std::this_thread::sleep_for(2ms);  // polling interval, not a wait for readiness
  }
  return ::testing::AssertionSuccess();
}

// The port of http://127.0.0.1:PORT/mcp.
inline int port_of(const std::string& url) {
  std::smatch match;
  if (!std::regex_search(url, match, std::regex(R"(:(\d+)/)"))) return -1;
  return std::stoi(match[1].str());
}

inline std::string regex_escape(std::string_view text) {
  static const std::string kSpecial = R"(\^$.|?*+()[]{})";
  std::string out;
  for (char c : text) {
    if (kSpecial.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

// A raw initialize, so the test sees the headers too (SESS-001).
inline Expected<harness::HttpExchange, std::string> raw_initialize(const std::string& url,
                                                                   const json& extra) {
  harness::RawHttpClient http("127.0.0.1", port_of(url), 10s);
  json params = {{"protocolVersion", "2025-11-25"},
                 {"capabilities", json::object()},
                 {"clientInfo", {{"name", "proxy-test"}, {"version", "0.1.0"}}}};
  if (!extra.is_null()) params["clientInfo"]["_extra"] = extra;
  const json body = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", params}};
  return http.send({"POST", "/mcp", harness::mcp_post_headers(), body.dump()});
}

// A JSON-RPC error object as the client saw it ("" when there was none).
inline json rpc_error_of(const harness::CallError& error) {
  return error.rpc_error ? *error.rpc_error : json();
}

// The mcpgym-proxy under test, started by the supervisor.
struct Proxy {
  std::unique_ptr<harness::Process> process;
  fs::path backend_logs;  // its --log-dir

  const std::string& url() const { return process->url(); }
  std::vector<pid_t> backends() const { return launched_by(process->pid()); }
  std::unique_ptr<harness::McpClient> client(harness::ClientOptions options = {}) const {
    auto client = harness::connect_http(url(), std::move(options));
    EXPECT_TRUE(client.has_value()) << client.error();
    return client ? std::move(*client) : nullptr;
  }
  std::string stderr_text() const {
    process->flush_logs();  // all the proxy wrote so far, not only what the drain copied
    return read_file(process->stderr_log());
  }
  // Whether the proxy's stderr has `text` by the deadline (for lines it writes
  // after something the test can see, such as a backend's end); a failure
  // quotes the text, the wait and the end of what stderr held last.
  ::testing::AssertionResult stderr_gets(const std::string& text,
                                         std::chrono::milliseconds deadline = 5s) const {
    const auto end = Clock::now() + deadline;
    for (;;) {
      const std::string seen = stderr_text();
      if (seen.find(text) != std::string::npos) return ::testing::AssertionSuccess();
      if (Clock::now() >= end) {
        constexpr std::size_t kShown = 2000;  // the end of stderr, where the line was due
        return ::testing::AssertionFailure()
               << "waited " << deadline.count() << " ms for the proxy's stderr to get '" << text
               << "'; it held " << seen.size() << " bytes, ending: '"
               << seen.substr(seen.size() - std::min(seen.size(), kShown)) << "'";
      }
      std::this_thread::sleep_for(5ms);  // polling interval
    }
  }
  // SIGTERM, then the exit status, awaited with a deadline (never the
  // supervisor's SIGKILL after its grace, which would hide a slow shutdown).
  std::optional<ExitStatus> terminate(std::chrono::milliseconds deadline = 10s) const {
    ::kill(process->pid(), SIGTERM);
    return harness::testing::wait_for_exit(*process, deadline);
  }
};

struct Finished {
  std::optional<ExitStatus> status;  // nullopt: still running at the deadline (then stopped)
  std::string stdout_text;
  std::string stderr_text;
  std::chrono::milliseconds took{0};
};

class ProxyTest : public ::testing::Test {
 protected:
  // Every process the test leaves behind has exited by now (the test's own
  // Process objects are gone); anything still running is a leak: a backend
  // that outlived its proxy and was reparented here.
  void TearDown() override {
    const auto end = Clock::now() + 5s;
    std::vector<pid_t> alive;
    for (;;) {
      alive.clear();
      for (pid_t pid : children_of(::getpid())) {
        if (is_zombie(pid))
          ::waitpid(pid, nullptr, WNOHANG);  // an orphan that died: reap it
        else
          alive.push_back(pid);
      }
      if (alive.empty() || Clock::now() >= end) break;
      std::this_thread::sleep_for(5ms);  // polling interval
    }
    for (pid_t pid : alive) {
      ADD_FAILURE() << "process " << pid << " (" << cmdline_of(pid) << ") outlived the test";
      harness::testing::kill_leftover(pid);
    }
  }

  const fs::path& dir() const { return temp_.path(); }

  // Starts the proxy with `args` from `cwd` (default: the test's temp dir),
  // with --log-dir in the temp dir, waiting for its readiness line.
  Expected<Proxy, std::string> start_proxy(std::vector<std::string> args,
                                           std::optional<fs::path> cwd = std::nullopt) {
    const fs::path logs = dir() / ("proxy-" + std::to_string(++proxies_));
    args.insert(args.end(), {"--log-dir", (logs / "backends").string()});
    harness::LaunchSpec spec;
    spec.command = command_of(kProxyBin, args);
    spec.name = "proxy";
    spec.log_directory = logs;
    spec.working_directory = cwd ? *cwd : dir();
    auto process = harness::launch(spec);
    if (!process) return unexpected(process.error());
    return Proxy{std::move(*process), logs / "backends"};
  }

  // Runs a program that should exit by itself (the proxy refusing its flags).
  Finished run_to_exit(const std::string& program, const std::vector<std::string>& args,
                       const fs::path& cwd, std::chrono::milliseconds deadline = 10s) {
    harness::LaunchSpec spec;
    spec.command = command_of(program, args);
    spec.name = "run-" + std::to_string(++proxies_);
    spec.log_directory = dir() / spec.name;
    spec.working_directory = cwd;
    spec.readiness.kind = harness::ReadinessKind::kNone;
    const auto start = Clock::now();
    auto process = harness::launch(spec);
    if (!process) {
      ADD_FAILURE() << process.error();
      return {};
    }
    Finished done;
    done.status = harness::testing::wait_for_exit(**process, deadline);
    done.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    if (!done.status) (*process)->stop();
    done.stdout_text = read_file((*process)->stdout_log());
    done.stderr_text = read_file((*process)->stderr_log());
    return done;
  }

 private:
  TempDir temp_;
  Subreaper subreaper_;
  int proxies_ = 0;
};

}  // namespace mcpgym::proxy::testing
