#include "reference/programs/tests/support/wire.hpp"

#include <atomic>

#include "common/text.hpp"

namespace mcpgym::wiretest {

namespace {

std::atomic<long long> g_next_id{1000};

}  // namespace

json rpc_request(const json& id, std::string_view method) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
}

json rpc_request(const json& id, std::string_view method, const json& params) {
  json r = rpc_request(id, method);
  r["params"] = params;
  return r;
}

json rpc_notification(std::string_view method) {
  return {{"jsonrpc", "2.0"}, {"method", method}};
}

json initialize_params(std::string_view version, const json& extra) {
  json client_info = {{"name", "wire-tests"}, {"version", "0.1.0"}};
  if (!extra.is_null()) client_info["_extra"] = extra;
  return {
      {"protocolVersion", version}, {"capabilities", json::object()}, {"clientInfo", client_info}};
}

json initialize_request(const json& id, std::string_view version, const json& extra) {
  return rpc_request(id, "initialize", initialize_params(version, extra));
}

json seeded_extra(std::uint64_t seed, const json& config) {
  return {{"seed", seed}, {"config", config}};
}

json classic_config(bool is_slippery, std::optional<int> max_episode_steps) {
  json config = {{"desc", kClassicMap}, {"is_slippery", is_slippery}};
  if (max_episode_steps) config["max_episode_steps"] = *max_episode_steps;
  return config;
}

json error_body(const json& id, int code, std::string_view message, const json& data) {
  json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = data;
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", error}};
}

HeaderList post_headers(const std::optional<std::string>& session) {
  return harness::mcp_post_headers(session);
}

HttpExchange send(RawHttpClient& client, HttpRequest request) {
  auto exchange = client.send(std::move(request));
  if (!exchange) throw WireFailure("no HTTP exchange: " + exchange.error());
  return *std::move(exchange);
}

HttpExchange post_text(RawHttpClient& client, std::string body, HeaderList headers) {
  return send(client, HttpRequest{"POST", "/mcp", std::move(headers), std::move(body)});
}

HttpExchange post_json(RawHttpClient& client, const json& body,
                       const std::optional<std::string>& session, const HeaderList& extra_headers) {
  HeaderList headers = post_headers(session);
  headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
  return post_text(client, body.dump(), std::move(headers));
}

HttpExchange get(RawHttpClient& client, std::string path, HeaderList headers) {
  return send(client, HttpRequest{"GET", std::move(path), std::move(headers), ""});
}

HttpExchange delete_session(RawHttpClient& client, const std::optional<std::string>& session,
                            const HeaderList& extra_headers) {
  HeaderList headers;
  if (session) headers.emplace_back("Mcp-Session-Id", *session);
  headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
  return send(client, HttpRequest{"DELETE", "/mcp", std::move(headers), ""});
}

HttpExchange get_control(RawHttpClient& client, std::string_view name,
                         const std::optional<std::string>& session) {
  HeaderList headers;
  if (session) headers.emplace_back("Mcp-Session-Id", *session);
  return get(client, "/control/" + std::string(name), std::move(headers));
}

std::string describe(const HttpExchange& exchange) {
  std::string out = exchange.request.method + " " + exchange.request.path;
  if (!exchange.request.body.empty()) out += " " + exchange.request.body.substr(0, 300);
  out += " -> HTTP " + std::to_string(exchange.status);
  out += " Content-Type \"" + exchange.header("Content-Type") + "\"";
  out += " body " + exchange.body.substr(0, 600);
  return out;
}

