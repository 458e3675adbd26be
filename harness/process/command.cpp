// Command templates, free ports and exit statuses: the parts of the supervisor
// that need no child process.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>

#include "common/text.hpp"
#include "harness/process/internal.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::harness {

namespace {

constexpr std::string_view kBadCommand = "[mcpgym.process.bad_command] ";

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

bool is_valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_name_char);
}

std::string column(std::size_t offset) {
  return "column " + std::to_string(offset + 1);
}

// One pass over the template: quoting, escapes and placeholders together, so a
// substituted value is never looked at again (its quotes and spaces are data).
// With `values` null, placeholders expand to nothing and never fail (used by
// uses_placeholder). Every name seen, valid or not yet failed, lands in `names`.
Expected<std::vector<std::string>, std::string> parse_template(
    std::string_view t, const std::map<std::string, std::string>* values,
    std::vector<std::string>* names) {
  const std::string shown = "command template '" + excerpt(t, 300) + "'";
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  enum class Quote { kNone, kSingle, kDouble } quote = Quote::kNone;
  std::size_t quote_start = 0;
  std::size_t i = 0;
  const std::size_t n = t.size();
  while (i < n) {
    const char c = t[i];
    if (quote == Quote::kNone) {
      if (is_blank(c)) {
        if (in_word) words.push_back(std::move(word));
        word.clear();
        in_word = false;
        ++i;
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c == '\'' ? Quote::kSingle : Quote::kDouble;
        quote_start = i;
        in_word = true;
        ++i;
        continue;
      }
      if (c == '\\') {
        if (i + 1 == n) {
          return unexpected(std::string(kBadCommand) + shown +
                            " ends with a lone backslash; remove it or escape it as \\\\");
        }
        if (t[i + 1] != '\n') {  // backslash-newline joins lines, as in a shell
          word += t[i + 1];
          in_word = true;
        }
        i += 2;
        continue;
      }
    } else if (quote == Quote::kSingle) {
      if (c == '\'') {
        quote = Quote::kNone;
        ++i;
        continue;
      }
    } else {
      if (c == '"') {
        quote = Quote::kNone;
        ++i;
        continue;
      }
      if (c == '\\' && i + 1 < n && std::strchr("$`\"\\\n", t[i + 1]) != nullptr) {
        if (t[i + 1] != '\n') word += t[i + 1];
        i += 2;
        continue;
      }
    }
    if (c == '{') {
      if (i + 1 < n && t[i + 1] == '{') {
        word += '{';
        in_word = true;
        i += 2;
        continue;
      }
      const std::size_t close = t.find('}', i + 1);
      if (close == std::string_view::npos) {
        return unexpected(std::string(kBadCommand) + shown + " has an unmatched '{' at " +
                          column(i) + "; write {{ for a literal brace");
      }
      const std::string_view name = t.substr(i + 1, close - i - 1);
      if (!is_valid_name(name)) {
        return unexpected(std::string(kBadCommand) + shown + " has '{" + excerpt(name, 60) +
                          "}' at " + column(i) +
                          ", which is not a placeholder (names are letters, digits, '_', '-' and "
                          "'.'); write {{ and }} for literal braces");
      }
      if (names != nullptr) names->emplace_back(name);
      if (values != nullptr) {
        const auto found = values->find(std::string(name));
        if (found == values->end()) {
          std::string given;
          for (const auto& [key, value] : *values)
            given += (given.empty() ? "" : ", ") + key;
          return unexpected(
              std::string(kBadCommand) + shown + " uses {" + std::string(name) +
              "}, which has no value; pass a value for \"" + std::string(name) + "\" (" +
              (given.empty() ? "no values were given" : "values given: " + given) + ")");
        }
        word += found->second;
      }
      in_word = true;
      i = close + 1;
      continue;
    }
    if (c == '}') {
      if (i + 1 < n && t[i + 1] == '}') {
        word += '}';
        in_word = true;
        i += 2;
        continue;
      }
      return unexpected(std::string(kBadCommand) + shown + " has an unmatched '}' at " + column(i) +
                        "; write }} for a literal brace");
    }
    word += c;
    in_word = true;
    ++i;
  }
  if (quote != Quote::kNone) {
    const char* which = quote == Quote::kSingle ? "single" : "double";
    return unexpected(std::string(kBadCommand) + shown + " has an unbalanced " + which +
                      " quote (opened at " + column(quote_start) + "); add the closing " +
                      (quote == Quote::kSingle ? "'" : "\""));
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty() && values != nullptr) {
    return unexpected(std::string(kBadCommand) +
                      "the command template is empty; give the program to run and its arguments, "
                      "e.g. 'my-server --port {port}'");
  }
  return words;
}

}  // namespace

