#include "reference/programs/tests/support/in_process_server.hpp"

#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {

mcp::HttpServerOptions test_server_options() {
  return testkit::InProcessBackend::default_options();
}

harness::RawHttpClient InProcessServer::client() const {
  return harness::RawHttpClient("127.0.0.1", port(), kIoTimeout);
}

void HttpFixture::Start(gym::GymAppOptions app_options, mcp::HttpServerOptions options) {
  server_.reset();
  server_ = std::make_unique<InProcessServer>(app_options, std::move(options));
}

}  // namespace mcpgym::wiretest
