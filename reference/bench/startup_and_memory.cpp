// mcpgym-bench-backend: start-up latency and memory of the reference backend,
// for docs/performance.md (throughput is measured with wrk by
// tools/bench-backend.sh). Prints one "name value unit" line per figure.
//
//   start-up: time from spawn to the readiness line, over --runs processes
//   memory:   VmRSS idle, with 1 session, and with --sessions sessions
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "harness/http/raw_http.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

struct Child {
  pid_t pid = -1;
  int port = -1;
  double ready_ms = 0;
};

// Spawns the backend and reads its readiness line. A bench tool, so a failure
// simply ends the run with a message.
Child spawn_backend(const std::string& binary, const std::string& game) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<std::string> args = {binary, "--game", game, "--port", "0", "--log-level", "error"};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  Child child;
  const auto start = Clock::now();
  if (posix_spawn(&child.pid, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot spawn " + binary);
  }
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  std::string line;
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n')
    line += c;
  child.ready_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  close(fds[0]);
  const auto colon = line.rfind(':');
  if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos) {
    throw std::runtime_error("no readiness line from " + binary + ", got '" + line + "'");
  }
  child.port = std::stoi(line.substr(colon + 1));
  return child;
}

void stop(Child& child) {
  kill(child.pid, SIGTERM);
  int status = 0;
  waitpid(child.pid, &status, 0);
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

void open_sessions(int port, int count) {
  mcpgym::harness::RawHttpClient client("127.0.0.1", port, std::chrono::seconds(10));
  for (int i = 0; i < count; ++i) {
    const json init = {
        {"jsonrpc", "2.0"},
        {"id", i},
        {"method", "initialize"},
        {"params",
         {{"protocolVersion", "2025-11-25"},
          {"capabilities", json::object()},
          {"clientInfo", {{"name", "bench"}, {"version", "0"}, {"_extra", {{"seed", i}}}}}}}};
    auto r = client.send({"POST", "/mcp", mcpgym::harness::mcp_post_headers(), init.dump()});
    if (!r || r->status != 200)
      throw std::runtime_error("initialize failed while opening sessions");
  }
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  mcpgym::cli::Parser parser("mcpgym-bench-backend", "--binary PATH [flags]",
                             "Measures the reference backend's start-up time and memory.");
  parser.option("binary", "PATH", "the mcpgym-frozenlake binary")
      .option("runs", "N", "processes started for the start-up figure (default 50)")
      .option("sessions", "N", "sessions opened for the memory figure (default 1000)")
      .option("game", "NAME", "the game the backend serves (default frozenlake)");
  auto parsed = parser.parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const mcpgym::cli::Args* args = &std::get<mcpgym::cli::Args>(parsed);
  if (!args->get("binary")) {
    std::cerr << "mcpgym-bench-backend: [mcpgym.cli.missing_value] --binary is required\n";
    return mcpgym::cli::kExitUsage;
  }
  const std::string binary = *args->get("binary");
  const int runs = std::stoi(args->get("runs").value_or("50"));
  const int sessions = std::stoi(args->get("sessions").value_or("1000"));
  const std::string game = args->get("game").value_or("frozenlake");
  try {
    std::vector<double> ready;
    for (int i = 0; i < runs; ++i) {
      Child c = spawn_backend(binary, game);
      ready.push_back(c.ready_ms);
      stop(c);
    }
    std::printf("startup_to_ready_median %.2f ms\nstartup_to_ready_p99 %.2f ms\n",
                percentile(ready, 0.5), percentile(ready, 0.99));

    Child c = spawn_backend(binary, game);
    const long idle = rss_kib(c.pid);
    open_sessions(c.port, 1);
    const long one = rss_kib(c.pid);
    open_sessions(c.port, sessions - 1);
    const long many = rss_kib(c.pid);
    stop(c);
    std::printf("rss_idle %ld KiB\nrss_1_session %ld KiB\nrss_%d_sessions %ld KiB\n", idle, one,
                sessions, many);
    std::printf("rss_per_extra_session %.0f bytes\n",
                static_cast<double>(many - one) * 1024.0 / (sessions - 1));
  } catch (const std::exception& e) {
    std::cerr << "mcpgym-bench-backend: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
