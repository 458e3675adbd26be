#include "conformance/tests/mutant_front.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <thread>

#include "common/text.hpp"

namespace mcpgym::conformance::testing {

std::string get_header(const harness::HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (lower(k) == lower(name)) return v;
  }
  return {};
}

void remove_header(harness::HeaderList& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return lower(h.first) == lower(name); });
}

void set_header(harness::HeaderList& headers, std::string_view name, std::string value) {
  remove_header(headers, name);
  headers.emplace_back(lower(name), std::move(value));
}

struct MutantFront::Impl {
  std::string upstream_host;
  int upstream_port = 0;
  RequestHook on_request;
  ResponseHook on_response;
  httplib::Server server;
  std::thread thread;
  int port = -1;

  void handle(const httplib::Request& req, httplib::Response& res) {
    // The target as sent, query included (req.path drops `?env_id=`, HANDLE-011).
    ForwardedRequest in{.method = req.method,
                        .path = req.target.empty() ? req.path : req.target,
                        .headers = {},
                        .body = req.body,
                        .remote_port = req.remote_port};
    for (const auto& [k, v] : req.headers) {
      // cpp-httplib adds these for its own bookkeeping; they are not the client's.
      if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT")
        continue;
      in.headers.emplace_back(lower(k), v);
    }
    std::optional<ForwardedResponse> out;
    if (on_request) out = on_request(in);
    if (!out) out = forward(in);
    if (on_response) on_response(in, *out);
    res.status = out->status;
    std::string type = "application/json";
    for (const auto& [k, v] : out->headers) {
      if (k == "content-type") {
        type = v;
      } else if (k != "content-length" && k != "transfer-encoding" && k != "connection" &&
                 k != "keep-alive") {
        res.set_header(k, v);
      }
    }
    if (!out->body.empty()) res.set_content(out->body, type);
  }

  ForwardedResponse forward(const ForwardedRequest& in) {
    httplib::Client client(upstream_host, upstream_port);
    client.set_tcp_nodelay(true);  // Nagle and delayed ACKs would add ~40 ms per request
    client.set_read_timeout(std::chrono::seconds(30));
    httplib::Request req;
    req.method = in.method;
    req.path = in.path;
    for (const auto& [k, v] : in.headers) {
      if (k != "content-length" && k != "connection") req.headers.emplace(k, v);
    }
    req.body = in.body;
    auto result = client.send(req);
    ForwardedResponse out;
    if (!result) {
      out.status = 502;
      out.body =
          R"({"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"mutant front: upstream failed"}})";
      return out;
    }
    out.status = result->status;
    for (const auto& [k, v] : result->headers)
      out.headers.emplace_back(lower(k), v);
    out.body = result->body;
    return out;
  }
};

MutantFront::MutantFront(std::string upstream_host, int upstream_port, RequestHook on_request,
                         ResponseHook on_response)
    : impl_(std::make_unique<Impl>()) {
  impl_->upstream_host = std::move(upstream_host);
  impl_->upstream_port = upstream_port;
  impl_->on_request = std::move(on_request);
  impl_->on_response = std::move(on_response);
  auto handler = [impl = impl_.get()](const httplib::Request& req, httplib::Response& res) {
    impl->handle(req, res);
  };
  impl_->server.Get(".*", handler);
  impl_->server.Post(".*", handler);
  impl_->server.Delete(".*", handler);
  impl_->server.set_payload_max_length(64 * 1024 * 1024);
  impl_->server.set_tcp_nodelay(true);
  impl_->port = impl_->server.bind_to_any_port("127.0.0.1");
  if (impl_->port <= 0) throw std::runtime_error("mutant front: cannot bind 127.0.0.1");
  impl_->thread = std::thread([impl = impl_.get()] { impl->server.listen_after_bind(); });
}

MutantFront::~MutantFront() {
  // cpp-httplib's stop() does nothing until the accept loop runs, so a front
  // destroyed at once would leave its thread listening: wait (bounded) for it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!impl_->server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int MutantFront::port() const {
  return impl_->port;
}
std::string MutantFront::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/mcp";
}

}  // namespace mcpgym::conformance::testing
