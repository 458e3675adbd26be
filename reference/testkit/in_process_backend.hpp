#pragma once
// The reference backend in-process: gym::GymApp (FrozenLake unless told
// another game) behind mcp::HttpServer
// on 127.0.0.1, port 0, served on its own thread and reached over real
// loopback HTTP. For tests and benchmarks of anything that talks to a
// backend, without spawning a process.
#include <memory>
#include <string>
#include <thread>

#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/http_server.hpp"

namespace mcpgym::testkit {

class InProcessBackend {
 public:
  // Port 0 and a modest worker pool.
  static mcp::HttpServerOptions default_options();

  // Binds and starts serving; throws std::runtime_error if it cannot bind.
  explicit InProcessBackend(gym::GymAppOptions app = {},
                            mcp::HttpServerOptions options = default_options(),
                            const gym::Game& game = gym::frozenlake_game());
  // Stops the server and joins its thread.
  ~InProcessBackend();
  InProcessBackend(const InProcessBackend&) = delete;
  InProcessBackend& operator=(const InProcessBackend&) = delete;

  int port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:<port>/mcp
  mcp::HttpServer& server() { return *server_; }

 private:
  gym::GymApp app_;
  std::unique_ptr<mcp::HttpServer> server_;
  std::thread thread_;
  int port_ = -1;
};

}  // namespace mcpgym::testkit
