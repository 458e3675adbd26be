#include "harness/http/raw_http.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>

#include "harness/http/sigpipe_guard.hpp"

namespace mcpgym::harness {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

std::string HttpExchange::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

bool HttpExchange::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

HeaderList mcp_post_headers(const std::optional<std::string>& session_id,
                            const std::optional<std::string>& protocol_version) {
  HeaderList h = {{"Accept", "application/json, text/event-stream"},
                  {"Content-Type", "application/json"}};
  if (session_id) h.emplace_back("Mcp-Session-Id", *session_id);
  if (protocol_version) h.emplace_back("MCP-Protocol-Version", *protocol_version);
  return h;
}

RawHttpClient::RawHttpClient(std::string host, int port, std::chrono::milliseconds timeout)
    : host_(std::move(host)),
      port_(port),
      timeout_(timeout),
      client_(std::make_unique<httplib::Client>(host_, port_)) {
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);
  client_->set_connection_timeout(timeout_);
  client_->set_read_timeout(timeout_);
  client_->set_write_timeout(timeout_);
}

RawHttpClient::~RawHttpClient() = default;
RawHttpClient::RawHttpClient(RawHttpClient&&) noexcept = default;
RawHttpClient& RawHttpClient::operator=(RawHttpClient&&) noexcept = default;

Expected<HttpExchange, std::string> RawHttpClient::send(HttpRequest request) {
  httplib::Request req;
  req.method = request.method;
  req.path = request.path;
  for (const auto& [k, v] : request.headers)
    req.headers.emplace(k, v);
  req.body = request.body;
  // cpp-httplib would add "Accept: */*" and "User-Agent" on its own; an
  // explicit empty-valued choice is the caller's, so only fill what is unset.
  // A server that closes early on a large body must not kill the harness.
  SigpipeGuard no_sigpipe;
  auto result = client_->send(req);
  if (!result) {
    return unexpected(request.method + " http://" + host_ + ":" + std::to_string(port_) +
                      request.path + " failed: " + httplib::to_string(result.error()) +
                      " (timeout " + std::to_string(timeout_.count()) + " ms)");
  }
  HttpExchange exchange;
  exchange.status = result->status;
  for (const auto& [k, v] : result->headers)
    exchange.headers.emplace_back(k, v);
  exchange.body = result->body;
  exchange.request = std::move(request);
  return exchange;
}

}  // namespace mcpgym::harness
