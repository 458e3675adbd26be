// REF-002 in-process: HttpServer::stop() must end serve() whenever it is called.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using namespace std::chrono_literals;

TEST(HttpShutdown, StopEndsAServingServer_REF002) {
  gym::GymApp app(gym::frozenlake_game());
  mcp::HttpServer server(app, test_server_options());
  const auto port = server.bind();
  ASSERT_TRUE(port.has_value());
  std::promise<void> returned;
  auto serve_returned = returned.get_future();
  std::thread serving([&] {
    server.serve();
    returned.set_value();
  });
  {
    RawHttpClient client("127.0.0.1", *port, kIoTimeout);
    const std::string session = open(client);  // the accept loop is running
    EXPECT_EQ(call_result(client, session, "ping"), json::object());
  }
  server.stop();
  const bool ended = serve_returned.wait_for(5s) == std::future_status::ready;
  EXPECT_TRUE(ended) << "waited 5 s for serve() to return after stop()";
  while (serve_returned.wait_for(10ms) != std::future_status::ready)
    server.stop();
  serving.join();
}

// Regression: cpp-httplib ignores stop() until its accept loop runs, so a SIGTERM
// between the readiness line and serve() was lost.
TEST(HttpShutdown, StopBetweenBindAndServeIsNotLost_REF002) {
  gym::GymApp app(gym::frozenlake_game());
  mcp::HttpServer server(app, test_server_options());
  ASSERT_TRUE(server.bind().has_value());
  server.stop();  // what the signal thread does if SIGTERM arrives now
  std::promise<void> returned;
  auto serve_returned = returned.get_future();
  std::thread serving([&] {
    server.serve();
    returned.set_value();
  });
  const bool ended = serve_returned.wait_for(3s) == std::future_status::ready;
  EXPECT_TRUE(ended) << "serve() was still serving 3 s after a stop() made between bind() and "
                        "serve()";
  // Now the accept loop runs, so a later stop() ends it; repeat until it has.
  while (serve_returned.wait_for(10ms) != std::future_status::ready)
    server.stop();
  serving.join();
}

}  // namespace
}  // namespace mcpgym::wiretest
