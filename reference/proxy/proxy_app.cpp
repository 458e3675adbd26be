#include "reference/proxy/proxy_app.hpp"

#include <thread>

#include "common/bounded_json.hpp"
#include "common/log.hpp"
#include "common/protocol.hpp"
#include "common/random_id.hpp"
#include "harness/http/raw_http.hpp"
#include "harness/mcp/client.hpp"
#include "reference/proxy/backend_link.hpp"

namespace mcpgym::proxy {

namespace {

using mcp::json;
using mcp::RpcError;

// The name under /control/ of a resource URI the backend also serves there.
std::optional<std::string> control_name_of(const json& params) {
  const auto uri = params.is_object() ? params.find("uri") : params.end();
  if (!params.is_object() || uri == params.end() || !uri->is_string()) return std::nullopt;
  const std::string& text = uri->get_ref<const std::string&>();
  if (text == "game://initial_state") return "initial_state";
  if (text.starts_with("control://")) return text.substr(10);
  return std::nullopt;
}

// What a session's fault switches change (ProxyOptions says which bug each reproduces).
struct SessionFaults {
  bool resource_read_as_get = false;
  std::shared_ptr<AbandonedBackends> abandon_to;  // backend_survives_delete
};

// An initialize that waited in line for a backend start until its deadline.
RpcError queue_timeout(const ProxyOptions& options, const StartQueue& queue) {
  const auto seconds = std::to_string(options.start_queue_timeout.count() / 1000.0);
  return proxy_error(
      "mcpgym.proxy.start_queue_timeout",
      "The backend for this session did not start: the initialize waited " +
          seconds.substr(0, seconds.find('.') + 2) + " s (--start-queue-timeout) in line behind " +
          std::to_string(queue.starting()) + " starting backend(s) and " +
          std::to_string(queue.waiting()) + " other waiting initialize(s) (--max-starting " +
          std::to_string(queue.slots()) +
          "); retry later, or raise --max-starting or --start-queue-timeout",
      json{{"max_starting", queue.slots()}});
}

class ProxySession final : public mcp::Session {
 public:
  ProxySession(std::unique_ptr<harness::Process> process,
               std::unique_ptr<harness::McpClient> client, std::shared_ptr<std::atomic<int>> live,
               SessionFaults faults, std::chrono::milliseconds call_timeout)
      : process_(std::move(process)),
        client_(std::move(client)),
        live_(std::move(live)),
        faults_(std::move(faults)),
        call_timeout_(call_timeout) {}

  ~ProxySession() override {
    (void)client_->close();  // DELETE the backend's session
    // Drop the client's keep-alive connection first: a backend waits for open
    // connections (up to its shutdown grace) before it exits on SIGTERM.
    client_.reset();
    if (faults_.abandon_to) {
      log_debug("backend " + std::to_string(process_->pid()) + " left running (fault)");
      std::lock_guard lock(faults_.abandon_to->mutex);
      faults_.abandon_to->processes.push_back(std::move(process_));
      --*live_;
      return;
    }
    const auto status = process_->stop();
    log_debug("backend " + std::to_string(process_->pid()) + " stopped: " + status.describe());
    --*live_;
  }

  mcp::Outcome handle(std::string_view method, const json& params) override {
    if (faults_.resource_read_as_get && method == "resources/read") {
      if (const auto name = control_name_of(params)) return read_as_header_poor_get(params, *name);
    }
    auto answer = client_->request(std::string(method), params);
    if (answer) return *std::move(answer);
    return unexpected(failure(std::string(method), answer.error()));
  }

  mcp::Outcome read_control(std::string_view name) override {
    if (name != "reward" && name != "status" && name != "info" && name != "initial_state") {
      return unexpected(mcp::rpc_error(mcp::code::kResourceNotFound, "mcpgym.resource.not_found",
                                       "Resource not found: /control/" + mcp::excerpt(name)));
    }
    const std::string uri =
        name == "initial_state" ? "game://initial_state" : "control://" + std::string(name);
    auto payload = client_->read_resource(uri);
    if (payload) return *std::move(payload);
    // A backend offering only the HTTP control plane.
    if (payload.error().rpc_error) {
      auto http = client_->read_control_http(std::string(name));
      if (http) return *std::move(http);
    }
    return unexpected(failure("GET /control/" + std::string(name), payload.error()));
  }