namespace internal {

std::string shell_quote(std::string_view word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("_@%+=:,./-", c) != nullptr;
  });
  if (plain) return std::string(word);
  std::string out = "'";
  for (const char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Appended, not `" " + shell_quote(...)` or `"'" + excerpt(...)`: g++ 12 at
// -O3 reports a false -Wrestrict in operator+(const char*, std::string&&).
std::string display_command(const std::vector<std::string>& argv) {
  std::string joined;
  for (const auto& word : argv) {
    if (!joined.empty()) joined += ' ';
    joined += shell_quote(word);
  }
  std::string shown = "'";
  shown.append(excerpt(joined, 500)).push_back('\'');
  return shown;
}

}  // namespace internal

Expected<std::vector<std::string>, std::string> expand_command(
    std::string_view command_template, const std::map<std::string, std::string>& values) {
  return parse_template(command_template, &values, nullptr);
}

std::string template_word(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else if (c == '{' || c == '}') {
      out += std::string(2, c);
    } else {
      out += c;
    }
  }
  return out + "'";
}

bool uses_placeholder(std::string_view command_template, std::string_view name) {
  std::vector<std::string> names;
  // A malformed template still reports the placeholders before the error.
  (void)parse_template(command_template, nullptr, &names);
  return std::find(names.begin(), names.end(), name) != names.end();
}

Expected<int, std::string> pick_free_port() {
  // The port is free when we close the socket; another process may take it
  // before the child binds it (an inherent race of handing a port number to a
  // child). The child then fails to start and the caller sees exited_early.
  // Within this process, the last ports handed out are never handed out again
  // at once, so concurrent launches never get the same port from us.
  static std::mutex mu;
  static std::deque<int> recent;
  constexpr std::size_t kRemembered = 256;
  constexpr int kAttempts = 32;
  std::string last_error;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last_error = std::string("socket(2) failed: ") + std::strerror(errno);
      break;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      last_error = std::string("binding 127.0.0.1:0 failed: ") + std::strerror(errno);
      ::close(fd);
      break;
    }
    ::close(fd);
    const int port = ntohs(addr.sin_port);
    std::lock_guard lock(mu);
    if (std::find(recent.begin(), recent.end(), port) != recent.end()) {
      last_error = "the kernel kept offering ports this process handed out moments ago";
      continue;
    }
    recent.push_back(port);
    if (recent.size() > kRemembered) recent.pop_front();
    return port;
  }
  return unexpected("[mcpgym.process.no_free_port] cannot pick a free TCP port on 127.0.0.1: " +
                    last_error + "; free some ports or pass an explicit \"port\" value");
}

bool port_in_use(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool taken =
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno == EADDRINUSE;
  ::close(fd);
  return taken;
}

std::string ExitStatus::describe() const {
  if (signaled) {
    std::string text = "killed by signal " + std::to_string(code);
    if (const char* abbrev = ::sigabbrev_np(code)) text += std::string(" (SIG") + abbrev + ")";
    return text;
  }
  if (code < 0) return "exit status unknown (its keeper process was killed)";
  return "exit status " + std::to_string(code);
}

}  // namespace mcpgym::harness
