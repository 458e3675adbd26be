#pragma once
// Runs a StdioServer on pipes the way a client process would talk to it over stdin/stdout,
// without a subprocess. Every wait is bounded, so a server that stops answering fails the
// test instead of hanging it.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "common/fd_io.hpp"
#include "common/testing/pipe.hpp"
#include "reference/mcp/stdio_server.hpp"

namespace mcpgym::mcp::testing {

inline constexpr int kIoTimeoutMs = 10'000;

using testkit::Pipe;

enum class ReadEnd { kEof, kTimeout, kError, kEnough };

// Reads until EOF, or until `until_lines` newlines have arrived (0: no limit), giving up when
// no byte arrives for kIoTimeoutMs.
inline ReadEnd read_bounded(int fd, std::string& out, std::size_t until_lines = 0) {
  char buffer[4096];
  for (;;) {
    if (until_lines != 0 &&
        static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n')) >= until_lines) {
      return ReadEnd::kEnough;
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, kIoTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ReadEnd::kError;
    if (ready == 0) return ReadEnd::kTimeout;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ReadEnd::kError;
    if (n == 0) return ReadEnd::kEof;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(text.substr(start, nl - start));
  }
  if (start < text.size()) lines.push_back(text.substr(start));  // an unterminated tail
  return lines;
}

struct BoundedServe {
  bool in_time = false;  // serve() returned within kIoTimeoutMs of `meanwhile` finishing
  bool result = false;   // what it returned
};

// Runs serve() on another thread while `meanwhile` runs on this one, then waits a bounded time
// for serve() to return. If it does not, closing the input's write end ends it through EOF, so
// the thread can always be joined.
inline BoundedServe serve_bounded(
    StdioServer& server, Pipe& in, Pipe& out, const std::function<void()>& meanwhile = [] {}) {
  std::promise<bool> returned;
  auto result = returned.get_future();
  std::thread serving([&] {
    try {
      returned.set_value(server.serve(in.read_fd(), out.write_fd()));
    } catch (...) {
      returned.set_exception(std::current_exception());
    }
  });
  meanwhile();
  BoundedServe outcome;
  outcome.in_time =
      result.wait_for(std::chrono::milliseconds(kIoTimeoutMs)) == std::future_status::ready;
  if (!outcome.in_time) in.close_write();
  serving.join();
  outcome.result = result.get();
  return outcome;
}

struct StdioRun {
  std::string output;     // everything the server wrote
  bool served = false;    // serve()'s return value
  bool finished = false;  // serve() returned within the time limit
  std::string exception;  // what serve() threw, if it threw
  std::vector<std::string> lines() const { return split_lines(output); }
};

// Feeds `input` to a fresh server on `app` (optionally in `chunks`-byte writes), closes the
// input, and collects everything written until the server returns.
inline StdioRun run_stdio(Application& app, std::string input, std::size_t chunk = 0,
                          std::size_t max_line_bytes = StdioServer::kDefaultMaxLineBytes) {
  StdioServer server(app, max_line_bytes);
  Pipe in;
  Pipe out;
  StdioRun run;
  std::promise<void> done;
  auto finished = done.get_future();
  std::thread serving([&] {
    try {
      run.served = server.serve(in.read_fd(), out.write_fd());
    } catch (const std::exception& e) {
      run.exception = e.what();
    } catch (...) {
      run.exception = "(non-standard exception)";
    }
    out.close_write();  // EOF for the reader
    done.set_value();
  });
  std::thread writing([&] {
    std::string_view rest = input;
    const std::size_t step = chunk == 0 ? rest.size() : chunk;
    while (!rest.empty()) {
      const std::size_t n = std::min(step, rest.size());
      if (!write_all(in.write_fd(), rest.substr(0, n))) break;
      rest.remove_prefix(n);
    }
    in.close_write();
  });
  const ReadEnd end = read_bounded(out.read_fd(), run.output);
  if (end != ReadEnd::kEof) server.stop();  // unstick a server that stopped answering
  run.finished =
      finished.wait_for(std::chrono::milliseconds(kIoTimeoutMs)) == std::future_status::ready &&
      end == ReadEnd::kEof;
  serving.join();
  // A server that returned early left input unread; drain it so the writer cannot block.
  std::string unread;
  read_bounded(in.read_fd(), unread);
  writing.join();
  return run;
}

}  // namespace mcpgym::mcp::testing
