#include "harness/process/readiness.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <thread>
#include <vector>

#include "common/log.hpp"
#include "common/text.hpp"
#include "harness/process/internal.hpp"

namespace mcpgym::harness::internal {

namespace {

constexpr std::size_t kMessageTailLines = 10;     // stderr lines quoted in a LaunchError
constexpr std::size_t kMaxMatchedLine = 4096;     // longer lines are matched on their start
constexpr milliseconds kFailedLaunchGrace{1000};  // stopping a process that never got ready
constexpr milliseconds kReadinessSlice{10};       // how often readiness checks for an exit

std::string indented_lines(const std::string& text) {
  std::string out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "\n  " + excerpt(line, 300);
    begin = end + 1;
  }
  return out;
}

std::string lines_word(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " stdout line" : " stdout lines");
}

// "exited with exit status 3" / "was killed by signal 9 (SIGKILL)"
std::string ended(const ExitStatus& status) {
  return (status.signaled ? "was " : "exited with ") + status.describe();
}

std::string stderr_part(const Process& process) {
  const std::string tail = process.stderr_tail(kMessageTailLines);
  if (tail.empty()) return "; its stderr was empty";
  return "; last lines of stderr:" + indented_lines(tail);
}

std::string exited_early(const ProcessImpl& process, const ExitStatus& status,
                         const std::string& what_we_waited_for) {
  return "[mcpgym.process.exited_early] " + display_command(process.argv()) + " " + ended(status) +
         " before becoming ready " + what_we_waited_for + stderr_part(process);
}

// Stops the process that did not become ready in time and says so.
std::string not_ready(ProcessImpl& process, const LaunchSpec& spec,
                      const std::string& what_we_waited_for) {
  const ExitStatus stopped = process.stop(kFailedLaunchGrace);
  return "[mcpgym.process.not_ready] " + display_command(process.argv()) +
         " did not become ready within " + std::to_string(spec.ready_timeout.count()) + " ms " +
         what_we_waited_for + " and was stopped (" + stopped.describe() +
         "); if it is only slow, raise the ready timeout" + stderr_part(process);
}

// The stdout lines read so far, matched against the readiness pattern one at
// a time; a line longer than kMaxMatchedLine is matched on its start.
class ReadinessLines {
 public:
  explicit ReadinessLines(const std::regex& pattern) : pattern_(pattern) {}

  void append(std::string_view data) { pending_.append(data); }

  struct Match {
    std::optional<std::string> url;  // the first capture group, when it took part
  };

  // Set once a complete line matched; at EOF a last line without a newline
  // counts too.
  std::optional<Match> match(bool at_eof) {
    while (auto line = next_line(at_eof)) {
      ++lines_;
      std::smatch found;
      if (std::regex_search(*line, found, pattern_)) {
        if (found.size() > 1 && found[1].matched) return Match{found[1].str()};
        return Match{};
      }
      last_line_ = std::move(*line);
    }
    return std::nullopt;
  }

  // "(waited for ...; it printed ...)" for an error message.
  std::string what_we_waited_for(const std::string& pattern_text) const {
    std::string text = "(waited for a stdout line matching '" + excerpt(pattern_text, 200) + "'; ";
    if (lines_ == 0) return text + "it printed no stdout line)";
    return text + "it printed " + lines_word(lines_) + " and none matched, the last: '" +
           excerpt(last_line_, 200) + "')";
  }

 private:
  std::optional<std::string> next_line(bool at_eof) {
    std::size_t nl = pending_.find('\n');
    if (nl == std::string::npos) {
      if (pending_.size() <= kMaxMatchedLine && (!at_eof || pending_.empty())) return std::nullopt;
      nl = pending_.size();
    }
    std::string line = pending_.substr(0, nl);
    pending_.erase(0, std::min(nl + 1, pending_.size()));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > kMaxMatchedLine) line.resize(kMaxMatchedLine);
    return line;
  }

  const std::regex& pattern_;
  std::string pending_;
  std::size_t lines_ = 0;
  std::string last_line_;
};

// One wait for stdout of at most `slice`: what it read into `buffer` (empty
// when nothing came); nullopt at EOF or on an error that ends reading.
std::optional<std::string_view> read_stdout_slice(int fd, std::vector<char>& buffer,
                                                  milliseconds slice) {
  pollfd pfd{fd, POLLIN, 0};
  const int ready =
      ::poll(&pfd, 1, static_cast<int>(std::max<milliseconds::rep>(slice.count(), 1)));
  if (ready < 0 && errno != EINTR) return std::nullopt;  // cannot happen with a valid pipe
  if (ready <= 0) return std::string_view();
  const ssize_t n = ::read(fd, buffer.data(), buffer.size());
  if (n < 0) {
    if (errno != EINTR && errno != EAGAIN) return std::nullopt;
    return std::string_view();
  }
  if (n == 0) return std::nullopt;
  return std::string_view(buffer.data(), static_cast<std::size_t>(n));
}

