#pragma once
// A child process for the program tests: the real mcpgym-frozenlake binary,
// its stdout on a pipe read with deadlines, its stderr in a file of a private
// temporary directory, and optionally its stdin on a pipe. The destructor
// SIGKILLs (by its PID only) a child that is still running and reaps it, so no
// path out of a test leaves an orphan.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/testing/temp_dir.hpp"

namespace mcpgym::wiretest {

using mcpgym::test_support::TempDir;

struct ExitStatus {
  bool exited = false;  // false: killed by a signal
  int code = -1;        // exit code when exited, else the signal number
  std::string describe() const;
  bool operator==(const ExitStatus&) const = default;
};
inline ExitStatus Exited(int code) {
  return {true, code};
}
inline std::ostream& operator<<(std::ostream& out, const ExitStatus& status) {
  return out << status.describe();
}

class ChildProcess {
 public:
  ChildProcess(const std::string& executable, const std::vector<std::string>& args,
               bool with_stdin = false);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const;

  // The next stdout line (without its '\n'); nullopt when the deadline passes
  // first or stdout ends (see stdout_closed()).
  std::optional<std::string> read_line(std::chrono::milliseconds deadline);
  // Everything left on stdout until it closes; throws if it stays open past the deadline.
  std::string read_rest(std::chrono::milliseconds deadline);
  bool stdout_closed() const { return stdout_eof_; }

  void write_stdin(std::string_view text);
  void close_stdin();

  void send_signal(int signal);
  // The exit status once the child has ended; nullopt when the deadline passes first.
  std::optional<ExitStatus> wait_for_exit(std::chrono::milliseconds deadline);
  // Everything the child wrote to stderr so far.
  std::string stderr_text() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string pending_;
  bool stdout_eof_ = false;
};

// Waits for the readiness line of REF-001 and returns the port it names;
// throws with what did arrive when another line, stdout's end or the deadline comes first.
int wait_for_listening_line(ChildProcess& child, std::chrono::milliseconds deadline);

}  // namespace mcpgym::wiretest
