#pragma once
// Non-blocking TCP sockets whose every wait is bounded by an absolute
// deadline: the pieces RawHttpClient builds an exchange from.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace mcpgym::harness::net {

using Clock = std::chrono::steady_clock;

// Owns a file descriptor; closes it on destruction. Move-only.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() { close(); }
  Socket(Socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  void close();

 private:
  int fd_ = -1;
};

struct ConnectResult {
  enum class Status { kConnected, kRefused, kTimeout, kFailed };
  Status status = Status::kFailed;
  Socket socket;       // kConnected: non-blocking, TCP_NODELAY
  std::string detail;  // kFailed: why (a resolver or socket error)
};

// Connects to host:port (any address the resolver gives), waiting no later than `deadline`.
ConnectResult connect_tcp(const std::string& host, int port, Clock::time_point deadline);

struct IoResult {
  enum class Status { kDone, kTimeout, kClosed, kReset, kFailed };
  Status status = Status::kDone;
  std::size_t bytes = 0;  // sent, or received
  int error = 0;          // errno for kReset and kFailed
};

// Sends all of `data` (MSG_NOSIGNAL: a peer that went away is a value, not SIGPIPE).
IoResult send_all(const Socket& socket, std::string_view data, Clock::time_point deadline);

// Receives at most `capacity` bytes once some are available: kDone with bytes > 0,
// kClosed at end of stream, kReset on ECONNRESET, kTimeout at the deadline.
IoResult receive_some(const Socket& socket, char* buffer, std::size_t capacity,
                      Clock::time_point deadline);

// Whether an idle keep-alive connection can carry another request: not when
// the peer closed it or sent something unasked.
bool idle_connection_usable(const Socket& socket);

}  // namespace mcpgym::harness::net
