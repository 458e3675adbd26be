#pragma once
// A Process that is two pipes, for tests of what speaks to a process over stdio.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/fd_io.hpp"
#include "common/testing/pipe.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::harness::testing {

using testkit::Pipe;

// A Process that is two pipes: what the client writes arrives at `to_server`,
// what is written into `from_server` is the client's input. No child process.
class PipeProcess : public Process {
 public:
  pid_t pid() const override { return 0; }
  const std::vector<std::string>& argv() const override { return argv_; }
  std::optional<int> port() const override { return std::nullopt; }
  const std::string& url() const override { return url_; }
  std::optional<ExitStatus> poll_exit() override { return std::nullopt; }
  ExitStatus stop(std::chrono::milliseconds) override { return {}; }
  std::string stderr_tail(std::size_t) const override { return {}; }
  const std::filesystem::path& stdout_log() const override { return log_; }
  const std::filesystem::path& stderr_log() const override { return log_; }
  int stdin_fd() const override { return to_server.write_fd(); }
  int stdout_fd() const override { return from_server.read_fd(); }
  void close_stdin() override { to_server.close_write(); }

  // Everything the client wrote so far (non-blocking).
  std::string written() {
    std::string out;
    const int flags = ::fcntl(to_server.read_fd(), F_GETFL);
    ::fcntl(to_server.read_fd(), F_SETFL, flags | O_NONBLOCK);
    char buffer[4096];
    for (ssize_t n; (n = ::read(to_server.read_fd(), buffer, sizeof buffer)) > 0;)
      out.append(buffer, static_cast<std::size_t>(n));
    ::fcntl(to_server.read_fd(), F_SETFL, flags);
    return out;
  }
  void answer(const std::string& text) { ASSERT_TRUE(write_all(from_server.write_fd(), text)); }
  // Bytes written by answer() that the client has not read yet.
  int unread_output() const {
    int bytes = 0;
    ::ioctl(from_server.read_fd(), FIONREAD, &bytes);
    return bytes;
  }

  Pipe to_server;
  Pipe from_server;

 private:
  std::vector<std::string> argv_ = {"pipes"};
  std::string url_;
  std::filesystem::path log_;
};

}  // namespace mcpgym::harness::testing
