#include "reference/testkit/in_process_backend.hpp"

#include <stdexcept>

namespace mcpgym::testkit {

mcp::HttpServerOptions InProcessBackend::default_options() {
  mcp::HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.worker_threads = 16;
  return options;
}

InProcessBackend::InProcessBackend(gym::GymAppOptions app, mcp::HttpServerOptions options,
                                   const gym::Game& game)
    : app_(game, std::move(app)),
      server_(std::make_unique<mcp::HttpServer>(app_, std::move(options))) {
  auto port = server_->bind();
  if (!port) throw std::runtime_error("the in-process backend did not bind: " + port.error());
  port_ = *port;
  // Connections queue from bind() on, and stop() is safe at any point after it.
  thread_ = std::thread([this] { server_->serve(); });
}

InProcessBackend::~InProcessBackend() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string InProcessBackend::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/mcp";
}

}  // namespace mcpgym::testkit
