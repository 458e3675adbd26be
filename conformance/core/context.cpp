#include "conformance/core/context.hpp"

#include <algorithm>
#include <system_error>

#include "common/text.hpp"
#include "conformance/core/target.hpp"

namespace mcpgym::conformance {
namespace {

namespace fs = std::filesystem;
using harness::McpClient;

// A stdio client that owns its server process: the process outlives the
// client (members are destroyed in reverse order).
class OwningStdioClient final : public McpClient {
 public:
  OwningStdioClient(std::unique_ptr<harness::Process> process, harness::ClientOptions options)
      : process_(std::move(process)), client_(harness::connect_stdio(*process_, options)) {}
  harness::Result<json> initialize(const json& extra) override {
    return client_->initialize(extra);
  }
  harness::Result<json> request(const std::string& method, const json& params) override {
    return client_->request(method, params);
  }
  harness::Result<void> notify(const std::string& method, const json& params) override {
    return client_->notify(method, params);
  }
  harness::Result<json> call_tool(const std::string& name, const json& arguments) override {
    return client_->call_tool(name, arguments);
  }
  harness::Result<json> read_resource(const std::string& uri) override {
    return client_->read_resource(uri);
  }
  harness::Result<json> read_control_http(const std::string& name) override {
    return client_->read_control_http(name);
  }
  harness::Result<void> close() override { return client_->close(); }
  const std::optional<std::string>& session_id() const override { return client_->session_id(); }
  const std::string& negotiated_version() const override { return client_->negotiated_version(); }

 private:
  std::unique_ptr<harness::Process> process_;
  std::unique_ptr<McpClient> client_;
};

struct Endpoint {
  std::string host;
  int port = 80;
  std::string path = "/";
};

// http://host[:port][/path]; anything else yields host "" (connections then fail with a message).
Endpoint parse_endpoint(const std::string& url) {
  Endpoint e;
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return e;
  std::string rest = url.substr(scheme.size());
  std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) e.path = rest.substr(slash);
  std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    e.host = authority.substr(0, colon);
    try {
      e.port = std::stoi(authority.substr(colon + 1));
    } catch (const std::exception&) {
      e.port = 0;
    }
  } else {
    e.host = authority;
  }
  if (e.host.size() > 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
  return e;
}

}  // namespace

SuitePaths absolute_paths(SuitePaths paths) {
  for (fs::path* path : {&paths.reference_backend, &paths.fixtures, &paths.work_dir}) {
    std::error_code ec;
    if (path->empty()) continue;
    const fs::path absolute = fs::absolute(*path, ec);
    if (!ec) *path = absolute.lexically_normal();
  }
  return paths;
}

void Context::sessions_opened(int done, int total) {
  if (!progress_) return;
  std::lock_guard lock(progress_->mutex);
  // Threads of one check may report out of order: keep the furthest.
  progress_->done = progress_->total == total ? std::max(progress_->done, done) : done;
  progress_->total = total;
}

bool plays_game(const Needs& needs) {
  return needs.model || (!needs.kinds.empty() && !needs.kinds.count(ProfileKind::kMcp));
}

Context::Context(const Profile& profile, const SuitePaths& paths, Target& target, fs::path temp_dir,
                 std::shared_ptr<GameSlot> game, std::shared_ptr<CheckProgress> progress)
    : profile_(profile),
      paths_(paths),
      target_(target),
      temp_dir_(std::move(temp_dir)),
      game_(game ? std::move(game) : std::make_shared<GameSlot>()),
      progress_(std::move(progress)) {
  std::error_code ec;
  fs::create_directories(temp_dir_, ec);
}

Context::~Context() {
  std::error_code ec;
  fs::remove_all(temp_dir_, ec);
}

std::string Context::url() const {
  return target_.url();
}
std::string Context::path() const {
  return parse_endpoint(url()).path;
}

Expected<std::unique_ptr<McpClient>, std::string> Context::client(harness::ClientOptions options) {
  if (options.timeout == harness::ClientOptions{}.timeout) options.timeout = call_timeout;
  // Under eval-protocol every session names its environment with a key of its own (EVP-001).
  if (profile_.convention == Convention::kEvalProtocol) options.eval_protocol_keys = true;
  if (profile_.launch == LaunchMode::kStdio) {
    auto process = target_.launch({.values = {}, .working_directory = {}, .name = "stdio"});
    if (!process) return unexpected(process.error());
    return std::unique_ptr<McpClient>(
        std::make_unique<OwningStdioClient>(std::move(process).value(), options));
  }
  return harness::connect_http(url(), options);
}