  void notify(std::string_view method, const json& params) override {
    (void)client_->notify(std::string(method), params);
  }

 private:
  RpcError failure(const std::string& what, const harness::CallError& error) {
    return backend_failure(*process_, "this session", what, error,
                           "Other sessions are unaffected; start a new session to continue.");
  }

  // --fault forward-resource-read-get: field report 004's
  // _proxy_resource_request, a GET with `Content-Type: application/json` and
  // the HTTP library's default `Accept: */*`.
  mcp::Outcome read_as_header_poor_get(const json& params, const std::string& name) {
    const auto port = process_->port();
    if (!port) return unexpected(backend_server_error("the backend has no {port}"));
    harness::RawHttpClient http("127.0.0.1", *port, call_timeout_);
    harness::HeaderList headers = {{"Content-Type", "application/json"}};
    if (client_->session_id()) {
      headers.emplace_back(std::string(mcp::kSessionHeader), *client_->session_id());
    }
    auto answer = http.send({"GET", "/control/" + name, std::move(headers), ""});
    if (!answer) return unexpected(backend_server_error(answer.error()));
    if (answer->status != 200) {
      return unexpected(
          backend_server_error(std::to_string(answer->status) + " " + mcp::excerpt(answer->body)));
    }
    auto payload = parse_json(answer->body);
    if (!payload) return unexpected(backend_server_error("the body is not JSON"));
    return json{{"contents", json::array({{{"uri", params["uri"]},
                                           {"mimeType", mcp::kJsonMediaType},
                                           {"text", payload->dump()}}})}};
  }

  static RpcError backend_server_error(const std::string& what) {
    return proxy_error("mcpgym.proxy.backend_unavailable", "Backend server error: " + what);
  }

