// mcpgym-bench-proxy: the reference proxy (mcpgym-proxy) for
// docs/performance.md. Starts one proxy whose backends are the reference
// backend, plus one reference backend of its own for the direct baselines, and
// prints one "name value unit" line per figure:
//
//   1. session creation: the wall time of initialize on a fresh session (the
//      proxy spawns a backend, waits for its readiness line and initializes
//      it), over --creations sequential sessions, each deleted afterwards
//      (the DELETE is timed too);
//   2. per-step latency: tools/call lake_move LEFT round trips on one
//      keep-alive connection, through the proxy and straight to a backend, in
//      alternating blocks, and their ratio;
//   3. memory while --sessions sessions are live (one client thread and
//      connection each): VmRSS of the proxy and of its child processes (the
//      backends);
//   4. a --sessions-environment rollout (harness::run_rollout, scripted "L",
//      --steps steps each) through the proxy: errors, steps and steps/s; then
//      the same rollout straight against one backend, as a baseline;
//   5. raw throughput: the rollout's three requests per step from --sessions
//      client threads without the harness, through the proxy and direct;
//   6. bursts (--bursts, default 128 and 512): that many clients send
//      initialize at the same moment, as a rollout starts: failures (must be
//      0), the time until the last session is ready, and the peak load.
// Any environment that errors (rollout or burst) makes the exit status 1.
//
// Every process it starts is stopped by PID before it exits, on failure too;
// backends the proxy left behind are killed by PID as well.
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/cli.hpp"
#include "harness/http/raw_http.hpp"
#include "harness/process/supervisor.hpp"
#include "harness/rollout/rollout.hpp"

namespace {

using namespace mcpgym;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kProgram = "mcpgym-bench-proxy";
constexpr const char* kVersion = "2025-11-25";
constexpr auto kTimeout = std::chrono::seconds(30);
const std::string kMove =
    R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lake_move","arguments":{"action":"LEFT"}}})";
const std::string kInitialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// ---- /proc ----------------------------------------------------------------

// A field of /proc/<pid>/status in KiB; -1 when the process is gone.
long status_kib(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

struct ProcStat {
  pid_t ppid = 0;
  unsigned long long start_time = 0;  // clock ticks since boot: tells a reused PID apart
};

std::optional<ProcStat> proc_stat(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(file, text)) return std::nullopt;
  const auto paren = text.rfind(')');  // the command name may hold spaces and ')'
  if (paren == std::string::npos) return std::nullopt;
  // After ") ": state(3) ppid(4) ... starttime(22).
  std::vector<std::string> fields;
  std::string field;
  for (std::size_t i = paren + 2; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field += text[i];
    }
  }
  if (fields.size() < 20) return std::nullopt;
  if (fields[0] == "Z" || fields[0] == "X") return std::nullopt;  // exited, not yet reaped
  return ProcStat{static_cast<pid_t>(std::stol(fields[1])), std::stoull(fields[19])};
}

// Live child processes of `parent`, with their start times.
std::map<pid_t, unsigned long long> children_of(pid_t parent) {
  std::map<pid_t, unsigned long long> children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() ||
        !std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c); }))
      continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    if (auto stat = proc_stat(pid); stat && stat->ppid == parent) children[pid] = stat->start_time;
  }
  return children;
}

// ---- processes --------------------------------------------------------------

// The proxy, stopped on destruction; the backends it still had are then killed
// by PID if they outlived it (they should not: the proxy ends every session on
// SIGTERM, and the harness launches them with PR_SET_PDEATHSIG).
class ProxyProcess {
 public:
  explicit ProxyProcess(std::unique_ptr<harness::Process> process) : process_(std::move(process)) {}
  ProxyProcess(const ProxyProcess&) = delete;
  ProxyProcess& operator=(const ProxyProcess&) = delete;
  ~ProxyProcess() { (void)stop(); }

  harness::Process& operator*() const { return *process_; }
  harness::Process* operator->() const { return process_.get(); }

