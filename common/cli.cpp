#include "common/cli.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <utility>

namespace mcpgym::cli {

bool Args::has(std::string_view name) const {
  return values_.find(name) != values_.end();
}

std::optional<std::string> Args::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::get_all(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return it->second;
}

Parser::Parser(std::string program, std::string synopsis, std::string description)
    : program_(std::move(program)),
      synopsis_(std::move(synopsis)),
      description_(std::move(description)) {
  flag("help", "print this help and exit");
}

Parser& Parser::option(std::string name, std::string value_name, std::string help) {
  specs_.push_back(
      {std::move(name), std::move(value_name), std::move(help), std::exchange(next_heading_, "")});
  return *this;
}

Parser& Parser::flag(std::string name, std::string help) {
  return option(std::move(name), "", std::move(help));
}

Parser& Parser::heading(std::string title) {
  next_heading_ = std::move(title);
  return *this;
}

Parser& Parser::allow_positional(std::string what) {
  positional_ = std::move(what);
  return *this;
}

const Spec* Parser::find(std::string_view name) const {
  for (const auto& spec : specs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Expected<Args, std::string> Parser::parse(int argc, const char* const* argv) const {
  Args args;
  const std::string hint = "; run '" + program_ + " --help' for usage";
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word.size() < 3 || word.substr(0, 2) != "--") {
      if (positional_.empty() || (word.size() > 1 && word[0] == '-')) {
        return unexpected("[mcpgym.cli.unexpected_argument] unexpected argument '" +
                          std::string(word) + "'" + hint);
      }
      args.positional_.emplace_back(word);
      continue;
    }
    word.remove_prefix(2);
    std::optional<std::string> inline_value;
    if (auto eq = word.find('='); eq != std::string_view::npos) {
      inline_value = std::string(word.substr(eq + 1));
      word = word.substr(0, eq);
    }
    const Spec* spec = find(word);
    if (spec == nullptr) {
      return unexpected("[mcpgym.cli.unknown_flag] unknown flag --" + std::string(word) + hint);
    }
    if (spec->value_name.empty()) {
      if (inline_value) {
        return unexpected("[mcpgym.cli.unexpected_value] flag --" + spec->name + " takes no value" +
                          hint);
      }
      args.values_[spec->name].push_back("");
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argc) {
        return unexpected("[mcpgym.cli.missing_value] flag --" + spec->name + " needs a value (" +
                          spec->value_name + ")" + hint);
      }
      inline_value = argv[++i];
    }
    args.values_[spec->name].push_back(*std::move(inline_value));
  }
  return args;
}

std::variant<Args, int> Parser::parse_command_line(int argc, const char* const* argv) const {
  auto args = parse(argc, argv);
  if (!args) {
    std::cerr << program_ << ": " << args.error() << "\n";
    return kExitUsage;
  }
  if (args->has("help")) {
    std::cout << usage();
    return 0;
  }
  return *std::move(args);
}

std::string Parser::usage() const {
  std::string out = "usage: " + program_ + " " + synopsis_ + "\n\n" + description_ + "\n\nflags:\n";
  for (const auto& spec : specs_) {
    if (!spec.heading.empty()) out += "\n" + spec.heading + ":\n";
    std::string left = "  --" + spec.name;
    if (!spec.value_name.empty()) left += " " + spec.value_name;
    if (left.size() < 30)
      left.resize(30, ' ');
    else
      left += "\n" + std::string(30, ' ');
    out += left + spec.help + "\n";
  }
  return out;
}

namespace {
std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

std::string invalid(std::string_view flag, std::string_view text, std::string_view expected) {
  return "[mcpgym.cli.invalid_value] --" + std::string(flag) + " expects " + std::string(expected) +
         "; got '" + std::string(text) + "'";
}
}  // namespace

Expected<long long, std::string> to_integer(std::string_view flag, std::string_view text,
                                            long long min, long long max) {
  const std::string expected =
      "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  std::string copy(text);
  // strtoll would also take leading blanks and a '+'; a flag value is digits.
  if (copy.empty() || !(std::isdigit(static_cast<unsigned char>(copy[0])) || copy[0] == '-')) {
    return unexpected(invalid(flag, text, expected));
  }
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(copy.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || value < min || value > max) {
    return unexpected(invalid(flag, text, expected));
  }
  return value;
}

Expected<double, std::string> to_number(std::string_view flag, std::string_view text, double min,
                                        double max) {
  const std::string expected = "a number from " + number_text(min) + " to " + number_text(max);
  std::string copy(text);
  if (copy.empty()) return unexpected(invalid(flag, text, expected));
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(copy.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(value) || value < min || value > max) {
    return unexpected(invalid(flag, text, expected));
  }
  return value;
}

Expected<std::string, std::string> to_choice(std::string_view flag, std::string_view text,
                                             const std::vector<std::string>& choices) {
  std::string expected = "one of";
  for (const auto& choice : choices) {
    if (choice == text) return choice;
    expected += (&choice == &choices.front() ? " " : ", ") + choice;
  }
  return unexpected(invalid(flag, text, expected));
}

Expected<std::vector<std::string>, std::string> to_choices(
    std::string_view flag, const std::vector<std::string>& texts,
    const std::vector<std::string>& choices) {
  std::vector<std::string> items;
  for (const auto& text : texts) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = std::min(text.find(',', start), text.size());
      auto item = to_choice(flag, std::string_view(text).substr(start, comma - start), choices);
      if (!item) return unexpected(item.error());
      items.push_back(*std::move(item));
      if (comma == text.size()) break;
      start = comma + 1;
    }
  }
  return items;
}

Expected<LogLevel, std::string> to_log_level(std::string_view flag, std::string_view text) {
  auto choice = to_choice(flag, text, {"error", "warn", "info", "debug"});
  if (!choice) return unexpected(choice.error());
  return *parse_log_level(*choice);
}

}  // namespace mcpgym::cli
