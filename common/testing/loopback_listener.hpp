#pragma once
// The server side of a socket for tests of clients: a TCP listener on
// 127.0.0.1 port 0 whose accept wait a stop pipe ends, and the two things
// every scripted test server does with a connection (read one HTTP request,
// write bytes until the peer goes away). One piece for the scripted server
// of harness/http and the raw listener of harness/mcp.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mcpgym::testkit {

// Writes all of `bytes` to `fd`; false once the peer has gone away.
inline bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

struct ReadRequest {
  std::string bytes;      // what was read, the whole request when complete
  bool complete = false;  // the head and its Content-Length body all came
};

// Reads one HTTP request (head and Content-Length body) from `fd`. It ends
// incomplete when the peer closes, `stop_fd` becomes readable (-1: no stop
// fd) or no byte comes for `piece_timeout_ms` (-1: no bound).
inline ReadRequest read_http_request(int fd, int stop_fd, int piece_timeout_ms) {
  ReadRequest read;
  char buffer[4096];
  std::size_t wanted = std::string::npos;
  for (;;) {
    if (const auto end = read.bytes.find("\r\n\r\n");
        wanted == std::string::npos && end != std::string::npos) {
      std::size_t length = 0;
      const auto at = read.bytes.find("Content-Length: ");
      if (at != std::string::npos && at < end) length = std::stoul(read.bytes.substr(at + 16));
      wanted = end + 4 + length;
    }
    if (read.bytes.size() >= wanted) {
      read.complete = true;
      return read;
    }
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    const int ready = ::poll(fds, stop_fd >= 0 ? 2 : 1, piece_timeout_ms);
    if (ready <= 0 || (stop_fd >= 0 && fds[1].revents != 0)) return read;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return read;
    read.bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

// A listening socket on 127.0.0.1 port 0. stop() ends every accept() wait,
// now and later, so a serving thread can be joined.
class LoopbackListener {
 public:
  // Throws std::runtime_error("<what> did not start") when it cannot listen.
  explicit LoopbackListener(const std::string& what) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
      close_all();
      throw std::runtime_error(what + " did not start");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~LoopbackListener() { close_all(); }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  int port() const { return port_; }
  // Readable once stop() was called: for waits of the connections' own.
  int stop_fd() const { return stop_pipe_[0]; }
  // The next connection, or -1 once stop() was called.
  int accept() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 || fds[1].revents != 0) return -1;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) return fd;
    }
  }
  void stop() { [[maybe_unused]] auto n = ::write(stop_pipe_[1], "x", 1); }

 private:
  void close_all() {
    for (int fd : {listen_fd_, stop_pipe_[0], stop_pipe_[1]}) {
      if (fd >= 0) ::close(fd);
    }
  }

  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  int port_ = -1;
};

}  // namespace mcpgym::testkit
