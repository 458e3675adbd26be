#include "common/log.hpp"

#include <unistd.h>

#include <atomic>
#include <mutex>

namespace mcpgym {

namespace {
std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::mutex g_program_mutex;
std::string g_program = "mcpgym";

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "error";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kDebug:
      return "debug";
  }
  return "?";
}
}  // namespace

void set_log_program(std::string name) {
  std::lock_guard lock(g_program_mutex);
  g_program = std::move(name);
}
void set_log_level(LogLevel level) {
  g_level.store(level);
}
LogLevel log_level() {
  return g_level.load();
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  for (auto level : {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo, LogLevel::kDebug}) {
    if (text == level_name(level)) return level;
  }
  return std::nullopt;
}

void log(LogLevel level, std::string_view message) {
  if (!log_enabled(level)) return;
  std::string line;
  {
    std::lock_guard lock(g_program_mutex);
    line = g_program;
  }
  line += ": ";
  line += level_name(level);
  line += ": ";
  line += message;
  line += '\n';
  // A failed write to stderr has nowhere to be reported; ignore it.
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace mcpgym
