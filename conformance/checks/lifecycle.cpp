// Lifecycle checks (docs/spec.md LIFE-*), and the listing and error rules of
// the data and control planes that every session meets first: tools/list
// (DATA-009, the game's tool judged by its schema's meaning), an unknown tool (DATA-007),
// resources/list (CTRL-001) and an unknown resource (CTRL-008).
//
// Checks that judge the initialize answer itself (LIFE-001..003) initialize
// over raw HTTP, so that a wrong protocolVersion is seen as it came rather than
// as the harness client's complaint about it; on stdio they use the client.
// Checks that only need a session use the harness client, so they run on any
// transport. Every session a check opens is ended again (a proxy runs one
// backend process per session and may have a small --max-envs).
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/wire.hpp"
#include "conformance/core/context.hpp"
#include "harness/http/sigpipe_guard.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using harness::McpClient;

constexpr const char* kVersions[] = {"2025-03-26", "2025-06-18", "2025-11-25"};
constexpr const char* kNewest = "2025-11-25";

std::string show(const json& value, std::size_t max = 200) {
  return excerpt(value.dump(), max);
}

// A session from the harness client, ended (DELETE / end of stdin) when the check ends.
class Session {
 public:
  explicit Session(std::unique_ptr<McpClient> client) : client_(std::move(client)) {}
  Session(Session&&) = default;
  ~Session() {
    if (client_) (void)client_->close();
  }
  McpClient* operator->() { return client_.get(); }
  McpClient& get() { return *client_; }

 private:
  std::unique_ptr<McpClient> client_;
};

Expected<Session, std::string> open(Context& ctx) {
  auto c = ctx.session(nullptr);
  if (!c) return unexpected(c.error());
  return Session(std::move(c).value());
}

// The `initialize` result for a requested `version`; the session is ended again.
// An error says what came instead of a result.
Expected<json, std::string> initialize_result(Context& ctx, const std::string& version) {
  if (ctx.profile().launch == LaunchMode::kStdio) {
    harness::ClientOptions options;
    options.protocol_version = version;
    auto c = ctx.client(options);
    if (!c) return unexpected("no client: " + c.error());
    Session s(std::move(c).value());
    auto r = s->initialize(nullptr);
    if (!r) return unexpected(r.error().message());
    ctx.note("initialize " + version + " -> " + show(*r, 300));
    return *r;
  }
  auto http = ctx.raw();
  auto x =
      wire::post(ctx, http, wire::request(1, "initialize", wire::initialize_params(version)).dump(),
                 harness::mcp_post_headers());
  if (!x) return unexpected(x.error());
  // No MCP-Protocol-Version: the answer under test may have named an unsupported version.
  wire::close_session(http, ctx.path(), {x->header("mcp-session-id"), "", json()});
  auto m = wire::rpc_message(*x);
  if (!m || !m->is_object() || !m->contains("result") || !(*m)["result"].is_object()) {
    return unexpected("initialize requesting " + version + " was answered " +
                      wire::status_and_body(*x));
  }
  return (*m)["result"];
}

std::string version_of(const json& result) {
  const auto v = result.find("protocolVersion");
  if (v == result.end()) return "no protocolVersion";
  return "protocolVersion " + show(*v, 60);
}

// Judges a call that must fail with JSON-RPC error `code`.
Outcome expect_rpc_error(Context& ctx, const std::string& sent, const harness::Result<json>& r,
                         int code) {
  const std::string expected = "JSON-RPC error " + std::to_string(code) + " for " + sent;
  if (r) {
    ctx.note(sent + " -> result " + show(*r));
    return Outcome::broken(expected, "a result: " + show(*r));
  }
  const auto& e = r.error();
  ctx.note(sent + " -> " + excerpt(e.message(), 400));
  if (!e.rpc_error || !e.rpc_error->is_object() || !e.rpc_error->contains("code")) {
    return Outcome::broken(expected, "no JSON-RPC error: " + excerpt(e.message(), 300));
  }
  const json& got = (*e.rpc_error)["code"];
  if (got != code) return Outcome::broken(expected, "error " + show(*e.rpc_error, 300));
  return Outcome::held(expected, "error " + show(*e.rpc_error, 200));
}

// A list method's items, following nextCursor for a few pages.
Expected<json, std::string> list_all(Context& ctx, McpClient& client, const std::string& method,
                                     const std::string& key) {
  json items = json::array();
  json params = json::object();
  for (int page = 0; page < 5; ++page) {
    auto r = client.request(method, params);
    if (!r) {
      ctx.note(method + " -> " + excerpt(r.error().message(), 300));
      return unexpected(method + " failed: " + excerpt(r.error().message(), 300));
    }
    ctx.note(method + " -> " + show(*r, 400));
    if (!r->is_object() || !r->contains(key) || !(*r)[key].is_array()) {
      return unexpected("the " + method + " result has no \"" + key + "\" array: " + show(*r));
    }
    for (const auto& item : (*r)[key])
      items.push_back(item);
    const auto cursor = r->find("nextCursor");
    if (cursor == r->end() || !cursor->is_string()) break;
    params = {{"cursor", *cursor}};
  }
  return items;
}