Expected<std::unique_ptr<McpClient>, std::string> Context::session(const json& extra,
                                                                   harness::ClientOptions options) {
  auto c = client(options);
  if (!c) return c;
  auto init = (*c)->initialize(extra);
  if (!init) return unexpected("initialize failed: " + init.error().message());
  return c;
}

harness::RawHttpClient Context::raw() {
  Endpoint e = parse_endpoint(url());
  return harness::RawHttpClient(e.host, e.port, call_timeout);
}

Expected<std::unique_ptr<harness::Process>, std::string> Context::launch(
    const LaunchOverrides& overrides, const std::string& command_prefix) {
  return target_.launch(overrides, command_prefix);
}

namespace {

// Every tool of tools/list, following nextCursor (a few pages at most).
Expected<json, std::string> list_tools(McpClient& client) {
  json tools = json::array();
  json params = json::object();
  for (int page = 0; page < 5; ++page) {
    auto r = client.request("tools/list", params);
    if (!r) return unexpected("tools/list failed: " + excerpt(r.error().message(), 300));
    if (!r->is_object() || !r->contains("tools") || !(*r)["tools"].is_array()) {
      return unexpected("the tools/list result has no \"tools\" array: " + excerpt(r->dump(), 200));
    }
    for (const auto& tool : (*r)["tools"])
      tools.push_back(tool);
    const auto cursor = r->find("nextCursor");
    if (cursor == r->end() || !cursor->is_string()) break;
    params = {{"cursor", *cursor}};
  }
  return tools;
}

}  // namespace

Expected<GameChoice, std::string> Context::resolve_game() {
  std::lock_guard lock(game_->mutex);
  if (game_->choice) return *game_->choice;
  const std::string cannot =
      "[mcpgym.conform.game_not_recognised] the suite could not read "
      "tools/list to recognise the game (name it with --game): ";
  auto client = session(nullptr);
  if (!client) return unexpected(cannot + client.error());
  auto tools = list_tools(**client);
  (void)(*client)->close();
  if (!tools) return unexpected(cannot + tools.error());
  auto choice = recognise_game(*tools);
  if (!choice) return unexpected(choice.error());
  if (auto ok = validate_features_for(profile_.features, *choice->driver); !ok) {
    return unexpected(ok.error() + "; the game is " + choice->describe());
  }
  game_->choice = *choice;
  if (game_->on_resolved) game_->on_resolved(*choice);
  return *choice;
}

const GameDriver& Context::game() {
  std::lock_guard lock(game_->mutex);
  return game_->choice ? *game_->choice->driver : *frozenlake_driver();
}

void Context::note(std::string line) {
  notes_.push_back(std::move(line));
}
void Context::note(const harness::HttpExchange& exchange) {
  notes_.push_back(describe_exchange(exchange));
}

std::vector<std::string> Context::take_notes() {
  return std::exchange(notes_, {});
}

namespace {

// Appended piece by piece, not `" [" + name + ...`: g++ 12 at -O3 reports a
// false -Wrestrict in operator+(const char*, std::string&&).
void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(" [").append(name).append(": ").append(excerpt(value, 80)).append("]");
}

}  // namespace

std::string describe_exchange(const harness::HttpExchange& x) {
  std::string out = x.request.method + " " + x.request.path;
  for (const auto& [name, value] : x.request.headers)
    append_header(out, name, value);
  if (!x.request.body.empty()) out.append(" ").append(excerpt(x.request.body, 200));
  out.append(" -> ").append(x.status == 0 ? std::string("no answer") : std::to_string(x.status));
  for (const char* name : {"content-type", "mcp-session-id", "allow"}) {
    if (x.has_header(name)) append_header(out, name, x.header(name));
  }
  if (!x.body.empty()) out.append(" ").append(excerpt(x.body, 300));
  return out;
}

}  // namespace mcpgym::conformance