// Waits for a readiness line. On success sets the URL; otherwise an error
// (the caller's unique_ptr then stops the process).
Expected<void, std::string> await_stdout_line(ProcessImpl& process, const LaunchSpec& spec,
                                              const std::regex& pattern,
                                              const std::string& default_url,
                                              Clock::time_point deadline) {
  const int fd = process.stdout_read_fd();
  ReadinessLines lines(pattern);
  bool eof = false;
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    if (auto matched = lines.match(eof)) {
      process.set_url(matched->url.value_or(default_url));
      return {};
    }
    const auto exited = process.poll_exit();
    const auto now = Clock::now();
    if (exited && (eof || now >= deadline)) {
      return unexpected(
          exited_early(process, *exited, lines.what_we_waited_for(spec.readiness.pattern)));
    }
    if (now >= deadline) {
      return unexpected(not_ready(process, spec, lines.what_we_waited_for(spec.readiness.pattern)));
    }
    const auto slice =
        std::min(std::chrono::duration_cast<milliseconds>(deadline - now), kReadinessSlice);
    if (eof) {
      std::this_thread::sleep_for(slice);
      continue;
    }
    const auto data = read_stdout_slice(fd, buffer, slice);
    if (!data) {
      eof = true;
      continue;
    }
    process.log_stdout(*data);
    lines.append(*data);
  }
}

// Calls the probe, which may throw: a throw counts as "not yet".
bool call_probe(const Readiness& readiness, const std::string& url) {
  try {
    return readiness.probe(url);
  } catch (const std::exception& e) {
    log_debug("[mcpgym.process] readiness probe threw: " + std::string(e.what()));
    return false;
  }
}

// Sleeps until `wake`, in slices, so that an exit is seen at once.
std::optional<ExitStatus> sleep_watching_exit(ProcessImpl& process, Clock::time_point wake) {
  for (;;) {
    if (auto exited = process.poll_exit()) return exited;
    const auto now = Clock::now();
    if (now >= wake) return std::nullopt;
    std::this_thread::sleep_for(std::min(
        std::chrono::duration_cast<milliseconds>(wake - now) + milliseconds(1), kReadinessSlice));
  }
}

Expected<void, std::string> await_probe(ProcessImpl& process, const LaunchSpec& spec,
                                        const std::string& url, Clock::time_point deadline) {
  std::size_t calls = 0;
  auto what_we_waited_for = [&] {
    return "(waited for probe('" + excerpt(url, 200) + "') to succeed; it was called " +
           std::to_string(calls) + (calls == 1 ? " time)" : " times)");
  };
  milliseconds backoff{10};
  for (;;) {
    if (const auto exited = process.poll_exit()) {
      return unexpected(exited_early(process, *exited, what_we_waited_for()));
    }
    const bool ok = call_probe(spec.readiness, url);
    ++calls;
    if (ok) return {};
    const auto wake = std::min(deadline, Clock::now() + backoff);
    if (const auto exited = sleep_watching_exit(process, wake)) {
      return unexpected(exited_early(process, *exited, what_we_waited_for()));
    }
    if (Clock::now() >= deadline) return unexpected(not_ready(process, spec, what_we_waited_for()));
    backoff = std::min(backoff * 2, milliseconds(200));
  }
}

}  // namespace

Expected<void, std::string> await_readiness(ProcessImpl& process, const LaunchSpec& spec,
                                            const std::optional<std::regex>& pattern,
                                            const std::string& default_url,
                                            Clock::time_point deadline) {
  switch (spec.readiness.kind) {
    case ReadinessKind::kStdoutLine: {
      auto ready = await_stdout_line(process, spec, *pattern, default_url, deadline);
      if (!ready) return ready;
      process.start_stdout_drain();
      return {};
    }
    case ReadinessKind::kProbe: {
      process.start_stdout_drain();
      auto ready = await_probe(process, spec, default_url, deadline);
      if (!ready) return ready;
      process.set_url(default_url);
      return {};
    }
    case ReadinessKind::kNone:
      process.start_stdout_drain();
      if (!spec.stdio_pipes) process.set_url(default_url);
      return {};
  }
  return {};
}

}  // namespace mcpgym::harness::internal