const json* find_by(const json& items, const std::string& key, const std::string& value) {
  for (const auto& item : items) {
    if (item.is_object() && item.contains(key) && item[key] == value) return &item;
  }
  return nullptr;
}

// "HTTP 202 with no body": the answer a POST of notifications alone gets.
Outcome expect_accepted(const harness::HttpExchange& x, const std::string& what) {
  const std::string expected = "HTTP 202 with no body for " + what;
  if (x.status != 202 || !x.body.empty())
    return Outcome::broken(expected, wire::status_and_body(x));
  return Outcome::held(expected, "HTTP 202 with an empty body");
}

// --- stdio ------------------------------------------------------------------

// One stdio process of the implementation, spoken to line by line. Every line
// written and read is noted; reads have a deadline and a size bound.
class StdioPeer {
 public:
  static Expected<std::unique_ptr<StdioPeer>, std::string> start(Context& ctx) {
    auto p = ctx.launch({.values = {}, .working_directory = {}, .name = "stdio"});
    if (!p) return unexpected(p.error());
    return std::unique_ptr<StdioPeer>(new StdioPeer(ctx, std::move(p).value()));
  }

  bool write_line(const std::string& line) {
    ctx_.note("stdin <- " + excerpt(line, 200));
    const std::string text = line + "\n";
    harness::SigpipeGuard no_sigpipe;  // the child may have exited
    for (std::size_t done = 0; done < text.size();) {
      const int fd = process_->stdin_fd();
      if (fd < 0) return false;
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  // The next stdout line (without its newline), or nullopt at end of output or
  // when none comes within the deadline (`eof()` tells which).
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        ctx_.note("stdout -> " + excerpt(line, 300));
        return line;
      }
      if (eof_ || buffer_.size() > kMaxLine) return std::nullopt;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{process_->stdout_fd(), POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return std::nullopt;
      char chunk[4096];
      const ssize_t n = ::read(process_->stdout_fd(), chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        eof_ = true;
        if (!buffer_.empty()) buffer_ += '\n';  // a last line without a newline
        continue;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // The next line that parses as JSON (other lines skipped, a bounded number).
  std::optional<json> read_message(std::chrono::milliseconds timeout) {
    for (int i = 0; i < 20; ++i) {
      auto line = read_line(timeout);
      if (!line) return std::nullopt;
      json m = parse_json_or_discarded(*line);
      if (!m.is_discarded()) return m;
    }
    return std::nullopt;
  }

  bool eof() const { return eof_; }
  harness::Process& process() { return *process_; }

 private:
  static constexpr std::size_t kMaxLine = 1 << 20;
  StdioPeer(Context& ctx, std::unique_ptr<harness::Process> process)
      : ctx_(ctx), process_(std::move(process)) {}
  Context& ctx_;
  std::unique_ptr<harness::Process> process_;
  std::string buffer_;
  bool eof_ = false;
};

std::string initialize_line(int id) {
  return wire::request(id, "initialize", wire::initialize_params()).dump();
}

// Judges the answer to a request that must fail with `code` and carry `id`.
Outcome expect_stdio_error(const std::optional<json>& m, int code, const json& id,
                           const std::string& what) {
  const std::string expected =
      "error " + std::to_string(code) + " with id " + id.dump() + " for " + what;
  if (!m) return Outcome::broken(expected, "no JSON answer line");
  const bool is_error = m->is_object() && m->contains("error") && (*m)["error"].is_object() &&
                        (*m)["error"].contains("code") && (*m)["error"]["code"] == code;
  if (!is_error || !m->contains("id") || (*m)["id"] != id) {
    return Outcome::broken(expected, "the answer " + show(*m, 300));
  }
  return Outcome::held(expected, "the answer " + show(*m, 200));
}

const Needs kStdioOnly = {
    .kinds = {}, .features = {}, .control = {}, .transport = Transport::kStdio};

const Needs kAny = {.kinds = {}, .features = {}, .control = {}, .transport = {}};
// DATA-009's schema, in words.
std::string action_schema_meaning(const std::vector<std::string>& actions) {
  return "an object requiring a string `action` whose enum is " + json(actions).dump();
}

// What keeps `schema` from meaning an object that requires a string `action`
// from exactly `actions`, in order; nothing when it means that. Annotations
// (description, title, $schema, additionalProperties) say nothing about it.
std::optional<std::string> schema_differs(const json& schema,
                                          const std::vector<std::string>& actions) {
  if (!schema.is_object() || schema.value("type", json()) != "object") {
    return "the schema is not {\"type\": \"object\"}";
  }
  const json required = schema.value("required", json());
  if (!required.is_array() ||
      std::find(required.begin(), required.end(), "action") == required.end()) {
    return "`action` is not required";
  }
  const json properties = schema.value("properties", json());
  if (!properties.is_object() || !properties.contains("action") ||
      !properties["action"].is_object()) {
    return "no property `action`";
  }
  const json& action = properties["action"];
  if (action.value("type", json()) != "string") return "`action` is not of type string";
  if (action.value("enum", json()) != json(actions)) {
    return "the enum of `action` is " + show(action.value("enum", json()), 120) + ", not " +
           json(actions).dump();
  }
  return std::nullopt;
}

const Needs kGym = {.kinds = kGymKinds, .features = {}, .control = {}, .transport = {}};
const Needs kHttpOnly = {.kinds = {}, .features = {}, .control = {}, .transport = Transport::kHttp};

}  // namespace

std::vector<Check> lifecycle_checks() {
  std::vector<Check> checks;

  // LIFE-001: "When the requested `protocolVersion` is 2025-03-26, 2025-06-18 or
  // 2025-11-25, the `initialize` result echoes it."
  checks.push_back(Check{
      .id = "lifecycle.version-echo",
      .spec_id = "LIFE-001",
      .level = Level::kMust,
      .rule = "When the requested `protocolVersion` is 2025-03-26, 2025-06-18 or 2025-11-25, the "
              "`initialize` result echoes it.",
      .needs = kAny,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        for (const std::string version : kVersions) {
          const std::string expected =
              "protocolVersion \"" + version + "\" when " + version + " is requested";
          auto r = initialize_result(ctx, version);
          if (!r) return Outcome::broken(expected, r.error());
          if ((*r)["protocolVersion"] != version) {
            return Outcome::broken(expected, version_of(*r) + " when " + version + " is requested");
          }
        }
        return Outcome::held("each of 2025-03-26, 2025-06-18, 2025-11-25 echoed", "each echoed");
      }});

  // LIFE-002: "For any other requested version, the `initialize` result names a
  // version the server supports, the newest: 2025-11-25."
  checks.push_back(
      Check{.id = "lifecycle.version-unknown",
            .spec_id = "LIFE-002",
            .level = Level::kMust,
            .rule = "For any other requested version, the `initialize` result names a version the "
                    "server supports, the newest: 2025-11-25.",
            .needs = kAny,
            .fresh_process = false,
            .run = [](Context& ctx) -> Outcome {
              const std::string expected =
                  std::string("protocolVersion \"") + kNewest + "\" when 1999-01-01 is requested";
              auto r = initialize_result(ctx, "1999-01-01");
              if (!r) return Outcome::broken(expected, r.error());
              if ((*r)["protocolVersion"] != kNewest) {
                return Outcome::broken(expected, version_of(*r) + " when 1999-01-01 is requested");
              }
              return Outcome::held(expected, version_of(*r));
            }});

  // LIFE-003: "The `initialize` result has `capabilities` declaring `tools` and
  // `resources`, and `serverInfo` with `name` and `version`."
  checks.push_back(Check{
      .id = "lifecycle.initialize-result",
      .spec_id = "LIFE-003",
      .level = Level::kMust,
      .rule = "The `initialize` result has `capabilities` declaring `tools` and `resources`, and "
              "`serverInfo` with `name` and `version`.",
      .needs = kAny,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        const std::string expected =
            "capabilities.tools and capabilities.resources objects, serverInfo.name and "
            "serverInfo.version strings";
        auto r = initialize_result(ctx, kNewest);
        if (!r) return Outcome::broken(expected, r.error());
        std::vector<std::string> missing;
        const json caps = r->value("capabilities", json());
        for (const char* c : {"tools", "resources"}) {
          if (!caps.is_object() || !caps.contains(c) || !caps[c].is_object()) {
            missing.push_back(std::string("capabilities.") + c);
          }
        }
        const json info = r->value("serverInfo", json());
        for (const char* f : {"name", "version"}) {
          if (!info.is_object() || !info.contains(f) || !info[f].is_string()) {
            missing.push_back(std::string("serverInfo.") + f);
          }
        }
        if (!missing.empty()) {
          std::string list;
          for (const auto& m : missing)
            list += (list.empty() ? "" : ", ") + m;
          return Outcome::broken(expected, "missing or of the wrong type: " + list +
                                               "; the result was " + show(*r, 300));
        }
        return Outcome::held(expected,
                             "capabilities " + show(caps, 120) + ", serverInfo " + show(info, 120));
      }});

