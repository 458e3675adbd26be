#pragma once
// The reference backend in-process: gym::FrozenLakeApp behind mcp::HttpServer
// on 127.0.0.1, port 0, served on its own thread and reached over real
// loopback HTTP. HttpFixture owns one per test and stops it in TearDown.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "harness/http/raw_http.hpp"
#include "reference/gym/frozen_lake_app.hpp"
#include "reference/mcp/http_server.hpp"

namespace mcpgym::wiretest {

class InProcessServer {
 public:
  // Binds, starts serving, and returns once a request has been answered.
  InProcessServer(gym::FrozenLakeAppOptions app_options, mcp::HttpServerOptions options);
  // Stops the server and joins its thread.
  ~InProcessServer();
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  int port() const { return port_; }
  harness::RawHttpClient client() const;
  mcp::HttpServer& server() { return *server_; }

 private:
  gym::FrozenLakeApp app_;
  std::unique_ptr<mcp::HttpServer> server_;
  std::thread thread_;
  int port_ = -1;
};

// The options every test starts from: port 0 and a small worker pool.
mcp::HttpServerOptions test_server_options();

class HttpFixture : public testing::Test {
 protected:
  void SetUp() override { Start({}, test_server_options()); }
  void TearDown() override { server_.reset(); }

  // (Re)starts the server with other options.
  void Start(gym::FrozenLakeAppOptions app_options, mcp::HttpServerOptions options);
  harness::RawHttpClient Client() const { return server_->client(); }
  int Port() const { return server_->port(); }
  mcp::HttpServer& Server() { return server_->server(); }

 private:
  std::unique_ptr<InProcessServer> server_;
};

}  // namespace mcpgym::wiretest