  // Stops the proxy; returns how many of its backends had to be killed here.
  int stop() {
    if (stopped_) return 0;
    stopped_ = true;
    const auto backends = children_of(process_->pid());
    (void)process_->stop(std::chrono::seconds(10));
    int killed = 0;
    for (int attempt = 0; attempt < 50; ++attempt) {
      killed = 0;
      for (const auto& [pid, start] : backends) {
        if (auto stat = proc_stat(pid); stat && stat->start_time == start) ++killed;
      }
      if (killed == 0) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (const auto& [pid, start] : backends) {
      if (auto stat = proc_stat(pid); stat && stat->start_time == start) ::kill(pid, SIGKILL);
    }
    return killed;
  }

 private:
  std::unique_ptr<harness::Process> process_;
  bool stopped_ = false;
};

std::unique_ptr<harness::Process> launch(const std::string& name, const std::string& command,
                                         std::map<std::string, std::string> values,
                                         const std::filesystem::path& logs) {
  harness::LaunchSpec spec;
  spec.name = name;
  spec.command = command;
  spec.values = std::move(values);
  spec.log_directory = logs;
  auto process = harness::launch(spec);
  if (!process) throw Failure("cannot start the " + name + ": " + process.error());
  return std::move(*process);
}

// ---- MCP over raw HTTP ----------------------------------------------------

std::string initialize_body(int seed) {
  return json{
      {"jsonrpc", "2.0"},
      {"id", 0},
      {"method", "initialize"},
      {"params",
       {{"protocolVersion", kVersion},
        {"capabilities", json::object()},
        {"clientInfo", {{"name", kProgram}, {"version", "0"}, {"_extra", {{"seed", seed}}}}}}}}
      .dump();
}

std::string describe(const Expected<harness::HttpExchange, std::string>& answer) {
  if (!answer) return answer.error();
  return "HTTP " + std::to_string(answer->status) + ": " + answer->body.substr(0, 300);
}

// Sends initialize (timed) and notifications/initialized; the session id.
std::string open_session(harness::RawHttpClient& client, int seed, double* initialize_ms) {
  const auto start = Clock::now();
  auto answer = client.send({"POST", "/mcp", harness::mcp_post_headers(), initialize_body(seed)});
  if (initialize_ms) *initialize_ms = ms_since(start);
  const std::string id = answer ? answer->header("Mcp-Session-Id") : "";
  if (!answer || answer->status != 200 || id.empty() ||
      !parse_json(answer->body).value_or(json()).contains("result")) {
    throw Failure("initialize on port " + std::to_string(client.port()) +
                  " failed: " + describe(answer));
  }
  auto ack = client.send({"POST", "/mcp", harness::mcp_post_headers(id, kVersion), kInitialized});
  if (!ack || ack->status / 100 != 2) {
    throw Failure("notifications/initialized on port " + std::to_string(client.port()) +
                  " failed: " + describe(ack));
  }
  return id;
}

// DELETE (timed: through the proxy, this stops the session's backend).
void close_session(harness::RawHttpClient& client, const std::string& id,
                   double* delete_ms = nullptr) {
  const auto start = Clock::now();
  auto answer = client.send(
      {"DELETE", "/mcp", {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", kVersion}}, ""});
  if (delete_ms) *delete_ms = ms_since(start);
  if (!answer || answer->status / 100 != 2) {
    throw Failure("DELETE of session " + id + " on port " + std::to_string(client.port()) +
                  " failed: " + describe(answer));
  }
}

// One lake_move LEFT; checked after the clock stops. Microseconds.
double step(harness::RawHttpClient& client, const harness::HeaderList& headers) {
  const auto start = Clock::now();
  auto answer = client.send({"POST", "/mcp", headers, kMove});
  const double us = 1000.0 * ms_since(start);
  bool ok = answer && answer->status == 200;
  if (ok) {
    const json body = parse_json(answer->body).value_or(json());
    ok = body.is_object() && body.contains("result") && !body["result"].value("isError", false);
  }
  if (!ok) {
    throw Failure("tools/call lake_move LEFT on port " + std::to_string(client.port()) +
                  " failed: " + describe(answer));
  }
  return us;
}

// ---- the four measurements ------------------------------------------------

void measure_session_creation(int port, int count) {
  harness::RawHttpClient client("127.0.0.1", port, kTimeout);
  // One untimed session first: the first spawn pays for cold caches.
  close_session(client, open_session(client, 0, nullptr));
  std::vector<double> times, deletes;
  for (int i = 0; i < count; ++i) {
    double ms = 0;
    const std::string id = open_session(client, i, &ms);
    times.push_back(ms);
    close_session(client, id, &ms);
    deletes.push_back(ms);
  }
  std::printf("session_create_median %.2f ms\nsession_create_p99 %.2f ms\n", percentile(times, 0.5),
              percentile(times, 0.99));
  std::printf("session_create_mean %.2f ms\nsession_create_max %.2f ms\n", mean(times),
              *std::max_element(times.begin(), times.end()));
  std::printf("session_delete_median %.2f ms\nsession_delete_p99 %.2f ms\n",
              percentile(deletes, 0.5), percentile(deletes, 0.99));
  std::fflush(stdout);
}

void measure_step_latency(int proxy_port, int backend_port, int round_trips) {
  harness::RawHttpClient proxy("127.0.0.1", proxy_port, kTimeout);
  harness::RawHttpClient direct("127.0.0.1", backend_port, kTimeout);
  const std::string proxy_session = open_session(proxy, 7, nullptr);
  const std::string direct_session = open_session(direct, 7, nullptr);
  const auto proxy_headers = harness::mcp_post_headers(proxy_session, kVersion);
  const auto direct_headers = harness::mcp_post_headers(direct_session, kVersion);
  for (int i = 0; i < 200; ++i) {  // warm-up
    step(proxy, proxy_headers);
    step(direct, direct_headers);
  }
  // Alternating blocks, so that a change in the machine's load hits both alike.
  constexpr int kBlock = 500;
  std::vector<double> through_proxy, straight;
  while (static_cast<int>(straight.size()) < round_trips) {
    const int n = std::min(kBlock, round_trips - static_cast<int>(straight.size()));
    for (int i = 0; i < n; ++i)
      straight.push_back(step(direct, direct_headers));
    for (int i = 0; i < n; ++i)
      through_proxy.push_back(step(proxy, proxy_headers));
  }
  const double direct_median = percentile(straight, 0.5);
  const double proxy_median = percentile(through_proxy, 0.5);
  std::printf("step_round_trips %d requests\n", round_trips);
  std::printf("step_direct_median %.1f us\nstep_direct_mean %.1f us\nstep_direct_p99 %.1f us\n",
              direct_median, mean(straight), percentile(straight, 0.99));
  std::printf("step_proxy_median %.1f us\nstep_proxy_mean %.1f us\nstep_proxy_p99 %.1f us\n",
              proxy_median, mean(through_proxy), percentile(through_proxy, 0.99));
  std::printf("step_ratio_median %.2f x\nstep_ratio_mean %.2f x\n", proxy_median / direct_median,
              mean(through_proxy) / mean(straight));
  std::fflush(stdout);
  close_session(proxy, proxy_session);
  close_session(direct, direct_session);
}

// What the server itself sustains, without the harness's per-step work:
// `sessions` client threads, one connection and session each, take `steps`
// steps of the rollout's three requests (tools/call lake_move LEFT, then
// control://reward and control://status) between a common start and the last
// one finishing; sessions are opened before and deleted after the clock.
double measure_raw_throughput(const std::string& prefix, int port, int sessions, int steps) {
  const std::string reward =
      R"({"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"control://reward"}})";
  const std::string status =
      R"({"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"control://status"}})";
  std::latch ready(sessions + 1);
  std::latch go(1);
  std::vector<std::string> errors(static_cast<std::size_t>(sessions));
  std::vector<Clock::time_point> finished(static_cast<std::size_t>(sessions));
  auto client_thread = [&](int i) {
    auto& error = errors[static_cast<std::size_t>(i)];
    std::string id;
    std::optional<harness::RawHttpClient> client;
    try {
      client.emplace("127.0.0.1", port, kTimeout);
      id = open_session(*client, i, nullptr);
    } catch (const std::exception& e) {
      error = e.what();
    }
    ready.count_down();
    go.wait();
    try {
      if (!id.empty()) {
        const auto headers = harness::mcp_post_headers(id, kVersion);
        for (int s = 0; s < steps && error.empty(); ++s) {
          step(*client, headers);
          for (const auto* body : {&reward, &status}) {
            auto r = client->send({"POST", "/mcp", headers, *body});
            if (!r || r->status != 200) error = "resources/read failed: " + describe(r);
          }
        }
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    finished[static_cast<std::size_t>(i)] = Clock::now();
    try {
      if (!id.empty()) close_session(*client, id);
    } catch (const std::exception& e) {
      if (error.empty()) error = e.what();
    }
  };
  std::vector<std::thread> threads;
  try {
    for (int i = 0; i < sessions; ++i)
      threads.emplace_back(client_thread, i);
  } catch (...) {
    ready.count_down(sessions - static_cast<int>(threads.size()));
    go.count_down();
    for (auto& thread : threads)
      thread.join();
    throw;
  }
  ready.arrive_and_wait();
  const auto start = Clock::now();
  go.count_down();
  for (auto& thread : threads)
    thread.join();
  int failed = 0;
  for (const auto& error : errors) {
    if (!error.empty() && ++failed <= 5)
      std::cerr << kProgram << ": " << prefix << ": " << error << "\n";
  }
  if (failed > 0) {
    throw Failure(prefix + ": " + std::to_string(failed) + " of " + std::to_string(sessions) +
                  " clients failed (first errors above)");
  }
  const double seconds =
      std::chrono::duration<double>(*std::max_element(finished.begin(), finished.end()) - start)
          .count();
  const double rate = static_cast<double>(sessions) * steps / seconds;
  std::printf("%s_steps_per_second %.0f steps/s\n", prefix.c_str(), rate);
  std::fflush(stdout);
  return rate;
}

struct RolloutFigures {
  int errors = 0;
  long steps = 0;
  double seconds = 0;
  double steps_per_second() const { return static_cast<double>(steps) / seconds; }
};

// harness::run_rollout of `sessions` environments (seeds 0..sessions-1, LEFT
// forever) at `url`; prints its figures as <prefix>_*.
RolloutFigures measure_rollout(const std::string& prefix, const std::string& url, int sessions,
                               int steps) {
  harness::ClientOptions options;
  options.timeout = kTimeout;
  auto connector = harness::url_connector(url, options);
  std::vector<harness::EnvironmentSpec> specs;
  for (int i = 0; i < sessions; ++i)
    specs.push_back({static_cast<std::uint64_t>(i), json::object()});
  auto policy = harness::scripted_policy("L");
  if (!policy) throw Failure(policy.error());
  harness::RolloutOptions rollout;
  rollout.max_steps = steps;
  rollout.record = false;  // outcomes only: recording lines would cost O(steps^2) memory
  RolloutFigures figures;
  {
    const auto start = Clock::now();
    const auto result = harness::run_rollout(*connector, specs, *policy, rollout);
    figures.seconds = ms_since(start) / 1000.0;
    for (const auto& env : result.envs) {
      figures.steps += env.steps;
      if (env.error && ++figures.errors <= 5) {
        std::cerr << kProgram << ": " << prefix << ": " << env.describe() << "\n";
      }
    }
  }
  // The rollout keeps every step's whole conversation (gigabytes at 128 x
  // 200). Freed, it leaves the heap in millions of small chunks; without this,
  // client threads started next were seen stalling for seconds (likely on
  // malloc), long enough for the proxy's 5 s keep-alive timeout to close
  // their connections. Tidy up off the clock.
  ::malloc_trim(0);
  std::printf("%s_envs %d envs\n%s_errors %d envs\n", prefix.c_str(), sessions, prefix.c_str(),
              figures.errors);
  std::printf("%s_steps_total %ld steps\n%s_wall %.2f s\n", prefix.c_str(), figures.steps,
              prefix.c_str(), figures.seconds);
  std::printf("%s_steps_per_second %.0f steps/s\n", prefix.c_str(), figures.steps_per_second());
  std::fflush(stdout);
  if (figures.steps != static_cast<long>(sessions) * steps) {
    std::cerr << kProgram << ": note: " << prefix << ": " << figures.steps << " steps instead of "
              << static_cast<long>(sessions) * steps << " (some episodes ended)\n";
  }
  return figures;
}

// `sessions` clients, each on its own thread and connection, initialize a
// session and take one step; memory is read while all of them are live, then
// every session is deleted.
void measure_live_memory(const harness::Process& proxy, int sessions) {
  const pid_t proxy_pid = proxy.pid();
  const int port = *proxy.port();
  std::latch arrived(sessions);
  std::latch release(1);
  std::vector<std::string> errors(static_cast<std::size_t>(sessions));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  auto client_thread = [&](int i) {
    std::string id;
    std::optional<harness::RawHttpClient> client;
    const auto began = Clock::now();
    try {
      client.emplace("127.0.0.1", port, kTimeout);
      id = open_session(*client, i, nullptr);
      step(*client, harness::mcp_post_headers(id, kVersion));
    } catch (const std::exception& e) {
      errors[static_cast<std::size_t>(i)] = std::string(e.what()) + " (after " +
                                            std::to_string(ms_since(began)) + " ms, " +
                                            std::to_string(ms_since(start)) + " ms into the phase)";
    }
    arrived.count_down();
    release.wait();
    try {
      if (!id.empty()) close_session(*client, id);
    } catch (const std::exception& e) {
      if (errors[static_cast<std::size_t>(i)].empty())
        errors[static_cast<std::size_t>(i)] = e.what();
    }
  };
  try {
    for (int i = 0; i < sessions; ++i)
      threads.emplace_back(client_thread, i);
  } catch (...) {  // no thread: let the started ones finish before giving up
    arrived.count_down(sessions - static_cast<int>(threads.size()));
    release.count_down();
    for (auto& thread : threads)
      thread.join();
    throw;
  }
  arrived.wait();
  const double open_ms = ms_since(start);
  std::exception_ptr snapshot_failed;
  long proxy_rss = -1, backends_rss = 0, backends_anon = 0;
  std::size_t backends = 0;
  try {
    proxy_rss = status_kib(proxy_pid, "VmRSS");
    for (const auto& [pid, start_time] : children_of(proxy_pid)) {
      const long rss = status_kib(pid, "VmRSS");
      const long anon = status_kib(pid, "RssAnon");
      if (rss < 0 || anon < 0) continue;  // exited meanwhile
      backends_rss += rss;
      backends_anon += anon;
      ++backends;
    }
  } catch (...) {
    snapshot_failed = std::current_exception();
  }
  release.count_down();
  for (auto& thread : threads)
    thread.join();
  if (snapshot_failed) std::rethrow_exception(snapshot_failed);
  int failed = 0;
  for (const auto& error : errors) {
    if (!error.empty() && ++failed <= 5) std::cerr << kProgram << ": " << error << "\n";
  }
  if (failed > 0) {
    throw Failure(std::to_string(failed) + " of " + std::to_string(sessions) +
                  " live sessions failed (first errors above)");
  }
  if (backends != static_cast<std::size_t>(sessions)) {
    throw Failure("expected " + std::to_string(sessions) + " backends under the proxy (pid " +
                  std::to_string(proxy_pid) + "), found " + std::to_string(backends));
  }
  const double n = static_cast<double>(backends);
  std::printf("live_sessions %zu sessions\nlive_sessions_open_wall %.0f ms\n", backends, open_ms);
  std::printf("proxy_rss_live %ld KiB\nbackends_rss_total %ld KiB\n", proxy_rss, backends_rss);
  std::printf("backend_rss_mean %.0f KiB\nbackend_rss_anon_mean %.0f KiB\n",
              static_cast<double>(backends_rss) / n, static_cast<double>(backends_anon) / n);
  std::printf("proxy_plus_backends_rss %ld KiB\n", proxy_rss + backends_rss);
  std::fflush(stdout);
}

// ---- bursts ---------------------------------------------------------------

// The 1-minute load average and the runnable-entity count of /proc/loadavg.
struct Load {
  double one_minute = 0;
  int runnable = 0;
};

Load read_load() {
  std::ifstream in("/proc/loadavg");
  Load load;
  std::string runnable;
  double five = 0, fifteen = 0;
  in >> load.one_minute >> five >> fifteen >> runnable;
  load.runnable = std::atoi(runnable.substr(0, runnable.find('/')).c_str());
  return load;
}

// Samples /proc/loadavg every 100 ms until stopped, keeping the peaks.
class LoadSampler {
 public:
  LoadSampler() : thread_([this] { run(); }) {}
  LoadSampler(const LoadSampler&) = delete;
  LoadSampler& operator=(const LoadSampler&) = delete;
  ~LoadSampler() { stop(); }
  Load stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    return peak_;
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      const Load now = read_load();
      peak_.one_minute = std::max(peak_.one_minute, now.one_minute);
      peak_.runnable = std::max(peak_.runnable, now.runnable);
      wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; });
    }
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  Load peak_;
  std::thread thread_;
};