  // LIFE-004: "`notifications/initialized` is accepted: HTTP 202 with no body
  // (HTTP-007) ... A notification never gets a response."
  checks.push_back(Check{
      .id = "lifecycle.initialized-notification",
      .spec_id = "LIFE-004",
      .level = Level::kMust,
      .rule = "`notifications/initialized` is accepted: HTTP 202 with no body (HTTP-007), and no "
              "reply on stdio. ... A notification never gets a response.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        auto http = ctx.raw();
        auto init =
            wire::post(ctx, http, wire::request(1, "initialize", wire::initialize_params()).dump(),
                       harness::mcp_post_headers());
        if (!init) return Outcome::could_not_run(init.error());
        // Ended without MCP-Protocol-Version: the version is not known yet.
        wire::OpenSession guard(std::move(http), ctx.path(),
                                {init->header("mcp-session-id"), "", json()});
        auto m = wire::rpc_message(*init);
        if (init->status != 200 || !m || !m->contains("result") || guard.session.id.empty()) {
          return Outcome::could_not_run("initialize was refused: " + wire::status_and_body(*init));
        }
        const std::string version = (*m)["result"].value("protocolVersion", std::string(kNewest));
        auto x = wire::post(ctx, guard.http, wire::notification("notifications/initialized").dump(),
                            harness::mcp_post_headers(guard.session.id, version));
        if (!x)
          return Outcome::broken("HTTP 202 with no body for notifications/initialized", x.error());
        return expect_accepted(*x, "notifications/initialized");
      }});

  // LIFE-004: "... Unknown notifications are ignored. A notification never gets a response."
  checks.push_back(Check{
      .id = "lifecycle.unknown-notification",
      .spec_id = "LIFE-004",
      .level = Level::kMust,
      .rule = "... Unknown notifications are ignored. A notification never gets a response.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
          const std::string what = "the unknown notification notifications/mcpgym-conform/unknown";
          auto x = wire::post_in(ctx, r.http, r.session,
                                 wire::notification("notifications/mcpgym-conform/unknown",
                                                    {{"detail", "sent by the conformance suite"}}));
          if (!x) return Outcome::broken("HTTP 202 with no body for " + what, x.error());
          Outcome accepted = expect_accepted(*x, what);
          if (accepted.kind != Outcome::Kind::kHeld) return accepted;
          // Ignored: the session goes on as before.
          auto ping = wire::post_in(ctx, r.http, r.session, wire::request(2, "ping"));
          const std::string expected = "the session still answers ping with {} afterwards";
          if (!ping) return Outcome::broken(expected, ping.error());
          auto pm = wire::rpc_message(*ping);
          if (ping->status != 200 || !pm || !pm->is_object() || !pm->contains("result") ||
              (*pm)["result"] != json::object()) {
            return Outcome::broken(expected, "ping was answered " + wire::status_and_body(*ping));
          }
          return Outcome::held("HTTP 202 with no body, and the session unaffected",
                               "HTTP 202 with an empty body; ping still answered {}");
        });
      }});

  // LIFE-005: "`ping` is answered with the empty result `{}`."
  checks.push_back(Check{.id = "lifecycle.ping",
                         .spec_id = "LIFE-005",
                         .level = Level::kMust,
                         .rule = "`ping` is answered with the empty result `{}`.",
                         .needs = kAny,
                         .fresh_process = false,
                         .run = [](Context& ctx) -> Outcome {
                           auto s = open(ctx);
                           if (!s) return Outcome::could_not_run(s.error());
                           auto r = (*s)->request("ping", json::object());
                           if (!r) {
                             ctx.note("ping -> " + excerpt(r.error().message(), 400));
                             return Outcome::broken("the result {}",
                                                    excerpt(r.error().message(), 300));
                           }
                           ctx.note("ping -> " + show(*r));
                           if (*r != json::object())
                             return Outcome::broken("the result {}", "the result " + show(*r));
                           return Outcome::held("the result {}", "the result {}");
                         }});

  // LIFE-006: "A request for an unknown method gets -32601 (Method not found)."
  checks.push_back(Check{.id = "lifecycle.unknown-method",
                         .spec_id = "LIFE-006",
                         .level = Level::kMust,
                         .rule = "A request for an unknown method gets -32601 (Method not found).",
                         .needs = kAny,
                         .fresh_process = false,
                         .run = [](Context& ctx) -> Outcome {
                           auto s = open(ctx);
                           if (!s) return Outcome::could_not_run(s.error());
                           const std::string method = "mcpgym-conform/no-such-method";
                           return expect_rpc_error(ctx, "the request " + method,
                                                   (*s)->request(method, json::object()), -32601);
                         }});

  // LIFE-007: "Invalid params get -32602. Examples: `params` that is not an
  // object, ... `tools/call` without a string `name` ..."
  checks.push_back(Check{
      .id = "lifecycle.invalid-params",
      .spec_id = "LIFE-007",
      .level = Level::kMust,
      .rule = "Invalid params get -32602. Examples: `params` that is not an object, `initialize` "
              "without a string `protocolVersion`, `tools/call` without a string `name` or with "
              "`arguments` that is not an object, `resources/read` without a string `uri`.",
      .needs = kAny,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        auto s = open(ctx);
        if (!s) return Outcome::could_not_run(s.error());
        struct Case {
          std::string sent;
          std::string method;
          json params;
        };
        const std::vector<Case> cases = {
            {"tools/list with params [1] (not an object)", "tools/list", json::array({1})},
            {"tools/call without \"name\"", "tools/call", {{"arguments", {{"action", "LEFT"}}}}},
        };
        std::string held;
        for (const auto& c : cases) {
          Outcome o = expect_rpc_error(ctx, c.sent, (*s)->request(c.method, c.params), -32602);
          if (o.kind != Outcome::Kind::kHeld) return o;
          held += (held.empty() ? "" : "; ") + o.actual;
        }
        return Outcome::held(
            "JSON-RPC error -32602 for params not an object and for tools/call "
            "without a name",
            held);
      }});

  // LIFE-008: "An invalid request gets -32600 (Invalid Request), with the
  // message's `id` when it is a valid one and `"id": null` otherwise. ..."
  checks.push_back(Check{
      .id = "lifecycle.invalid-request",
      .spec_id = "LIFE-008",
      .level = Level::kMust,
      .rule = "An invalid request gets -32600 (Invalid Request), with the message's `id` when it "
              "is a valid one and `\"id\": null` otherwise. A message is invalid if it is not a "
              "JSON object, if `jsonrpc` is not exactly `\"2.0\"`, if `method` is not a string, "
              "or if `id` is present but is neither a string nor an integer (MCP forbids `null` "
              "ids).",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
          struct Case {
            std::string what;
            json message;
            json id;  // the id the error must carry
          };
          const std::vector<Case> cases = {
              {"\"jsonrpc\": \"1.0\" with id 7",
               {{"jsonrpc", "1.0"}, {"id", 7}, {"method", "ping"}},
               7},
              {"\"method\": 42 with id \"conform-8\"",
               {{"jsonrpc", "2.0"}, {"id", "conform-8"}, {"method", 42}},
               "conform-8"},
              {"\"id\": null", {{"jsonrpc", "2.0"}, {"id", nullptr}, {"method", "ping"}}, nullptr},
              {"\"id\": 1.5", {{"jsonrpc", "2.0"}, {"id", 1.5}, {"method", "ping"}}, nullptr},
              {"a message that is the JSON string \"ping\"", "ping", nullptr},
          };
          for (const auto& c : cases) {
            const std::string expected = "error -32600 with id " + c.id.dump() + " for " + c.what;
            auto x = wire::post_in(ctx, r.http, r.session, c.message);
            if (!x) return Outcome::broken(expected, x.error());
            auto m = wire::rpc_message(*x);
            if (!m || !m->is_object()) return Outcome::broken(expected, wire::status_and_body(*x));
            const auto code = wire::rpc_error_code(*x);
            if (!code || *code != -32600) {
              return Outcome::broken(expected, wire::status_and_body(*x));
            }
            if (!m->contains("id") || (*m)["id"] != c.id) {
              return Outcome::broken(expected, "error -32600 with " +
                                                   (m->contains("id") ? "id " + show((*m)["id"], 60)
                                                                      : std::string("no id")) +
                                                   ": " + wire::status_and_body(*x));
            }
          }
          return Outcome::held("-32600 with the valid id or null, in 5 invalid messages",
                               "each as expected");
        });
      }});

  // LIFE-009: "Every response carries `"jsonrpc": "2.0"`, the `id` of the request
  // it answers, and exactly one of `result` and `error`. ..."
  checks.push_back(Check{
      .id = "lifecycle.response-shape",
      .spec_id = "LIFE-009",
      .level = Level::kMust,
      .rule = "Every response carries `\"jsonrpc\": \"2.0\"`, the `id` of the request it answers, "
              "and exactly one of `result` and `error`. The `id` is `null` only where HTTP-006, "
              "HTTP-015 or LIFE-008 say so.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
          struct Case {
            std::string what;
            json id;
            std::string method;
          };
          const std::vector<Case> cases = {
              {"ping with id \"conform-ping\"", "conform-ping", "ping"},
              {"ping with id 41", 41, "ping"},
              {"the unknown method mcpgym-conform/none with id 42 (an error)", 42,
               "mcpgym-conform/none"},
          };
          for (const auto& c : cases) {
            const std::string expected = "a response with \"jsonrpc\": \"2.0\", id " + c.id.dump() +
                                         " and exactly one of result and error, for " + c.what;
            const json message = {
                {"jsonrpc", "2.0"}, {"id", c.id}, {"method", c.method}, {"params", json::object()}};
            auto x = wire::post_in(ctx, r.http, r.session, message);
            if (!x) return Outcome::broken(expected, x.error());
            auto m = wire::rpc_message(*x);
            if (!m || !m->is_object()) {
              return Outcome::broken(expected,
                                     "no JSON-RPC response: " + wire::status_and_body(*x));
            }
            std::string wrong;
            if (!m->contains("jsonrpc") || (*m)["jsonrpc"] != "2.0") {
              wrong = "\"jsonrpc\" is " +
                      (m->contains("jsonrpc") ? show((*m)["jsonrpc"], 40) : std::string("missing"));
            } else if (!m->contains("id") || (*m)["id"] != c.id) {
              wrong = "the id is " +
                      (m->contains("id") ? show((*m)["id"], 60) : std::string("missing"));
            } else if (m->contains("result") == m->contains("error")) {
              wrong = m->contains("result") ? "it has both result and error"
                                            : "it has neither result nor error";
            }
            if (!wrong.empty()) return Outcome::broken(expected, wrong + ": " + show(*m, 300));
          }
          return Outcome::held("well-formed responses to 3 requests (string id, integer id, error)",
                               "each well-formed");
        });
      }});

  // DATA-009: "`tools/list` lists the game's data-plane tool. Its `inputSchema` means an object
  // that requires one string property `action` whose allowed values (`enum`) are exactly the
  // game's action names, in gymnasium's index order. ..." (DATA-001, withdrawn, judged bytes.)
  checks.push_back(Check{
      .id = "lifecycle.tools-list",
      .spec_id = "DATA-009",
      .level = Level::kMust,
      .rule = "`tools/list` lists the game's data-plane tool. Its `inputSchema` means an object "
              "that requires one string property `action` whose allowed values (`enum`) are "
              "exactly the game's action names, in gymnasium's index order. It is judged by "
              "meaning, not bytes: annotations such as `description` or `title` on the schema or "
              "the property, `$schema` and `additionalProperties` are allowed, as are other "
              "fields of the tool such as `description` and `outputSchema`.",
      .needs = kGym,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        const GameDriver& game = ctx.game();
        const std::string expected =
            game.tool() + " with an inputSchema meaning " + action_schema_meaning(game.actions());
        auto s = open(ctx);
        if (!s) return Outcome::could_not_run(s.error());
        auto tools = list_all(ctx, s->get(), "tools/list", "tools");
        if (!tools) return Outcome::broken(expected, tools.error());
        const json* tool = find_by(*tools, "name", game.tool());
        if (!tool) {
          return Outcome::broken(expected,
                                 "no tool named " + game.tool() + " in " + show(*tools, 300));
        }
        if (!tool->contains("inputSchema")) {
          return Outcome::broken(expected,
                                 game.tool() + " without an inputSchema: " + show(*tool, 300));
        }
        const json& schema = (*tool)["inputSchema"];
        if (auto wrong = schema_differs(schema, game.actions())) {
          return Outcome::broken(expected, *wrong + ": inputSchema " + show(schema, 300));
        }
        return Outcome::held(expected, "inputSchema " + show(schema, 300));
      }});

  // DATA-007: "`tools/call` naming an unknown tool gets -32602."
  checks.push_back(Check{.id = "lifecycle.unknown-tool",
                         .spec_id = "DATA-007",
                         .level = Level::kMust,
                         .rule = "`tools/call` naming an unknown tool gets -32602.",
                         .needs = kGym,
                         .fresh_process = false,
                         .run = [](Context& ctx) -> Outcome {
                           auto s = open(ctx);
                           if (!s) return Outcome::could_not_run(s.error());
                           return expect_rpc_error(
                               ctx, "tools/call of the unknown tool lake_jump",
                               (*s)->call_tool("lake_jump", {{"action", "LEFT"}}), -32602);
                         }});

  // CTRL-001: "`resources/list` lists `game://initial_state`, `control://reward`,
  // `control://status` and `control://info`, each with `mimeType`
  // `application/json` (with the `http` form only, just `game://initial_state`, CTRL-010)."
  checks.push_back(Check{
      .id = "lifecycle.resources-list",
      .spec_id = "CTRL-001",
      .level = Level::kMust,
      .rule = "`resources/list` lists `game://initial_state`, `control://reward`, "
              "`control://status` and `control://info`, each with `mimeType` `application/json` "
              "(with the `http` form only, just `game://initial_state`, CTRL-010).",
      .needs = kGym,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        const bool resources_form = ctx.profile().offers(ControlPlane::kResources);
        std::vector<std::string> wanted = {"game://initial_state"};
        if (resources_form) {
          for (const char* u : {"control://reward", "control://status", "control://info"}) {
            wanted.emplace_back(u);
          }
        }
        std::string expected;
        for (const auto& u : wanted)
          expected += (expected.empty() ? "" : ", ") + u;
        expected += " listed, each with mimeType application/json";
        if (!resources_form)
          expected += ", and no control:// resource (control plane form http only)";
        auto s = open(ctx);
        if (!s) return Outcome::could_not_run(s.error());
        auto list = list_all(ctx, s->get(), "resources/list", "resources");
        if (!list) return Outcome::broken(expected, list.error());
        for (const auto& u : wanted) {
          const json* item = find_by(*list, "uri", u);
          if (!item) return Outcome::broken(expected, u + " is not listed: " + show(*list, 400));
          if (!item->contains("mimeType") || (*item)["mimeType"] != "application/json") {
            return Outcome::broken(expected, u + " is listed as " + show(*item, 300));
          }
        }
        if (!resources_form) {
          for (const auto& item : *list) {
            const json uri = item.is_object() ? item.value("uri", json()) : json();
            if (uri.is_string() && uri.get<std::string>().rfind("control://", 0) == 0) {
              return Outcome::broken(expected, "the http-only server lists " + show(uri, 80));
            }
          }
        }
        return Outcome::held(expected, std::to_string(list->size()) + " resources, as expected");
      }});

  // CTRL-008: "Reading an unknown resource URI gets -32002 with `data.uri` naming it."
  checks.push_back(
      Check{.id = "lifecycle.unknown-resource",
            .spec_id = "CTRL-008",
            .level = Level::kMust,
            .rule = "Reading an unknown resource URI gets -32002 with `data.uri` naming it.",
            .needs = kGym,
            .fresh_process = false,
            .run = [](Context& ctx) -> Outcome {
              auto s = open(ctx);
              if (!s) return Outcome::could_not_run(s.error());
              const std::string uri = "game://mcpgym-conform-no-such-resource";
              const std::string sent = "resources/read of " + uri;
              auto r = (*s)->request("resources/read", {{"uri", uri}});
              Outcome o = expect_rpc_error(ctx, sent, r, -32002);
              if (o.kind != Outcome::Kind::kHeld) return o;
              const json& e = *r.error().rpc_error;
              const std::string expected = "error -32002 with data.uri \"" + uri + "\"";
              if (!e.contains("data") || !e["data"].is_object() || !e["data"].contains("uri") ||
                  e["data"]["uri"] != uri) {
                return Outcome::broken(expected, "error " + show(e, 300));
              }
              return Outcome::held(expected, "error " + show(e, 200));
            }});

  // STDIO-001: "Messages are newline-delimited JSON-RPC on stdin and stdout: one
  // message per line, with no embedded newlines."
  checks.push_back(Check{
      .id = "lifecycle.stdio-line-delimited",
      .spec_id = "STDIO-001",
      .level = Level::kMust,
      .rule = "Messages are newline-delimited JSON-RPC on stdin and stdout: one message per line, "
              "with no embedded newlines.",
      .needs = kStdioOnly,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        auto peer = StdioPeer::start(ctx);
        if (!peer) return Outcome::could_not_run(peer.error());
        const std::string expected =
            "the answers to initialize (id 1) and ping (id 2), each a "
            "JSON message on one line";
        if (!(*peer)->write_line(initialize_line(1)) ||
            !(*peer)->write_line(wire::notification("notifications/initialized").dump()) ||
            !(*peer)->write_line(wire::request(2, "ping").dump())) {
          return Outcome::broken(expected, "stdin was closed");
        }
        int answered = 0;
        for (int i = 0; i < 10 && answered < 2; ++i) {
          auto line = (*peer)->read_line(ctx.call_timeout);
          if (!line) {
            return Outcome::broken(expected, std::to_string(answered) + " answer(s), then " +
                                                 ((*peer)->eof() ? "end of output" : "nothing"));
          }
          const json m = parse_json_or_discarded(*line);
          if (m.is_discarded()) {
            return Outcome::broken(
                expected, "the line `" + excerpt(*line, 200) + "`, which is not a JSON message");
          }
          if (m.is_object() && m.contains("id") && (m["id"] == 1 || m["id"] == 2)) ++answered;
        }
        if (answered < 2) return Outcome::broken(expected, "no answers to ids 1 and 2");
        return Outcome::held(expected, "two answer lines, each a JSON message");
      }});

  // STDIO-002: "Nothing but MCP messages goes to stdout. Logs go to stderr."
  checks.push_back(Check{
      .id = "lifecycle.stdio-stdout-messages-only",
      .spec_id = "STDIO-002",
      .level = Level::kMust,
      .rule = "Nothing but MCP messages goes to stdout. Logs go to stderr.",
      .needs = kStdioOnly,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        auto peer = StdioPeer::start(ctx);
        if (!peer) return Outcome::could_not_run(peer.error());
        const std::string expected =
            "only JSON-RPC messages on stdout, from start-up to the end of output";
        auto& p = **peer;
        p.write_line(initialize_line(1));
        p.write_line(wire::notification("notifications/initialized").dump());
        p.write_line(wire::request(2, "ping").dump());
        p.write_line(wire::request(3, "mcpgym-conform/no-such-method").dump());
        p.process().close_stdin();
        int lines = 0;
        for (; lines < 50; ++lines) {
          auto line = p.read_line(ctx.call_timeout);
          if (!line) break;
          const json m = parse_json_or_discarded(*line);
          const bool message = m.is_object() && m.contains("jsonrpc") && m["jsonrpc"] == "2.0";
          if (!message) {
            return Outcome::broken(expected, "stdout line " + std::to_string(lines + 1) + " is `" +
                                                 excerpt(*line, 200) + "`");
          }
        }
        if (lines < 3) {
          return Outcome::broken(expected, "only " + std::to_string(lines) + " line(s) before " +
                                               (p.eof() ? "end of output" : "silence") +
                                               ", where 3 answers were due");
        }
        return Outcome::held(expected, std::to_string(lines) + " lines, each a JSON-RPC message");
      }});

  // STDIO-003: "... Before it, a request other than `initialize` or `ping` gets -32600. ..."
  checks.push_back(Check{
      .id = "lifecycle.stdio-before-initialize",
      .spec_id = "STDIO-003",
      .level = Level::kMust,
      .rule = "stdio has the same methods, payloads and errors as HTTP ... Each process has one "
              "session, created by `initialize`. Before it, a request other than `initialize` or "
              "`ping` gets -32600.",
      .needs = kStdioOnly,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        auto peer = StdioPeer::start(ctx);
        if (!peer) return Outcome::could_not_run(peer.error());
        (*peer)->write_line(wire::request(5, "tools/list").dump());
        return expect_stdio_error((*peer)->read_message(ctx.call_timeout), -32600, 5,
                                  "tools/list before initialize");
      }});

  // STDIO-003: "... A second `initialize` gets -32600. ..."
  checks.push_back(
      Check{.id = "lifecycle.stdio-second-initialize",
            .spec_id = "STDIO-003",
            .level = Level::kMust,
            .rule = "... Each process has one session, created by `initialize`. ... A second "
                    "`initialize` gets -32600.",
            .needs = kStdioOnly,
            .fresh_process = false,
            .run = [](Context& ctx) -> Outcome {
              auto peer = StdioPeer::start(ctx);
              if (!peer) return Outcome::could_not_run(peer.error());
              auto& p = **peer;
              p.write_line(initialize_line(1));
              auto first = p.read_message(ctx.call_timeout);
              if (!first || !first->is_object() || !first->contains("result")) {
                return Outcome::could_not_run("the first initialize got " +
                                              (first ? show(*first) : std::string("no answer")));
              }
              p.write_line(wire::notification("notifications/initialized").dump());
              p.write_line(initialize_line(2));
              return expect_stdio_error(p.read_message(ctx.call_timeout), -32600, 2,
                                        "a second initialize");
            }});

  // STDIO-003: "... A line that cannot be parsed gets -32700 with `id` null. ..."
  checks.push_back(Check{.id = "lifecycle.stdio-parse-error",
                         .spec_id = "STDIO-003",
                         .level = Level::kMust,
                         .rule = "... A line that cannot be parsed gets -32700 with `id` null.",
                         .needs = kStdioOnly,
                         .fresh_process = false,
                         .run = [](Context& ctx) -> Outcome {
                           auto peer = StdioPeer::start(ctx);
                           if (!peer) return Outcome::could_not_run(peer.error());
                           (*peer)->write_line(R"({"jsonrpc":"2.0","id":7,)");
                           return expect_stdio_error((*peer)->read_message(ctx.call_timeout),
                                                     -32700, nullptr,
                                                     "the line {\"jsonrpc\":\"2.0\",\"id\":7,");
                         }});

  // STDIO-003: "... End of input ends the process with exit status 0."
  checks.push_back(
      Check{.id = "lifecycle.stdio-exit-on-eof",
            .spec_id = "STDIO-003",
            .level = Level::kMust,
            .rule = "... End of input ends the process with exit status 0.",
            .needs = kStdioOnly,
            .fresh_process = false,
            .run = [](Context& ctx) -> Outcome {
              auto peer = StdioPeer::start(ctx);
              if (!peer) return Outcome::could_not_run(peer.error());
              auto& p = **peer;
              p.write_line(initialize_line(1));
              auto first = p.read_message(ctx.call_timeout);
              if (!first || !first->is_object() || !first->contains("result")) {
                return Outcome::could_not_run("initialize got " +
                                              (first ? show(*first) : std::string("no answer")));
              }
              p.process().close_stdin();
              ctx.note("stdin closed");
              const std::string expected = "exit status 0 after end of input";
              auto status = p.process().wait_exit(ctx.call_timeout);
              if (!status) {
                return Outcome::broken(expected, "still running " +
                                                     std::to_string(ctx.call_timeout.count()) +
                                                     " ms after end of input");
              }
              if (status->signaled || status->code != 0)
                return Outcome::broken(expected, status->describe());
              return Outcome::held(expected, status->describe());
            }});

  return checks;
}

}  // namespace mcpgym::conformance
