// Transport checks over raw HTTP (docs/spec.md HTTP-*): each sends one request
// that breaks exactly the rule under test, inside an otherwise well-formed
// session (the session and version headers right), and judges the status and
// body. Every session a check opens is ended again (proxies run one backend
// per session).

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/verify.hpp"
#include "conformance/checks/wire.hpp"
#include "conformance/core/context.hpp"
#include "harness/http/head_only.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using harness::HeaderList;
using harness::HttpExchange;

const std::string kPing = wire::request(7, "ping").dump();

// Judges an answer that must have HTTP status `status`: "HTTP <status> for <what>".
Outcome expect_status(const Expected<HttpExchange, std::string>& x, int status,
                      const std::string& what) {
  return verify::expect_status(x, status, "HTTP " + std::to_string(status) + " for " + what);
}

// A ping in a fresh session with `header` set to `value` (removed when empty),
// judged to get HTTP `status`.
Outcome ping_status(Context& ctx, const std::string& header, const std::string& value, int status,
                    const std::string& what) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) {
    return expect_status(wire::post(ctx, r.http, kPing, r.headers_with(header, value)), status,
                         what);
  });
}

// HTTP-015's body: application/json, a JSON-RPC error with id null and `code`.
std::optional<std::string> rejection_body_problem(const HttpExchange& x, int code) {
  if (media_type(x.header("content-type")) != "application/json") {
    return "Content-Type " + (x.has_header("content-type") ? excerpt(x.header("content-type"), 80)
                                                           : std::string("missing"));
  }
  const json m = parse_json_or_discarded(x.body);
  if (m.is_discarded() || !m.is_object()) return "a body that is not a JSON object";
  if (!m.contains("jsonrpc") || m["jsonrpc"] != "2.0") return "no \"jsonrpc\": \"2.0\"";
  if (!m.contains("id") || !m["id"].is_null()) return "no \"id\": null";
  if (!m.contains("error") || !m["error"].is_object()) return "no \"error\" object";
  const json& e = m["error"];
  if (!e.contains("code") || e["code"] != code) {
    return "error code " +
           (e.contains("code") ? excerpt(e["code"].dump(), 40) : std::string("missing")) +
           ", not " + std::to_string(code);
  }
  if (!e.contains("message") || !e["message"].is_string()) return "no string error message";
  return std::nullopt;
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1" || host == "[::1]";
}

// HTTP-003: "A POST gets HTTP 406 if its `Accept` header does not list both
// `application/json` and `text/event-stream`. ... A missing `Accept` lists neither."
Outcome accept_missing(Context& ctx) {
  return ping_status(ctx, "Accept", "", 406, "a ping without an Accept header")
      .with(
          "cpp-httplib sends `Accept: */*` when a request has no Accept header, so the "
          "server sees `Accept: */*`; per HTTP-003 a wildcard lists neither type, exactly "
          "as a missing header");
}

// HTTP-003, partial lists: only one of the two types.
Outcome accept_partial(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    for (const char* accept : {"application/json", "text/event-stream"}) {
      auto x = wire::post(ctx, r.http, kPing, r.headers_with("Accept", accept));
      Outcome o = expect_status(x, 406, std::string("a ping with only `Accept: ") + accept + "`");
      if (o.kind != Outcome::Kind::kHeld) return o;
    }
    return Outcome::held(
        "HTTP 406 for `Accept: application/json` and for `Accept: "
        "text/event-stream`",
        "HTTP 406 for both");
  });
}

// HTTP-004: "A POST gets HTTP 415 if its `Content-Type` media type is not `application/json`."
Outcome content_type(Context& ctx) {
  return ping_status(ctx, "Content-Type", "text/plain", 415,
                     "a ping with `Content-Type: text/plain`");
}

// HTTP-005: "A request body larger than a configurable limit gets HTTP 413. The
// reference sets the limit with `--max-body`, default 4 MiB (4194304 bytes)."
Outcome body_too_large(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    // A valid ping whose params pad the body to 4 MiB + 1 byte.
    constexpr std::size_t kSize = 4 * 1024 * 1024 + 1;
    const std::string head = R"({"jsonrpc":"2.0","id":7,"method":"ping","params":{"_pad":")";
    const std::string tail = "\"}}";
    std::string body = head;
    body.append(kSize - head.size() - tail.size(), 'x');
    body += tail;
    // RawHttpClient::send blocks SIGPIPE: the server may close before the body is sent.
    auto x = wire::post(ctx, r.http, body, r.headers_with("", ""));
    return expect_status(x, 413, "a 4194305-byte ping (4 MiB + 1)")
        .with(
            "the body is a valid ping padded with a 4 MiB string; the limit is the "
            "server's own, and the reference's default is 4 MiB");
  });
}

