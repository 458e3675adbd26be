#include "conformance/checks/wire.hpp"

#include <algorithm>
#include <cctype>

#include "common/bounded_json.hpp"
#include "common/protocol.hpp"
#include "common/text.hpp"
#include "harness/mcp/sse.hpp"

namespace mcpgym::conformance::wire {

json request(int id, const std::string& method, json params) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json notification(const std::string& method, json params) {
  return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

json initialize_params(const std::string& version, const json& extra) {
  json info = {{"name", "mcpgym-conform"}, {"version", "0.1.0"}};
  if (!extra.is_null()) info["_extra"] = extra;
  return {{"protocolVersion", version}, {"capabilities", json::object()}, {"clientInfo", info}};
}

Expected<HttpExchange, std::string> send(Context& ctx, harness::RawHttpClient& http,
                                         harness::HttpRequest request) {
  const std::string what = request.method + " " + request.path + " " + excerpt(request.body, 120);
  auto x = http.send(std::move(request));
  if (!x) {
    ctx.note(what + " -> " + x.error());
    return unexpected(what + " got no answer: " + x.error());
  }
  ctx.note(*x);
  return x;
}

Expected<HttpExchange, std::string> post(Context& ctx, harness::RawHttpClient& http,
                                         const std::string& body, const HeaderList& headers) {
  return send(ctx, http, {.method = "POST", .path = ctx.path(), .headers = headers, .body = body});
}

json modern_request(int id, const std::string& method, json params, const std::string& version) {
  const json info = {{"name", "mcpgym-conform"}, {"version", "0.1.0"}};
  return request(id, method,
                 harness::with_modern_meta(std::move(params), harness::modern_meta(version, info)));
}

Expected<HttpExchange, std::string> post_modern(Context& ctx, const json& message,
                                                const HeaderEdit& edit,
                                                const harness::ParamHeaders& param_headers) {
  const json& meta = message["params"]["_meta"];
  const std::string version = meta.value(std::string(mcp::kMetaProtocolVersion), "");
  harness::HttpRequest request = harness::modern_post(version, message, param_headers, ctx.path());
  if (edit) edit(request.headers);
  auto http = ctx.raw();
  return send(ctx, http, std::move(request));
}

Expected<json, std::string> modern_result(const HttpExchange& exchange) {
  auto message = rpc_message(exchange);
  if (!message || !message->is_object() || !message->contains("result")) {
    return unexpected("no result: " + status_and_body(exchange));
  }
  return (*message)["result"];
}

Expected<RawSession, std::string> open_session(Context& ctx, harness::RawHttpClient& http,
                                               const json& extra, const std::string& version) {
  auto init = post(ctx, http, request(1, "initialize", initialize_params(version, extra)).dump(),
                   harness::mcp_post_headers());
  if (!init) return unexpected(init.error());
  auto message = rpc_message(*init);
  if (init->status != 200 || !message || !message->contains("result")) {
    return unexpected("initialize was refused: " + status_and_body(*init));
  }
  RawSession s;
  s.id = init->header("mcp-session-id");
  s.result = (*message)["result"];
  s.version = s.result.value("protocolVersion", "");
  if (s.id.empty()) return unexpected("initialize answered without an Mcp-Session-Id header");
  auto done = post(ctx, http, notification("notifications/initialized").dump(),
                   harness::mcp_post_headers(s.id, s.version));
  if (!done) return unexpected(done.error());
  if (done->status / 100 != 2) {
    return unexpected("notifications/initialized was refused: " + status_and_body(*done));
  }
  return s;
}

Expected<HttpExchange, std::string> post_in(Context& ctx, harness::RawHttpClient& http,
                                            const RawSession& session, const json& message) {
  return post(ctx, http, message.dump(), harness::mcp_post_headers(session.id, session.version));
}

void close_session(harness::RawHttpClient& http, const std::string& path,
                   const RawSession& session) {
  if (session.id.empty()) return;
  HeaderList headers = {{"Mcp-Session-Id", session.id}};
  if (!session.version.empty()) headers.emplace_back("MCP-Protocol-Version", session.version);
  (void)http.send({.method = "DELETE", .path = path, .headers = headers, .body = ""});
}

void close_session(Context& ctx, harness::RawHttpClient& http, const RawSession& session) {
  close_session(http, ctx.path(), session);
}

HeaderList OpenSession::headers_with(const std::string& name, const std::string& value) const {
  HeaderList h = harness::mcp_post_headers(session.id, session.version);
  h.erase(std::remove_if(h.begin(), h.end(),
                         [&](const auto& kv) { return lower(kv.first) == lower(name); }),
          h.end());
  if (!value.empty()) h.emplace_back(name, value);
  return h;
}

Expected<std::unique_ptr<OpenSession>, std::string> open(Context& ctx, const json& extra,
                                                         const std::string& version) {
  auto http = ctx.raw();
  auto s = open_session(ctx, http, extra, version);
  if (!s) return unexpected(s.error());
  return std::make_unique<OpenSession>(std::move(http), ctx.path(), *std::move(s));
}

Outcome in_session(Context& ctx, const std::function<Outcome(OpenSession&)>& judge) {
  auto s = open(ctx);
  if (!s) return Outcome::could_not_run(s.error());
  return judge(**s);
}

std::optional<json> rpc_message(const HttpExchange& x) {
  const std::string type = x.header("content-type");
  if (type.find("text/event-stream") != std::string::npos) {
    std::optional<json> last;
    for (const auto& event : harness::parse_sse(x.body)) {
      json j = parse_json_or_discarded(event.data);
      if (!j.is_discarded()) last = std::move(j);
    }
    return last;
  }
  json j = parse_json_or_discarded(x.body);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::optional<int> rpc_error_code(const HttpExchange& x) {
  auto m = rpc_message(x);
  if (!m || !m->is_object() || !m->contains("error")) return std::nullopt;
  const json& e = (*m)["error"];
  if (!e.is_object() || !e.contains("code") || !e["code"].is_number_integer()) return std::nullopt;
  return e["code"].get<int>();
}

std::string status_and_body(const HttpExchange& x) {
  return "HTTP " + std::to_string(x.status) +
         (x.body.empty() ? std::string(" with an empty body")
                         : " with body " + excerpt(x.body, 200));
}

}  // namespace mcpgym::conformance::wire
