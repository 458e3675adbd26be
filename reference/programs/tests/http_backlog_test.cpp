// A burst of clients connecting at once must be queued, not dropped: a
// rollout starts all its environments together. The server listens with a
// backlog of SOMAXCONN (cpp-httplib's server, used before, listened with 5).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/http_server.hpp"
#include "reference/programs/tests/support/in_process_server.hpp"

namespace mcpgym::wiretest {
namespace {

// Starts a non-blocking connect; the caller polls for its completion.
int start_connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  return fd;
}

TEST(HttpBacklog, SixtyFourSimultaneousConnectionsAreAllQueued) {
  gym::GymApp app(gym::frozenlake_game());
  mcp::HttpServer server(app, test_server_options());
  auto port = server.bind();
  ASSERT_TRUE(port.has_value()) << port.error();
  // Nothing accepts (serve() is never called), so every completed handshake
  // sits in the accept queue: with a backlog of 5, the sixth one stalls.
  constexpr int kConnections = 64;
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i)
    fds.push_back(start_connect(*port));
  int established = 0;
  for (int fd : fds) {
    pollfd p{fd, POLLOUT, 0};
    int error = -1;
    socklen_t len = sizeof error;
    // A generous deadline: a queued handshake completes at once; a dropped one
    // waits for a SYN retransmission (about a second) and more.
    if (::poll(&p, 1, 500) == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 &&
        error == 0) {
      ++established;
    }
    ::close(fd);
  }
  EXPECT_EQ(established, kConnections);
}

}  // namespace
}  // namespace mcpgym::wiretest