// HTTP-006: "A POST body that cannot be parsed as JSON gets HTTP 400 with
// JSON-RPC error -32700 (Parse error) and `"id": null`."
Outcome parse_error(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    const std::string expected =
        "HTTP 400 with error -32700 and \"id\": null for the body "
        "`{\"jsonrpc\":\"2.0\",\"id\":7,`";
    auto x = wire::post(ctx, r.http, R"({"jsonrpc":"2.0","id":7,)", r.headers_with("", ""));
    if (!x) return Outcome::broken(expected, x.error());
    const auto m = wire::rpc_message(*x);
    const auto code = wire::rpc_error_code(*x);
    if (x->status != 400 || !code || *code != -32700 || !m || !m->contains("id") ||
        !(*m)["id"].is_null()) {
      return Outcome::broken(expected, wire::status_and_body(*x));
    }
    return Outcome::held(expected, wire::status_and_body(*x));
  });
}

// HTTP-007: "A POST that carries only notifications and/or responses gets HTTP
// 202 Accepted with no body when the server accepts it."
Outcome notification_accepted(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    const std::string what = "notifications/cancelled";
    auto x =
        wire::post_in(ctx, r.http, r.session,
                      wire::notification("notifications/cancelled",
                                         {{"requestId", 999999}, {"reason", "conformance check"}}));
    if (!x) return Outcome::broken("HTTP 202 with no body for " + what, x.error());
    return verify::expect_accepted(*x, what);
  });
}

// HTTP-008: "A POST that carries a request is answered either with
// `Content-Type: application/json` and one JSON object ..., or with
// `Content-Type: text/event-stream`."
Outcome response_content_type(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    const std::string expected =
        "a ping answered with application/json and one JSON object, or text/event-stream";
    auto x = wire::post_in(ctx, r.http, r.session, wire::request(7, "ping"));
    if (!x) return Outcome::broken(expected, x.error());
    const std::string type = media_type(x->header("content-type"));
    const std::string shown =
        "Content-Type " +
        (x->has_header("content-type") ? excerpt(x->header("content-type"), 80)
                                       : std::string("missing")) +
        ", " + wire::status_and_body(*x);
    if (type == "text/event-stream") return Outcome::held(expected, shown);
    if (type != "application/json") return Outcome::broken(expected, shown);
    const json m = parse_json_or_discarded(x->body);
    if (m.is_discarded() || !m.is_object()) {
      return Outcome::broken(expected, "application/json but not one JSON object: " + shown);
    }
    return Outcome::held(expected, shown);
  });
}

// The methods an Allow header lists ("POST, DELETE" -> POST, DELETE).
std::vector<std::string> allowed_methods(const std::string& allow) {
  std::vector<std::string> methods;
  for (std::size_t at = 0; at <= allow.size();) {
    std::size_t comma = allow.find(',', at);
    if (comma == std::string::npos) comma = allow.size();
    std::string m = allow.substr(at, comma - at);
    m.erase(std::remove_if(m.begin(), m.end(), [](char c) { return c == ' ' || c == '\t'; }),
            m.end());
    methods.push_back(m);
    at = comma + 1;
  }
  return methods;
}

// A session's GET, as a client listening for server messages sends it; only
// the head is read (a stream may never end).
Expected<HttpExchange, std::string> get_stream(Context& ctx, wire::OpenSession& r) {
  return harness::send_head_only(r.http.host(), r.http.port(),
                                 {.method = "GET",
                                  .path = ctx.path(),
                                  .headers = {{"Accept", "text/event-stream"},
                                              {"Mcp-Session-Id", r.session.id},
                                              {"MCP-Protocol-Version", r.session.version}},
                                  .body = ""},
                                 ctx.call_timeout);
}

