// mcpgym-proxy: the reference multi-environment proxy. One MCP endpoint; each
// session served by a backend process of its own (docs/spec.md PROXY-*).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "common/cli.hpp"
#include "common/log.hpp"
#include "reference/mcp/http_server.hpp"
#include "reference/mcp/serve_until_signalled.hpp"
#include "reference/proxy/backend_command.hpp"
#include "reference/proxy/proxy_app.hpp"

namespace {

using namespace mcpgym;

cli::Parser make_parser() {
  cli::Parser parser(
      "mcpgym-proxy", "(--backend TEMPLATE | --server-script PATH) [flags]",
      "The reference multi-environment MCP-Gym proxy: one endpoint, one backend process per\n"
      "session (legacy) or per env_create (modern, MCP 2026-07-28). Placeholders in --backend:\n"
      "{port} (required), {seed}, {config}. Relative paths resolve against the directory the\n"
      "proxy is started from. Prints 'listening on\n"
      "http://HOST:PORT/mcp' once ready; exits 2 if the backend cannot be run at all.");
  parser
      .option("backend", "TEMPLATE", "command that starts one backend, e.g. 'server --port {port}'")
      .option("server-script", "PATH",
              "shorthand for 'INTERPRETER PATH --port {port} --seed {seed}'")
      .option("interpreter", "PROGRAM", "interpreter for --server-script (default python3)")
      .option("port", "N", "TCP port; 0 picks a free one (default 0)")
      .option("host", "ADDR", "address to bind (default 127.0.0.1)")
      .option("max-envs", "N", "most live sessions, each one backend (default 64)")
      .option("backend-ready-timeout", "SECONDS",
              "how long a backend may take to start (default 10)")
      .option("call-timeout", "SECONDS", "deadline of each forwarded call (default 30)")
      .option("idle-timeout", "SECONDS",
              "end sessions and modern environments idle this long, and their backends; 0 never "
              "(default 600)")
      .option("log-dir", "DIR", "backends' stdout/stderr logs (default: a temp dir)")
      .option("max-starting", "N",
              "most backends starting at once; further initializes wait in line (default twice "
              "the CPUs, at least 2)")
      .option("start-queue-timeout", "SECONDS",
              "how long an initialize may wait in that line before it fails (default 300)")
      .option("backend-threads", "N",
              "--threads given to a reference backend (mcpgym-frozenlake, mcpgym-gym) whose "
              "--backend command gives none; 0 leaves its default of 64 (default 4)")
      .option("threads", "N",
              "most HTTP worker threads = requests computed at once, started as needed; "
              "open connections cost none (default max-envs + 32)")
      .option("max-connections", "N",
              "most open HTTP connections; past it the one waiting longest for a request is "
              "closed (default 512)")
      .option("request-timeout", "SECONDS",
              "deadline for reading a whole request, from its first byte (default 30)")
      .option("keep-alive-timeout", "SECONDS",
              "close a connection idle this long between requests (default 60)")
      .option("max-body", "BYTES", "largest request body accepted (default 4194304)")
      .option("log-level", "error|warn|info|debug", "stderr verbosity (default info)")
      .heading("testing (negative controls, never for normal use)")
      .option("fault", "NAME",
              "testing: reproduce a known bug; repeatable or comma-separated. NAME is one of "
              "script-relative-to-exe (resolve relative backend paths against the proxy "
              "executable's directory), forward-accept-json-only (forward requests with "
              "'Accept: application/json' only), forward-resource-read-get (forward a "
              "resources/read of control:// or game://initial_state as a GET /control/<name> "
              "with Content-Type application/json and Accept */*), backend-survives-delete "
              "(a session's end leaves its backend running until the proxy exits), "
              "backends-outlive-proxy (backends are not tied to the proxy's life: a SIGKILLed "
              "proxy leaves them running), backend-error-without-stderr (a backend that fails to "
              "start fails the initialize without saying why), refuse-while-starting (fail an "
              "initialize that arrives while another backend is starting), "
              "modern-handle-passthrough (env_create hands out the backend's own handle, not one "
              "the proxy mints), modern-route-to-first (every known handle reaches the oldest "
              "environment's backend), modern-close-keeps-backend (env_close leaves the "
              "environment's backend running until the proxy exits)");
  return parser;
}

constexpr std::string_view kScriptRelativeToExe = "script-relative-to-exe";
constexpr std::string_view kForwardAcceptJsonOnly = "forward-accept-json-only";
constexpr std::string_view kForwardResourceReadGet = "forward-resource-read-get";
constexpr std::string_view kBackendSurvivesDelete = "backend-survives-delete";
constexpr std::string_view kBackendsOutliveProxy = "backends-outlive-proxy";
constexpr std::string_view kBackendErrorWithoutStderr = "backend-error-without-stderr";
constexpr std::string_view kRefuseWhileStarting = "refuse-while-starting";
constexpr std::string_view kModernHandlePassthrough = "modern-handle-passthrough";
constexpr std::string_view kModernRouteToFirst = "modern-route-to-first";
constexpr std::string_view kModernCloseKeepsBackend = "modern-close-keeps-backend";

// The directory of the running executable (/proc/self/exe), for the
// script-relative-to-exe fault.
std::filesystem::path executable_directory() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path();
}

