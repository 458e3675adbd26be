#pragma once
// A tiny scripted TCP server for client tests: a thread accepts on 127.0.0.1
// port 0, reads each request (head and Content-Length body) and runs a script
// that writes canned bytes: drips, endless bodies, bad heads, resets. Scripts
// end when the client goes away or the server is destroyed; the destructor
// unblocks and joins everything it started.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "common/testing/loopback_listener.hpp"

namespace mcpgym::harness::testing {

class ScriptedServer {
 public:
  // What a script can do with its connection.
  class Connection {
   public:
    Connection(int fd, int stop_fd, ScriptedServer* server)
        : fd_(fd), stop_fd_(stop_fd), server_(server) {}
    // False once the client has gone away (or the server stops).
    bool write(std::string_view bytes) const { return testkit::send_all(fd_, bytes); }
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

  explicit ScriptedServer(Script script)
      : script_(std::move(script)), listener_("the scripted server") {
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    listener_.stop();
    {
      std::lock_guard lock(mutex_);
      if (current_fd_ >= 0) ::shutdown(current_fd_, SHUT_RDWR);  // unblocks a blocked send
    }
    thread_.join();
  }
  int port() const { return listener_.port(); }
  int connections() const { return connections_; }
  int requests() const { return requests_; }

  // Reads one request (head and Content-Length body); false when the client
  // closed or the server stops first.
  bool read_request(const Connection& connection) {
    if (!testkit::read_http_request(connection.fd(), listener_.stop_fd(), -1).complete) {
      return false;
    }
    ++requests_;
    return true;
  }

 private:
  void serve() {
    for (;;) {
      const int fd = listener_.accept();
      if (fd < 0) return;
      ++connections_;
      {
        std::lock_guard lock(mutex_);
        current_fd_ = fd;
      }
      const Connection connection(fd, listener_.stop_fd(), this);
      if (read_request(connection)) script_(connection);
      {
        std::lock_guard lock(mutex_);
        current_fd_ = -1;
      }
      ::close(fd);
    }
  }

  Script script_;
  testkit::LoopbackListener listener_;
  std::mutex mutex_;
  int current_fd_ = -1;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace mcpgym::harness::testing