// HTTP-009: "`GET /mcp` gets HTTP 405 with `Allow: POST, DELETE`, unless the
// server offers a server-to-client SSE stream there."
Outcome get_endpoint(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    const std::string expected =
        "HTTP 405 with Allow naming POST and DELETE, or a 200 text/event-stream";
    auto x = get_stream(ctx, r);
    if (!x) {
      ctx.note("GET " + ctx.path() + " -> " + x.error());
      return Outcome::broken(expected, x.error());
    }
    ctx.note(*x);
    const std::string shown =
        wire::status_and_body(*x) + (x->has_header("allow")
                                         ? ", Allow: " + excerpt(x->header("allow"), 80)
                                         : ", no Allow header");
    if (x->status == 200 && media_type(x->header("content-type")) == "text/event-stream") {
      return Outcome::held(expected, "a 200 text/event-stream (a server-to-client stream)");
    }
    if (x->status != 405) return Outcome::broken(expected, shown);
    const std::vector<std::string> methods = allowed_methods(x->header("allow"));
    for (const char* need : {"POST", "DELETE"}) {
      if (std::find(methods.begin(), methods.end(), need) == methods.end()) {
        return Outcome::broken(expected, shown);
      }
    }
    return Outcome::held(expected, shown);
  });
}

// HTTP-010: "Any request to `/mcp` or `/control/*` gets HTTP 403 if it has an
// `Origin` header that is not a loopback origin."
Outcome foreign_origin(Context& ctx) {
  return ping_status(ctx, "Origin", "http://evil.example.com", 403,
                     "a ping with `Origin: http://evil.example.com`");
}

// HTTP-011: "While the server is bound to a loopback address, a request gets
// HTTP 403 if its `Host` header is not a loopback host."
Outcome foreign_host(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    if (!is_loopback_host(r.http.host())) {
      return Outcome::not_applicable("the server is reached at " + r.http.host() +
                                     ", not a loopback address");
    }
    auto x = wire::post(ctx, r.http, kPing, r.headers_with("Host", "evil.example.com"));
    return expect_status(x, 403, "a ping with `Host: evil.example.com`");
  });
}

// HTTP-012: "After initialize, a request gets HTTP 400 if its
// `MCP-Protocol-Version` header names a version the server does not support."
Outcome protocol_version_unsupported(Context& ctx) {
  return ping_status(ctx, "MCP-Protocol-Version", "1999-01-01", 400,
                     "a ping with `MCP-Protocol-Version: 1999-01-01`");
}

// HTTP-014: "In a session whose negotiated version is 2025-06-18 or later, a
// JSON-RPC batch (a JSON array body) is rejected with HTTP 400 and -32600."
Outcome batch_rejected(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    if (r.session.version != "2025-06-18" && r.session.version != "2025-11-25") {
      return Outcome::could_not_run("the session negotiated " + excerpt(r.session.version, 40) +
                                    " when 2025-11-25 was requested (LIFE-001)");
    }
    const std::string expected =
        "HTTP 400 with error -32600 for a one-ping batch in a " + r.session.version + " session";
    auto x = wire::post(ctx, r.http, json::array({wire::request(7, "ping")}).dump(),
                        r.headers_with("", ""));
    if (!x) return Outcome::broken(expected, x.error());
    return verify::expect_http_rpc_error(*x, 400, -32600, expected);
  });
}

// HTTP-015: "Every HTTP-level rejection (400, 403, 404, 405, 406, 413, 415) has
// an `application/json` body that is a JSON-RPC error response ..."
Outcome rejection_body(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    struct Case {
      std::string what;
      std::string header;
      std::string value;
    };
    const std::vector<Case> cases = {
        {"`Origin: http://evil.example.com`", "Origin", "http://evil.example.com"},
        {"`Accept: application/json`", "Accept", "application/json"},
        {"`Content-Type: text/plain`", "Content-Type", "text/plain"},
    };
    const std::string expected =
        "an application/json JSON-RPC error body with id null and code -32000 on each "
        "rejection";
    int judged = 0;
    for (const auto& c : cases) {
      auto x = wire::post(ctx, r.http, kPing, r.headers_with(c.header, c.value));
      if (!x) return Outcome::broken(expected, x.error());
      if (x->status < 400) continue;  // not rejected: nothing to judge here
      ++judged;
      if (auto problem = rejection_body_problem(*x, -32000)) {
        return Outcome::broken(expected, "HTTP " + std::to_string(x->status) + " for a ping with " +
                                             c.what + " has " + *problem + ": " +
                                             wire::status_and_body(*x));
      }
    }
    if (judged == 0) return Outcome::not_applicable("none of the requests was rejected");
    return Outcome::held(expected, std::to_string(judged) + " rejection(s), each with such a body");
  });
}

}  // namespace

