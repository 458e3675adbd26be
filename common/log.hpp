#pragma once
// Minimal leveled logging to stderr. stdout belongs to the protocol (stdio
// transport) or to the single readiness line, so nothing else may write there.
#include <optional>
#include <string>
#include <string_view>

namespace mcpgym {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

void set_log_program(std::string name);
void set_log_level(LogLevel level);
LogLevel log_level();
std::optional<LogLevel> parse_log_level(std::string_view text);

// One write(2) per line so lines from concurrent threads never interleave.
void log(LogLevel level, std::string_view message);
inline void log_error(std::string_view m) {
  log(LogLevel::kError, m);
}
inline void log_warn(std::string_view m) {
  log(LogLevel::kWarn, m);
}
inline void log_info(std::string_view m) {
  log(LogLevel::kInfo, m);
}
inline void log_debug(std::string_view m) {
  log(LogLevel::kDebug, m);
}
inline bool log_enabled(LogLevel level) {
  return level <= log_level();
}

}  // namespace mcpgym
