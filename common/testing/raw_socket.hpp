#pragma once
// A client socket that sends exactly the bytes a test gives it (malformed
// heads, half requests, a drip) and reads with deadlines, for tests of how the
// reference HTTP server meets hostile clients. Every wait is bounded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace mcpgym::testkit {

struct RawResponse {
  int status = 0;
  std::string head;  // the status line and header fields
  std::string body;
};

class RawSocket {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects (blocking) to 127.0.0.1:port; throws when it cannot.
  explicit RawSocket(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (fd_ >= 0) ::close(fd_);
      throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  RawSocket(RawSocket&& other) noexcept
      : fd_(other.fd_), in_(std::move(other.in_)), eof_(other.eof_) {
    other.fd_ = -1;
  }

  // False when the peer is gone.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One whole response (head and Content-Length body); nullopt when the
  // connection ends or the deadline passes first.
  std::optional<RawResponse> read_response(std::chrono::milliseconds deadline) {
    const auto end = Clock::now() + deadline;
    for (;;) {
      if (auto response = take_response()) return response;
      if (!read_some(end)) return std::nullopt;
    }
  }

  // True when the server closes the connection (end of stream or reset)
  // before the deadline; what it sends meanwhile is read and kept.
  bool closed_within(std::chrono::milliseconds deadline) {
    const auto end = Clock::now() + deadline;
    while (read_some(end)) {
    }
    return eof_;
  }

  const std::string& received() const { return in_; }

 private:
  // Reads what arrives before `end`; false at end of stream, reset or deadline.
  bool read_some(Clock::time_point end) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) return true;
    if (ready <= 0) return false;
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) return true;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    in_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  std::optional<RawResponse> take_response() {
    const auto head_end = in_.find("\r\n\r\n");
    if (head_end == std::string::npos || in_.size() < 12) return std::nullopt;
    RawResponse response;
    response.head = in_.substr(0, head_end);
    response.status = std::atoi(in_.substr(9, 3).c_str());
    std::size_t length = 0;
    const auto at = response.head.find("\r\nContent-Length: ");
    if (at != std::string::npos) {
      length = static_cast<std::size_t>(std::atoll(response.head.c_str() + at + 18));
    }
    if (in_.size() < head_end + 4 + length) return std::nullopt;
    response.body = in_.substr(head_end + 4, length);
    in_.erase(0, head_end + 4 + length);
    return response;
  }

  int fd_ = -1;
  std::string in_;
  bool eof_ = false;
};

}  // namespace mcpgym::testkit
