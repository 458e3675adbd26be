#pragma once
// The reference backend in-process: gym::GymApp behind mcp::HttpServer
// on 127.0.0.1, port 0, served on its own thread and reached over real
// loopback HTTP. HttpFixture owns one per test and stops it in TearDown.
#include <gtest/gtest.h>

#include <memory>

#include "harness/http/raw_http.hpp"
#include "reference/testkit/in_process_backend.hpp"

namespace mcpgym::wiretest {

// The shared in-process backend, plus a raw client for these wire tests.
class InProcessServer : public testkit::InProcessBackend {
 public:
  using testkit::InProcessBackend::InProcessBackend;
  harness::RawHttpClient client() const;
};

// The options every test starts from: port 0 and a small worker pool.
mcp::HttpServerOptions test_server_options();

class HttpFixture : public testing::Test {
 protected:
  void SetUp() override { Start({}, test_server_options()); }
  void TearDown() override { server_.reset(); }

  // (Re)starts the server with other options.
  void Start(gym::GymAppOptions app_options, mcp::HttpServerOptions options);
  harness::RawHttpClient Client() const { return server_->client(); }
  int Port() const { return server_->port(); }
  mcp::HttpServer& Server() { return server_->server(); }

 private:
  std::unique_ptr<InProcessServer> server_;
};

}  // namespace mcpgym::wiretest
