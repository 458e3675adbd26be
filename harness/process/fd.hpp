#pragma once
// File descriptors and pipes of the supervisor (not part of its interface).
#include <unistd.h>

#include <string>
#include <utility>

#include "common/expected.hpp"

namespace mcpgym::harness::internal {

std::string errno_text(int err);

// An owned file descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Our descriptors never sit on 0, 1 or 2 (a harness may have closed its own
// stdin), so dup2 onto the child's standard descriptors never meets itself.
// Takes `fd` over; an invalid Fd (errno set) when it cannot be moved.
Fd above_stdio(int fd);

struct Pipe {
  Fd read;
  Fd write;
};

// A close-on-exec pipe, both ends above the standard descriptors.
Expected<Pipe, std::string> make_pipe();

}  // namespace mcpgym::harness::internal
