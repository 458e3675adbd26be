#pragma once
// A tiny scripted TCP server for client tests: a thread accepts on 127.0.0.1
// port 0, reads each request (head and Content-Length body) and runs a script
// that writes canned bytes: drips, endless bodies, bad heads, resets. Scripts
// end when the client goes away or the server is destroyed; the destructor
// unblocks and joins everything it started.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace mcpgym::harness::testing {

class ScriptedServer {
 public:
  // What a script can do with its connection.
  class Connection {
   public:
    Connection(int fd, int stop_fd, ScriptedServer* server)
        : fd_(fd), stop_fd_(stop_fd), server_(server) {}
    // False once the client has gone away (or the server stops).
    bool write(std::string_view bytes) const {
      while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
      }
      return true;
    }
    // Waits `ms` as the script's pace (a drip); false when the server stops meanwhile.
    bool pause(int ms) const {
      pollfd p{stop_fd_, POLLIN, 0};
      return ::poll(&p, 1, ms) == 0;
    }
    // Holds the connection open without writing until the server stops.
    void hold() const { pause(-1); }
    // Waits for the next request on this connection (keep-alive).
    bool read_request() const { return server_->read_request(*this); }
    int fd() const { return fd_; }

   private:
    int fd_;
    int stop_fd_;
    ScriptedServer* server_;
  };
  using Script = std::function<void(const Connection&)>;

  explicit ScriptedServer(Script script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
      throw std::runtime_error("the scripted server did not start");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    [[maybe_unused]] auto n = ::write(stop_pipe_[1], "x", 1);
    {
      std::lock_guard lock(mutex_);
      if (current_fd_ >= 0) ::shutdown(current_fd_, SHUT_RDWR);  // unblocks a blocked send
    }
    thread_.join();
    ::close(listen_fd_);
    ::close(stop_pipe_[0]);
    ::close(stop_pipe_[1]);
  }
  int port() const { return port_; }
  int connections() const { return connections_; }
  int requests() const { return requests_; }

  // Reads one request (head and Content-Length body); false when the client
  // closed or the server stops first.
  bool read_request(const Connection& connection) {
    std::string data;
    char buffer[4096];
    std::size_t wanted = std::string::npos;
    for (;;) {
      if (const auto end = data.find("\r\n\r\n");
          wanted == std::string::npos && end != std::string::npos) {
        std::size_t length = 0;
        const auto at = data.find("Content-Length: ");
        if (at != std::string::npos && at < end) length = std::stoul(data.substr(at + 16));
        wanted = end + 4 + length;
      }
      if (data.size() >= wanted) {
        ++requests_;
        return true;
      }
      pollfd fds[2] = {{connection.fd(), POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 || fds[1].revents != 0) return false;
      const ssize_t n = ::recv(connection.fd(), buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      data.append(buffer, static_cast<std::size_t>(n));
    }
  }

 private:
  void serve() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 || fds[1].revents != 0) return;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      {
        std::lock_guard lock(mutex_);
        current_fd_ = fd;
      }
      const Connection connection(fd, stop_pipe_[0], this);
      if (read_request(connection)) script_(connection);
      {
        std::lock_guard lock(mutex_);
        current_fd_ = -1;
      }
      ::close(fd);
    }
  }

  Script script_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  int port_ = -1;
  std::mutex mutex_;
  int current_fd_ = -1;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace mcpgym::harness::testing