std::vector<Check> header_checks() {
  std::vector<Check> checks;

  checks.push_back(Check{
      .id = "headers.accept-missing",
      .spec_id = "HTTP-003",
      .level = Level::kShould,
      .rule = "A POST gets HTTP 406 if its `Accept` header does not list both `application/json` "
              "and `text/event-stream`. ... Wildcards (`*/*`, `application/*`) do not count as "
              "listing a type. A missing `Accept` lists neither. Stricter than MCP, which puts "
              "this MUST on the client.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = accept_missing});

  checks.push_back(Check{
      .id = "headers.accept-partial",
      .spec_id = "HTTP-003",
      .level = Level::kShould,
      .rule = "A POST gets HTTP 406 if its `Accept` header does not list both `application/json` "
              "and `text/event-stream`. ... Stricter than MCP, which puts this MUST on the client.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = accept_partial});

  checks.push_back(Check{
      .id = "headers.content-type",
      .spec_id = "HTTP-004",
      .level = Level::kShould,
      .rule = "A POST gets HTTP 415 if its `Content-Type` media type is not `application/json`. "
              "Parameters (such as `charset=utf-8`) are allowed, and a missing `Content-Type` "
              "counts as wrong. Stricter than MCP.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = content_type});

  checks.push_back(Check{
      .id = "headers.body-too-large",
      .spec_id = "HTTP-005",
      .level = Level::kShould,
      .rule = "A request body larger than a configurable limit gets HTTP 413. The reference sets "
              "the limit with `--max-body`, default 4 MiB (4194304 bytes). Stricter than MCP.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = body_too_large});

  checks.push_back(Check{
      .id = "headers.parse-error",
      .spec_id = "HTTP-006",
      .level = Level::kMust,
      .rule = "A POST body that cannot be parsed as JSON gets HTTP 400 with JSON-RPC error -32700 "
              "(Parse error) and `\"id\": null`.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = parse_error});

  checks.push_back(Check{
      .id = "headers.notification-accepted",
      .spec_id = "HTTP-007",
      .level = Level::kMust,
      .rule = "A POST that carries only notifications and/or responses gets HTTP 202 Accepted "
              "with no body when the server accepts it. This covers `notifications/initialized`.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = notification_accepted});

  checks.push_back(
      Check{.id = "headers.response-content-type",
            .spec_id = "HTTP-008",
            .level = Level::kMust,
            .rule = "A POST that carries a request is answered either with `Content-Type: "
                    "application/json` and one JSON object (the JSON-RPC response; an array for an "
                    "accepted batch, HTTP-014), or with `Content-Type: text/event-stream`.",
            .needs = kHttpOnly,
            .fresh_process = false,
            .run = response_content_type});

  checks.push_back(Check{
      .id = "headers.get-endpoint",
      .spec_id = "HTTP-009",
      .level = Level::kMust,
      .rule = "`GET /mcp` gets HTTP 405 with `Allow: POST, DELETE`, unless the server offers a "
              "server-to-client SSE stream there.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = get_endpoint});

  checks.push_back(Check{
      .id = "headers.foreign-origin",
      .spec_id = "HTTP-010",
      .level = Level::kMust,
      .rule = "Any request to `/mcp` or `/control/*` gets HTTP 403 if it has an `Origin` header "
              "that is not a loopback origin. ... A request without `Origin` passes this check.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = foreign_origin});

  checks.push_back(Check{
      .id = "headers.foreign-host",
      .spec_id = "HTTP-011",
      .level = Level::kShould,
      .rule = "This rule guards against DNS rebinding. While the server is bound to a loopback "
              "address, a request gets HTTP 403 if its `Host` header is not a loopback host. ... "
              "Stricter than MCP.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = foreign_host});

  checks.push_back(Check{
      .id = "headers.protocol-version-unsupported",
      .spec_id = "HTTP-012",
      .level = Level::kMust,
      .rule = "After initialize, a request gets HTTP 400 if its `MCP-Protocol-Version` header "
              "names a version the server does not support.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = protocol_version_unsupported});

  checks.push_back(Check{
      .id = "headers.batch-rejected",
      .spec_id = "HTTP-014",
      .level = Level::kShould,
      .rule = "In a session whose negotiated version is 2025-06-18 or later, a JSON-RPC batch (a "
              "JSON array body) is rejected with HTTP 400 and -32600. ... Stricter than MCP.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = batch_rejected});

  checks.push_back(Check{
      .id = "headers.rejection-body",
      .spec_id = "HTTP-015",
      .level = Level::kShould,
      .rule = "Every HTTP-level rejection (400, 403, 404, 405, 406, 413, 415) has an "
              "`application/json` body that is a JSON-RPC error response, so a client can show "
              "why: `{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":"
              "\"...\"}}`. The code is -32700 for parse errors, -32600 for invalid requests and "
              "-32000 otherwise.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = rejection_body});

  return checks;
}

}  // namespace mcpgym::conformance
