#pragma once
// A process spoken to line by line over its stdin and stdout pipes (launched
// with stdio_pipes), for judging what crosses stdio as it came rather than as
// an MCP client reads it. Reads have a deadline and a size bound; every line
// written and read is shown to an observer (a report's evidence).
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/process/supervisor.hpp"

namespace mcpgym::harness {

class StdioLines {
 public:
  // Called with "stdin <- <line>" and "stdout -> <line>" (each cut to a few hundred bytes).
  using Observer = std::function<void(const std::string&)>;
  // The longest stdout line read; a longer one ends reading (nullopt, not eof()).
  static constexpr std::size_t kMaxLine = 1 << 20;

  explicit StdioLines(std::unique_ptr<Process> process, Observer observe = {});

  // Writes `line` and a newline to stdin; false when stdin is closed or the
  // process has gone (no SIGPIPE).
  bool write_line(const std::string& line);
  // The next stdout line (without its newline, or a trailing "\r"), or nullopt
  // at end of output or when none comes within `timeout` (eof() tells which).
  // A last line without a newline is still a line.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // The next line that parses as JSON (mcpgym::parse_json: bounded), skipping
  // at most 19 others; each line gets its own `timeout`.
  std::optional<nlohmann::json> read_message(std::chrono::milliseconds timeout);

  bool eof() const { return eof_; }
  Process& process() { return *process_; }

 private:
  void observe(const std::string& what) const;

  std::unique_ptr<Process> process_;
  Observer observe_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace mcpgym::harness