  std::unique_ptr<harness::Process> process_;
  std::unique_ptr<harness::McpClient> client_;
  std::shared_ptr<std::atomic<int>> live_;
  SessionFaults faults_;
  std::chrono::milliseconds call_timeout_;
};

}  // namespace

int default_max_starting() {
  return static_cast<int>(std::max(2U, 2 * std::thread::hardware_concurrency()));
}

ProxyApp::ProxyApp(ProxyOptions options)
    : options_(std::move(options)),
      live_(std::make_shared<std::atomic<int>>(0)),
      starts_(options_.max_starting,
              [slots = options_.max_starting](const StartQueueEvent& e) {
                log_info(describe(e, slots));
              }),
      envs_(options_.idle_timeout) {}

ProxyApp::~ProxyApp() = default;

mcp::ServerInfo ProxyApp::server_info() const {
  return {"mcpgym-proxy", "0.1.0",
          "A multi-environment MCP-Gym proxy: every session is served by a backend process of "
          "its own."};
}

json ProxyApp::capabilities() const {
  return {{"tools", {{"listChanged", false}}},
          {"resources", {{"subscribe", false}, {"listChanged", false}}}};
}

RpcError ProxyApp::max_envs_error(std::string_view what, std::string_view advice) const {
  return proxy_error("mcpgym.proxy.max_envs",
                     "The proxy already serves its limit of " + std::to_string(options_.max_envs) +
                         " live " + std::string(what) + " (--max-envs); " + std::string(advice),
                     json{{"max_envs", options_.max_envs}});
}

// A malformed or out-of-range seed still starts the backend (with 0), whose
// initialize or env_create then refuses the same seed with its own message.
harness::LaunchSpec ProxyApp::backend_spec(const json& seed, const json& config) {
  harness::LaunchSpec spec = options_.backend;
  const bool valid_seed =
      (seed.is_number_unsigned() || (seed.is_number_integer() && seed.get<std::int64_t>() >= 0)) &&
      seed.get<std::uint64_t>() <= mcp::kMaxSeed;
  spec.values["seed"] = valid_seed ? seed.dump() : "0";
  spec.values["config"] = config.dump();
  spec.name = "backend-" + std::to_string(launched_.fetch_add(1));
  spec.ready_timeout = options_.ready_timeout;
  spec.testing_outlive_harness = options_.backends_outlive_proxy;
  return spec;
}

// In line behind the backends already starting (burst admission); the
// readiness deadline starts once this one may start.
Expected<std::unique_ptr<harness::Process>, RpcError> ProxyApp::start_backend(
    const harness::LaunchSpec& spec, std::string_view owner) {
  if (options_.refuse_while_starting && starts_.starting() > 0) {
    return unexpected(proxy_error("mcpgym.proxy.backend_failed",
                                  "The backend for " + std::string(owner) +
                                      " did not start: another backend "
                                      "is starting (--fault refuse-while-starting)"));
  }
  const auto queued_at = StartQueue::Clock::now();
  auto start_slot = starts_.enter(queued_at + options_.start_queue_timeout);
  if (!start_slot) return unexpected(queue_timeout(options_, starts_));
  auto process = harness::launch(spec);
  start_slot.reset();
  if (!process) {
    return unexpected(proxy_error(
        "mcpgym.proxy.backend_failed",
        options_.backend_error_without_stderr
            ? "The backend for " + std::string(owner) + " did not start"
            : "The backend for " + std::string(owner) + " did not start: " + process.error()));
  }
  return std::move(*process);
}

Expected<std::unique_ptr<mcp::Session>, RpcError> ProxyApp::create_session(
    const json& params, std::string_view negotiated) {
  auto slot = LiveSlot::reserve(live_, options_.max_envs);
  if (!slot) return unexpected(max_envs_error("sessions", "end one (DELETE) or raise the limit"));

  // _extra reaches the backend both ways (PROXY-003): in its initialize and
  // through {seed}/{config}. A missing seed is drawn here, so both agree.
  json extra = json::object();
  if (const auto info = params.find("clientInfo"); info != params.end() && info->is_object()) {
    if (const auto e = info->find("_extra"); e != info->end() && e->is_object()) extra = *e;
  }
  if (!extra.contains("seed") || extra["seed"].is_null()) {
    extra["seed"] = random_below_or_equal(mcp::kMaxSeed);
  }
  const json config =
      extra.contains("config") && extra["config"].is_object() ? extra["config"] : json::object();
  auto process = start_backend(backend_spec(extra["seed"], config), "this session");
  if (!process) return unexpected(process.error());
  harness::ClientOptions client_options;
  client_options.client_name = "mcpgym-proxy";
  client_options.protocol_version = std::string(negotiated);
  client_options.timeout = options_.call_timeout;
  if (options_.forward_accept_json_only) client_options.accept_override = "application/json";
  auto client = harness::connect_http((*process)->url(), client_options);
  if (!client) {
    return unexpected(proxy_error("mcpgym.proxy.backend_failed",
                                  "The backend's URL is unusable: " + client.error()));
  }
  if (auto init = (*client)->initialize(extra); !init) {
    if (auto passed = backend_rpc_error(init.error())) return unexpected(*passed);
    return unexpected(proxy_error("mcpgym.proxy.backend_failed",
                                  "The backend did not initialize: " + init.error().message() +
                                      "; " + stderr_lines(**process)));
  }
  slot->keep();
  SessionFaults faults{.resource_read_as_get = options_.forward_resource_read_as_get,
                       .abandon_to = options_.backend_survives_delete ? abandoned_ : nullptr};
  return std::unique_ptr<mcp::Session>(std::make_unique<ProxySession>(
      std::move(*process), std::move(*client), live_, std::move(faults), options_.call_timeout));
}

}  // namespace mcpgym::proxy
