#include "reference/programs/tests/support/in_process_server.hpp"

#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {

mcp::HttpServerOptions test_server_options() {
  mcp::HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.worker_threads = 16;
  return options;
}

InProcessServer::InProcessServer(gym::FrozenLakeAppOptions app_options,
                                 mcp::HttpServerOptions options)
    : app_(app_options), server_(std::make_unique<mcp::HttpServer>(app_, std::move(options))) {
  auto port = server_->bind();
  if (!port) throw WireFailure("the in-process server did not bind: " + port.error());
  port_ = *port;
  thread_ = std::thread([this] { server_->serve(); });
  // cpp-httplib's stop() is a no-op until the accept loop runs, so a request
  // answered here proves the loop runs and stop() will end it.
  auto probe = client();
  const auto answered = probe.send({"GET", "/mcp", {}, ""});
  if (!answered || answered->status != 405) {
    server_->stop();
    thread_.join();
    throw WireFailure("the in-process server did not answer its readiness probe (GET /mcp)");
  }
}

InProcessServer::~InProcessServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

harness::RawHttpClient InProcessServer::client() const {
  return harness::RawHttpClient("127.0.0.1", port_, kIoTimeout);
}

void HttpFixture::Start(gym::FrozenLakeAppOptions app_options, mcp::HttpServerOptions options) {
  server_.reset();
  server_ = std::make_unique<InProcessServer>(app_options, std::move(options));
}

}  // namespace mcpgym::wiretest
