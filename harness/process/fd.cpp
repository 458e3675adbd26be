#include "harness/process/fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mcpgym::harness::internal {

std::string errno_text(int err) {
  return std::strerror(err);
}

Fd above_stdio(int fd) {
  if (fd < 0 || fd > 2) return Fd(fd);
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return Fd(moved);
}

Expected<Pipe, std::string> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return unexpected("pipe2(2) failed: " + errno_text(errno));
  Pipe p{above_stdio(fds[0]), above_stdio(fds[1])};
  if (!p.read || !p.write) return unexpected("fcntl(2) failed: " + errno_text(errno));
  return p;
}

}  // namespace mcpgym::harness::internal
