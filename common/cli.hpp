#pragma once
// A small command-line parser shared by every program: `--name value`,
// `--name=value` and boolean `--name`. Failures are values whose message
// starts with a stable identifier and says what to do; programs print it and
// exit with status 2.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/expected.hpp"
#include "common/log.hpp"

namespace mcpgym::cli {

inline constexpr int kExitUsage = 2;

struct Spec {
  std::string name;        // without the leading dashes
  std::string value_name;  // empty for a boolean flag
  std::string help;
  std::string heading;  // printed above this flag in the usage (starts a group); usually empty
};

class Args {
 public:
  bool has(std::string_view name) const;
  // The last value given (a flag given twice: the last one wins).
  std::optional<std::string> get(std::string_view name) const;
  // Every value given, in order, for a repeatable flag; empty when not given.
  std::vector<std::string> get_all(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend class Parser;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positional_;
};

class Parser {
 public:
  Parser(std::string program, std::string synopsis, std::string description);
  Parser& option(std::string name, std::string value_name, std::string help);
  Parser& flag(std::string name, std::string help);
  Parser& allow_positional(std::string what);
  // Starts a group of flags in the usage: the flags declared after it are
  // listed under `title` (for example the testing-only flags).
  Parser& heading(std::string title);

  // --help is always accepted; the caller checks args.has("help").
  Expected<Args, std::string> parse(int argc, const char* const* argv) const;
  // What every program's main() does first: the flags, or the exit status to
  // return at once, after printing usage (--help, status 0) to stdout or the
  // error (status 2) to stderr as "<program>: <message>".
  std::variant<Args, int> parse_command_line(int argc, const char* const* argv) const;
  std::string usage() const;

 private:
  const Spec* find(std::string_view name) const;
  std::string program_, synopsis_, description_, positional_;
  std::string next_heading_;
  std::vector<Spec> specs_;
};

// Typed conversions that name the flag in their error message.
Expected<long long, std::string> to_integer(std::string_view flag, std::string_view text,
                                            long long min, long long max);
Expected<double, std::string> to_number(std::string_view flag, std::string_view text, double min,
                                        double max);
// error|warn|info|debug, for every program's --log-level.
Expected<LogLevel, std::string> to_log_level(std::string_view flag, std::string_view text);
Expected<std::string, std::string> to_choice(std::string_view flag, std::string_view text,
                                             const std::vector<std::string>& choices);
// A repeatable flag whose values are comma-separated lists of choices
// (`--fault a --fault b,c`): every item, in order, each checked by to_choice.
Expected<std::vector<std::string>, std::string> to_choices(std::string_view flag,
                                                           const std::vector<std::string>& texts,
                                                           const std::vector<std::string>& choices);

}  // namespace mcpgym::cli
