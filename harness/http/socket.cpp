#include "harness/http/socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace mcpgym::harness::net {

namespace {

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
}

// Waits for `events` on `fd` until the deadline: >0 ready, 0 deadline passed, <0 error.
int wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const int left = remaining_ms(deadline);
    if (left == 0) return 0;
    pollfd p{fd, events, 0};
    const int ready = ::poll(&p, 1, left);
    if (ready < 0 && errno == EINTR) continue;
    if (ready != 0) return ready;
  }
}

enum class Attempt { kConnected, kRefused, kTimeout, kFailed };

Attempt connect_one(const addrinfo& address, Clock::time_point deadline, Socket& out, int& error) {
  Socket socket(::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                         address.ai_protocol));
  if (!socket.is_open()) {
    error = errno;
    return Attempt::kFailed;
  }
  if (::connect(socket.fd(), address.ai_addr, address.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      error = errno;
      return error == ECONNREFUSED ? Attempt::kRefused : Attempt::kFailed;
    }
    const int ready = wait_for(socket.fd(), POLLOUT, deadline);
    if (ready == 0) return Attempt::kTimeout;
    socklen_t length = sizeof error;
    if (ready < 0 || ::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
      error = errno;
      return Attempt::kFailed;
    }
    if (error != 0) return error == ECONNREFUSED ? Attempt::kRefused : Attempt::kFailed;
  }
  const int one = 1;
  ::setsockopt(socket.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  out = std::move(socket);
  return Attempt::kConnected;
}

}  // namespace

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void Socket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

ConnectResult connect_tcp(const std::string& host, int port, Clock::time_point deadline) {
  ConnectResult result;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &addresses); rc != 0) {
    result.detail = "cannot resolve \"" + host + "\": " + ::gai_strerror(rc);
    return result;
  }
  bool refused = false;
  int error = 0;
  for (const addrinfo* a = addresses; a != nullptr; a = a->ai_next) {
    const Attempt attempt = connect_one(*a, deadline, result.socket, error);
    if (attempt == Attempt::kConnected) {
      result.status = ConnectResult::Status::kConnected;
      break;
    }
    if (attempt == Attempt::kTimeout) {
      result.status = ConnectResult::Status::kTimeout;
      break;
    }
    refused = refused || attempt == Attempt::kRefused;
  }
  ::freeaddrinfo(addresses);
  if (result.status == ConnectResult::Status::kFailed) {
    if (refused) {
      result.status = ConnectResult::Status::kRefused;
    } else {
      result.detail = std::string("cannot connect: ") + std::strerror(error);
    }
  }
  return result;
}

IoResult send_all(const Socket& socket, std::string_view data, Clock::time_point deadline) {
  IoResult result;
  while (result.bytes < data.size()) {
    const ssize_t n =
        ::send(socket.fd(), data.data() + result.bytes, data.size() - result.bytes, MSG_NOSIGNAL);
    if (n > 0) {
      result.bytes += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      const int ready = wait_for(socket.fd(), POLLOUT, deadline);
      if (ready == 0) {
        result.status = IoResult::Status::kTimeout;
        return result;
      }
      if (ready > 0) continue;
    }
    result.error = errno;
    result.status = (errno == EPIPE || errno == ECONNRESET) ? IoResult::Status::kReset
                                                            : IoResult::Status::kFailed;
    return result;
  }
  return result;
}

IoResult receive_some(const Socket& socket, char* buffer, std::size_t capacity,
                      Clock::time_point deadline) {
  IoResult result;
  for (;;) {
    const ssize_t n = ::recv(socket.fd(), buffer, capacity, 0);
    if (n > 0) {
      result.bytes = static_cast<std::size_t>(n);
      return result;
    }
    if (n == 0) {
      result.status = IoResult::Status::kClosed;
      return result;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      const int ready = wait_for(socket.fd(), POLLIN, deadline);
      if (ready == 0) {
        result.status = IoResult::Status::kTimeout;
        return result;
      }
      if (ready > 0) continue;
    }
    result.error = errno;
    result.status = errno == ECONNRESET ? IoResult::Status::kReset : IoResult::Status::kFailed;
    return result;
  }
}

bool idle_connection_usable(const Socket& socket) {
  if (!socket.is_open()) return false;
  pollfd p{socket.fd(), POLLIN, 0};
  // Readable while idle means end of stream, a reset or unasked bytes: none can be reused.
  return ::poll(&p, 1, 0) == 0;
}

}  // namespace mcpgym::harness::net