int usage(const std::string& message) {
  std::cerr << "mcpgym-proxy: " << message << "\n";
  return cli::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  set_log_program("mcpgym-proxy");
  auto parsed = make_parser().parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const cli::Args& args = std::get<cli::Args>(parsed);

  if (auto v = args.get("log-level")) {
    auto level = cli::to_log_level("log-level", *v);
    if (!level) return usage(level.error());
    set_log_level(*level);
  }
  auto seconds = [&](const char* flag,
                     double fallback) -> Expected<std::chrono::milliseconds, std::string> {
    auto value = cli::to_number(flag, args.get(flag).value_or(std::to_string(fallback)), 0,
                                365.0 * 24 * 3600);
    if (!value) return unexpected(value.error());
    return std::chrono::milliseconds(static_cast<long long>(*value * 1000));
  };
  auto port = cli::to_integer("port", args.get("port").value_or("0"), 0, 65535);
  if (!port) return usage(port.error());
  auto max_envs = cli::to_integer("max-envs", args.get("max-envs").value_or("64"), 1, 4096);
  if (!max_envs) return usage(max_envs.error());
  auto threads = cli::to_integer(
      "threads", args.get("threads").value_or(std::to_string(*max_envs + 32)), 1, 8192);
  if (!threads) return usage(threads.error());
  auto max_body =
      cli::to_integer("max-body", args.get("max-body").value_or("4194304"), 1024, 1LL << 30);
  if (!max_body) return usage(max_body.error());
  auto faults =
      cli::to_choices("fault", args.get_all("fault"),
                      {std::string(kScriptRelativeToExe), std::string(kForwardAcceptJsonOnly),
                       std::string(kForwardResourceReadGet), std::string(kBackendSurvivesDelete),
                       std::string(kBackendsOutliveProxy), std::string(kBackendErrorWithoutStderr),
                       std::string(kRefuseWhileStarting), std::string(kModernHandlePassthrough),
                       std::string(kModernRouteToFirst), std::string(kModernCloseKeepsBackend)});
  if (!faults) return usage(faults.error());
  const auto has_fault = [&](std::string_view name) {
    return std::find(faults->begin(), faults->end(), name) != faults->end();
  };
  auto ready = seconds("backend-ready-timeout", 10);
  if (!ready) return usage(ready.error());
  auto call = seconds("call-timeout", 30);
  if (!call) return usage(call.error());
  auto idle = seconds("idle-timeout", 600);
  if (!idle) return usage(idle.error());
  auto request_timeout = seconds("request-timeout", 30);
  if (!request_timeout) return usage(request_timeout.error());
  auto keep_alive_timeout = seconds("keep-alive-timeout", 60);
  if (!keep_alive_timeout) return usage(keep_alive_timeout.error());
  auto max_connections =
      cli::to_integer("max-connections", args.get("max-connections").value_or("512"), 1, 1'000'000);
  if (!max_connections) return usage(max_connections.error());

  auto max_starting = cli::to_integer(
      "max-starting",
      args.get("max-starting").value_or(std::to_string(proxy::default_max_starting())), 1, 4096);
  if (!max_starting) return usage(max_starting.error());
  auto queue_timeout = seconds("start-queue-timeout", 300);
  if (!queue_timeout) return usage(queue_timeout.error());
  auto backend_threads =
      cli::to_integer("backend-threads", args.get("backend-threads").value_or("4"), 0, 4096);
  if (!backend_threads) return usage(backend_threads.error());

  // Resolved now, against where the proxy was started (PROXY-006), and
  // checked before listening (PROXY-007).
  proxy::BackendOptions backend_options;
  backend_options.backend_template = args.get("backend");
  backend_options.server_script = args.get("server-script");
  backend_options.interpreter = args.get("interpreter").value_or("python3");
  backend_options.start_directory = std::filesystem::current_path();
  if (has_fault(kScriptRelativeToExe)) backend_options.resolve_against = executable_directory();
  backend_options.reference_backend_threads = static_cast<int>(*backend_threads);
  auto backend = proxy::resolve_backend(backend_options);
  if (!backend) return usage(backend.error());
  backend->log_directory = args.get("log-dir").value_or(
      (std::filesystem::temp_directory_path() / ("mcpgym-proxy-" + std::to_string(::getpid())))
          .string());

  proxy::ProxyOptions proxy_options;
  proxy_options.backend = *backend;
  proxy_options.max_envs = static_cast<int>(*max_envs);
  proxy_options.ready_timeout = *ready;
  proxy_options.call_timeout = *call;
  proxy_options.forward_accept_json_only = has_fault(kForwardAcceptJsonOnly);
  proxy_options.forward_resource_read_as_get = has_fault(kForwardResourceReadGet);
  proxy_options.backend_survives_delete = has_fault(kBackendSurvivesDelete);
  proxy_options.backends_outlive_proxy = has_fault(kBackendsOutliveProxy);
  proxy_options.backend_error_without_stderr = has_fault(kBackendErrorWithoutStderr);
  proxy_options.max_starting = static_cast<int>(*max_starting);
  proxy_options.start_queue_timeout = *queue_timeout;
  proxy_options.refuse_while_starting = has_fault(kRefuseWhileStarting);
  proxy_options.idle_timeout = *idle;
  proxy_options.modern_handle_passthrough = has_fault(kModernHandlePassthrough);
  proxy_options.modern_route_to_first = has_fault(kModernRouteToFirst);
  proxy_options.modern_close_keeps_backend = has_fault(kModernCloseKeepsBackend);
  proxy::ProxyApp app(std::move(proxy_options));
  mcp::HttpServerOptions http;
  http.host = args.get("host").value_or("127.0.0.1");
  http.port = static_cast<int>(*port);
  http.worker_threads = static_cast<int>(*threads);
  http.max_body_bytes = static_cast<std::size_t>(*max_body);
  http.session_idle_timeout = *idle;
  // 0 would refuse every request at once; the smallest deadline is 1 ms.
  http.request_timeout = std::max(*request_timeout, std::chrono::milliseconds(1));
  http.keep_alive_timeout = std::max(*keep_alive_timeout, std::chrono::milliseconds(1));
  http.max_connections = static_cast<std::size_t>(*max_connections);
  mcp::HttpServer server(app, http);
  log_info("backends: " + backend->command + " (in " + backend->working_directory->string() +
           ", logs in " + backend->log_directory.string() + "); at most " +
           std::to_string(*max_starting) + " starting at once");
  return mcp::serve_until_signalled(server, [&server, &app] {
    // SIGTERM: every session and every modern environment ends, and with it
    // its backend (PROXY-011, PROXY-014).
    const auto ended = server.sessions().clear() + app.close_environments();
    log_info("stopped " + std::to_string(ended) + " backend(s)");
  });
}