// `sessions` clients, each on its own thread and connection, send initialize
// at the same moment (as a rollout starts). A session is ready once its
// notifications/initialized is answered; then each takes one step and, once
// all are done, is deleted. Prints burst<N>_* figures; returns the failures.
int measure_burst(int port, int sessions) {
  const std::string prefix = "burst" + std::to_string(sessions);
  constexpr auto kBurstTimeout = std::chrono::seconds(180);
  std::latch ready(sessions + 1);
  std::latch go(1);
  std::latch done(sessions);
  std::latch release(1);
  std::vector<std::string> errors(static_cast<std::size_t>(sessions));
  std::vector<double> ready_ms(static_cast<std::size_t>(sessions), 0.0);
  Clock::time_point start;
  auto client_thread = [&](int i) {
    auto& error = errors[static_cast<std::size_t>(i)];
    std::optional<harness::RawHttpClient> client;
    std::string id;
    try {
      client.emplace("127.0.0.1", port, kBurstTimeout);
    } catch (const std::exception& e) {
      error = e.what();
    }
    ready.count_down();
    go.wait();
    try {
      if (client) {
        id = open_session(*client, 100'000 + i, nullptr);
        ready_ms[static_cast<std::size_t>(i)] = ms_since(start);
        step(*client, harness::mcp_post_headers(id, kVersion));
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    done.count_down();
    release.wait();
    try {
      if (!id.empty()) close_session(*client, id);
    } catch (const std::exception& e) {
      if (error.empty()) error = e.what();
    }
  };
  const Load before = read_load();
  std::vector<std::thread> threads;
  try {
    for (int i = 0; i < sessions; ++i)
      threads.emplace_back(client_thread, i);
  } catch (...) {
    ready.count_down(sessions - static_cast<int>(threads.size()));
    done.count_down(sessions - static_cast<int>(threads.size()));
    go.count_down();
    release.count_down();
    for (auto& thread : threads)
      thread.join();
    throw;
  }
  ready.arrive_and_wait();
  LoadSampler sampler;
  start = Clock::now();
  go.count_down();
  done.wait();
  const Load peak = sampler.stop();
  release.count_down();
  for (auto& thread : threads)
    thread.join();
  int failed = 0;
  std::vector<double> times;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (!errors[i].empty()) {
      if (++failed <= 5) std::cerr << kProgram << ": " << prefix << ": " << errors[i] << "\n";
    } else {
      times.push_back(ready_ms[i]);
    }
  }
  std::printf("%s_sessions %d sessions\n%s_failures %d sessions\n", prefix.c_str(), sessions,
              prefix.c_str(), failed);
  if (!times.empty()) {
    std::printf("%s_last_ready %.0f ms\n%s_median_ready %.0f ms\n", prefix.c_str(),
                *std::max_element(times.begin(), times.end()), prefix.c_str(),
                percentile(times, 0.5));
  }
  std::printf("%s_loadavg_before %.2f\n%s_peak_loadavg %.2f\n%s_peak_runnable %d\n", prefix.c_str(),
              before.one_minute, prefix.c_str(), peak.one_minute, prefix.c_str(), peak.runnable);
  std::fflush(stdout);
  return failed;
}

// "128,512": the burst sizes.
Expected<std::vector<int>, std::string> burst_sizes(const std::string& text) {
  std::vector<int> sizes;
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t comma = std::min(text.find(',', from), text.size());
    auto n = cli::to_integer("bursts", text.substr(from, comma - from), 0, 4000);
    if (!n) return unexpected(n.error());
    if (*n > 0) sizes.push_back(static_cast<int>(*n));
    from = comma + 1;
  }
  return sizes;
}

bool executable(const std::filesystem::path& path) {
  return std::filesystem::is_regular_file(path) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  cli::Parser parser(
      kProgram, "--proxy PATH --backend PATH [flags]",
      "Measures the reference proxy: session creation, per-step latency against a direct\n"
      "backend, memory with --sessions sessions live, and the throughput of --sessions\n"
      "environments (harness rollout and raw clients), each against a direct backend too.\n"
      "Prints one 'name value unit' line per figure; exits 1 if anything failed.");
  parser.option("proxy", "PATH", "the mcpgym-proxy binary")
      .option("backend", "PATH", "the mcpgym-frozenlake binary (the proxy's backends)")
      .option("sessions", "N", "environments in the rollout and live for memory (default 128)")
      .option("steps", "N", "steps per environment in the rollout (default 200)")
      .option("creations", "N", "sequential sessions timed for session creation (default 100)")
      .option("round-trips", "N", "lake_move round trips per path for latency (default 5000)")
      .option("bursts", "N,N",
              "simultaneous initializes per burst, comma-separated; 0 for none (default 128,512)");
  auto parsed = parser.parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const cli::Args& args = std::get<cli::Args>(parsed);
  auto usage = [](const std::string& message) {
    std::cerr << kProgram << ": " << message << "\n";
    return cli::kExitUsage;
  };
  for (const char* flag : {"proxy", "backend"}) {
    if (!args.get(flag)) {
      return usage(std::string("[mcpgym.cli.missing_value] --") + flag + " is required");
    }
    if (!executable(*args.get(flag))) {
      return usage(std::string("[mcpgym.cli.invalid_value] --") + flag + " '" + *args.get(flag) +
                   "' is not an executable file");
    }
  }
  auto integer = [&](const char* flag, const char* fallback, long long min, long long max) {
    return cli::to_integer(flag, args.get(flag).value_or(fallback), min, max);
  };
  const auto sessions = integer("sessions", "128", 1, 2000);
  if (!sessions) return usage(sessions.error());
  const auto steps = integer("steps", "200", 1, 1'000'000);
  if (!steps) return usage(steps.error());
  const auto creations = integer("creations", "100", 1, 100'000);
  if (!creations) return usage(creations.error());
  const auto round_trips = integer("round-trips", "5000", 1, 10'000'000);
  if (!round_trips) return usage(round_trips.error());
  const std::string proxy_binary = std::filesystem::absolute(*args.get("proxy")).string();
  const std::string backend_binary = std::filesystem::absolute(*args.get("backend")).string();
  const int n = static_cast<int>(*sessions);
  const auto bursts = burst_sizes(args.get("bursts").value_or("128,512"));
  if (!bursts) return usage(bursts.error());
  const int most_sessions =
      std::max(n, bursts->empty() ? 0 : *std::max_element(bursts->begin(), bursts->end()));

  const auto logs = std::filesystem::temp_directory_path() /
                    (std::string(kProgram) + "-" + std::to_string(::getpid()));
  bool ok = false;
  try {
    std::filesystem::create_directories(logs / "backends");
    // The direct baseline: one backend serving every environment in one process.
    auto backend = launch("backend", "{binary} --port {port} --log-level error --threads {threads}",
                          {{"binary", backend_binary}, {"threads", std::to_string(n + 64)}}, logs);
    ProxyProcess proxy(launch(
        "proxy",
        "{binary} --port {port} --log-level error --max-envs {max} --threads {threads} "
        "--backend {backend} --log-dir {logs}",
        {{"binary", proxy_binary},
         {"max", std::to_string(most_sessions + 32)},
         {"threads", std::to_string(most_sessions + 64)},
         {"backend", harness::template_word(backend_binary) + " --port {port} --log-level error"},
         {"logs", (logs / "backends").string()}},
        logs));
    const int proxy_port = *proxy->port();
    std::printf("proxy_rss_idle %ld KiB\n", status_kib(proxy->pid(), "VmRSS"));

    int burst_failures = 0;
    for (const int burst : *bursts)
      burst_failures += measure_burst(proxy_port, burst);
    measure_session_creation(proxy_port, static_cast<int>(*creations));
    measure_step_latency(proxy_port, *backend->port(), static_cast<int>(*round_trips));
    measure_live_memory(*proxy, n);
    const auto through_proxy =
        measure_rollout("rollout", proxy->url(), n, static_cast<int>(*steps));
    const auto direct =
        measure_rollout("rollout_direct", backend->url(), n, static_cast<int>(*steps));
    std::printf("rollout_throughput_ratio %.2f x\n",
                through_proxy.steps_per_second() / direct.steps_per_second());
    const double raw_proxy = measure_raw_throughput("raw", proxy_port, n, static_cast<int>(*steps));
    const double raw_direct =
        measure_raw_throughput("raw_direct", *backend->port(), n, static_cast<int>(*steps));
    std::printf("raw_throughput_ratio %.2f x\n", raw_proxy / raw_direct);
    ok = through_proxy.errors == 0 && direct.errors == 0 && burst_failures == 0;

    if (const int leftover = proxy.stop(); leftover > 0) {
      throw Failure(std::to_string(leftover) +
                    " backend(s) outlived the proxy and were killed by PID");
    }
    (void)backend->stop();
  } catch (const std::exception& e) {
    std::cerr << kProgram << ": " << e.what() << "\n"
              << kProgram << ": logs kept in " << logs.string() << "\n";
    return 1;
  }
  if (!ok) {
    std::cerr << kProgram << ": environments failed (rollout or burst, see above); logs kept in "
              << logs.string() << "\n";
    return 1;
  }
  std::error_code ec;
  std::filesystem::remove_all(logs, ec);
  return 0;
}
