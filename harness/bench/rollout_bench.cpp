// mcpgym-bench-rollout: the harness's throughput and its own cost, for
// docs/performance.md. Against one reference backend process:
//   - steps per second of a many-environment rollout (LEFT forever, so every
//     environment runs the full step count);
//   - the harness's CPU time per step (getrusage of this process only: the
//     backend is another process);
//   - one environment's per-step latency through run_rollout against the same
//     three requests (tools/call, control://reward, control://status) sent as
//     raw exchanges: the difference is what the harness adds.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "harness/http/raw_http.hpp"
#include "harness/process/supervisor.hpp"
#include "harness/rollout/rollout.hpp"

namespace {

using namespace mcpgym;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Timed {
  double wall = 0;
  double cpu = 0;
  bool ok = false;
};

Timed time_rollout(const std::string& url, int envs, int steps, bool record) {
  auto connector = harness::url_connector(url);
  std::vector<harness::EnvironmentSpec> specs;
  for (int i = 0; i < envs; ++i)
    specs.push_back({static_cast<std::uint64_t>(i), json::object()});
  harness::RolloutOptions options;
  options.max_steps = steps;
  options.record = record;
  const double cpu0 = cpu_seconds();
  const auto start = Clock::now();
  const auto result =
      harness::run_rollout(*connector, specs, *harness::scripted_policy("L"), options);
  Timed t{seconds_since(start), cpu_seconds() - cpu0, result.ok()};
  for (const auto& env : result.envs) {
    if (env.error) std::cerr << env.describe() << "\n";
  }
  return t;
}

Timed time_raw(int port, int steps) {
  harness::RawHttpClient client("127.0.0.1", port, std::chrono::seconds(10));
  const json init = {{"jsonrpc", "2.0"},
                     {"id", 0},
                     {"method", "initialize"},
                     {"params",
                      {{"protocolVersion", "2025-11-25"},
                       {"capabilities", json::object()},
                       {"clientInfo", {{"name", "raw"}, {"version", "0"}}}}}};
  auto answer = client.send({"POST", "/mcp", harness::mcp_post_headers(), init.dump()});
  if (!answer || answer->status != 200) return {};
  const auto headers = harness::mcp_post_headers(answer->header("Mcp-Session-Id"), "2025-11-25");
  const std::string move =
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lake_move","arguments":{"action":"LEFT"}}})";
  const std::string reward =
      R"({"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"control://reward"}})";
  const std::string status =
      R"({"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"control://status"}})";
  const auto start = Clock::now();
  for (int i = 0; i < steps; ++i) {
    for (const auto* body : {&move, &reward, &status}) {
      auto r = client.send({"POST", "/mcp", headers, *body});
      if (!r || r->status != 200) return {};
    }
  }
  return {seconds_since(start), 0, true};
}

}  // namespace

int main(int argc, char** argv) {
  cli::Parser parser("mcpgym-bench-rollout", "--backend PATH [flags]",
                     "Measures rollout throughput and the harness's own cost per step.");
  parser.option("backend", "PATH", "the mcpgym-frozenlake binary")
      .option("envs", "N", "environments in the throughput rollout (default 64)")
      .option("steps", "N", "steps per environment (default 200)");
  auto parsed = parser.parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const cli::Args& args = std::get<cli::Args>(parsed);
  const auto backend = args.get("backend");
  if (!backend) {
    std::cerr << "mcpgym-bench-rollout: [mcpgym.cli.missing_value] --backend is required\n";
    return cli::kExitUsage;
  }
  const int envs = std::stoi(args.get("envs").value_or("64"));
  const int steps = std::stoi(args.get("steps").value_or("200"));

  harness::LaunchSpec spec;
  spec.command = *backend + " --port {port} --log-level error --threads 160";
  spec.log_directory = std::filesystem::temp_directory_path() / "mcpgym-bench-rollout";
  spec.name = "backend";
  auto server = harness::launch(spec);
  if (!server) {
    std::cerr << server.error() << "\n";
    return 1;
  }
  const std::string url = (*server)->url();

  const double total = static_cast<double>(envs) * steps;
  std::printf("rollout_envs %d\nrollout_steps_per_env %d\n", envs, steps);
  bool ok = true;
  for (const bool record : {false, true}) {
    const Timed many = time_rollout(url, envs, steps, record);
    ok = ok && many.ok;
    const char* mode = record ? "recording" : "not_recording";
    std::printf("rollout_%s_steps_per_second %.0f\n", mode, total / many.wall);
    std::printf("harness_%s_cpu_per_step_us %.1f\n", mode, 1e6 * many.cpu / total);
  }
  const int single_steps = 2000;
  const Timed one = time_rollout(url, 1, single_steps, false);
  const Timed raw = time_raw(*(*server)->port(), single_steps);
  const double through_harness = 1e6 * one.wall / single_steps;
  const double raw_requests = 1e6 * raw.wall / single_steps;
  std::printf("one_env_step_latency_us %.1f\nraw_three_requests_us %.1f\n", through_harness,
              raw_requests);
  std::printf("harness_overhead_per_step_us %.1f\n", through_harness - raw_requests);
  return ok && one.ok && raw.ok ? 0 : 1;
}