json parse_body(const HttpExchange& exchange) {
  json body = json::parse(exchange.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw WireFailure("the body is not JSON: " + describe(exchange));
  return body;
}

testing::AssertionResult IsJsonReply(const HttpExchange& exchange, int status,
                                     const json& expected) {
  if (exchange.status != status) {
    return testing::AssertionFailure() << "expected HTTP " << status << " with " << expected.dump()
                                       << "; got " << describe(exchange);
  }
  if (media_type(exchange.header("Content-Type")) != "application/json") {
    return testing::AssertionFailure()
           << "expected Content-Type application/json; got " << describe(exchange);
  }
  const json body = json::parse(exchange.body, nullptr, false);
  if (body.is_discarded() || body != expected) {
    return testing::AssertionFailure()
           << "expected body " << expected.dump() << "; got " << describe(exchange);
  }
  return testing::AssertionSuccess();
}

testing::AssertionResult IsRejection(const HttpExchange& exchange, int status, int code,
                                     std::string_view message, const json& id) {
  return IsJsonReply(exchange, status, error_body(id, code, message));
}

testing::AssertionResult IsAccepted202(const HttpExchange& exchange) {
  if (exchange.status != 202 || !exchange.body.empty()) {
    return testing::AssertionFailure()
           << "expected HTTP 202 with an empty body; got " << describe(exchange);
  }
  return testing::AssertionSuccess();
}

OpenedSession open_session(RawHttpClient& client, const json& init_params) {
  const auto exchange = post_json(client, rpc_request(1, "initialize", init_params));
  const json body = parse_body(exchange);
  const std::string id = exchange.header("Mcp-Session-Id");
  if (exchange.status != 200 || id.empty() || !body.contains("result")) {
    throw WireFailure("initialize did not open a session: " + describe(exchange));
  }
  const auto initialized = post_json(client, rpc_notification("notifications/initialized"), id);
  if (initialized.status != 202) {
    throw WireFailure("notifications/initialized was not accepted: " + describe(initialized));
  }
  return {id, body["result"]};
}

std::string open(RawHttpClient& client, const json& extra, std::string_view version) {
  return open_session(client, initialize_params(version, extra)).id;
}

json call(RawHttpClient& client, const std::string& session, std::string_view method,
          const json& params) {
  const json request = rpc_request(g_next_id++, method, params);
  const auto exchange = post_json(client, request, session);
  if (exchange.status != 200 || media_type(exchange.header("Content-Type")) != "application/json") {
    throw WireFailure("expected HTTP 200 application/json: " + describe(exchange));
  }
  json body = parse_body(exchange);
  if (body.value("jsonrpc", "") != "2.0" || body["id"] != request["id"]) {
    throw WireFailure("the response does not answer the request: " + describe(exchange));
  }
  return body;
}

json call_result(RawHttpClient& client, const std::string& session, std::string_view method,
                 const json& params) {
  json body = call(client, session, method, params);
  if (!body.contains("result")) {
    throw WireFailure(std::string(method) + " failed: " + body.dump());
  }
  return body["result"];
}

json lake_move(RawHttpClient& client, const std::string& session, std::string_view action) {
  return call_result(client, session, "tools/call",
                     {{"name", "lake_move"}, {"arguments", {{"action", action}}}});
}

json read_payload(RawHttpClient& client, const std::string& session, std::string_view uri) {
  const json result = call_result(client, session, "resources/read", {{"uri", uri}});
  const json& contents = result.at("contents");
  if (contents.size() != 1 || contents[0].at("uri") != uri ||
      contents[0].at("mimeType") != "application/json") {
    throw WireFailure(std::string(uri) + " answered an unexpected shape: " + result.dump());
  }
  json payload = json::parse(contents[0].at("text").get<std::string>(), nullptr, false);
  if (payload.is_discarded()) throw WireFailure(std::string(uri) + " text is not JSON");
  return payload;
}

json control_payload(RawHttpClient& client, const std::string& session, std::string_view name) {
  const auto exchange = get_control(client, name, session);
  if (exchange.status != 200 || media_type(exchange.header("Content-Type")) != "application/json") {
    throw WireFailure("expected HTTP 200 application/json: " + describe(exchange));
  }
  return parse_body(exchange);
}

}  // namespace mcpgym::wiretest
