// parse_baseline / read_baseline: a line-by-line reader of the YAML subset in
// baseline.hpp that refuses, with the line, whatever it does not understand,
// so a baseline never silently means something other than what a YAML reader
// would make of it. apply_baseline: which failures were expected, which entries
// are stale.
#include "conformance/core/baseline.hpp"

#include <cerrno>
#include <map>
#include <optional>
#include <system_error>

#include "common/fd_io.hpp"
#include "common/text.hpp"
#include "conformance/core/glob.hpp"

namespace mcpgym::conformance {

namespace {

constexpr std::size_t kExcerptBytes = 60;

std::string named(std::string_view text) {
  return quoted_excerpt(text, '\'', kExcerptBytes);
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

// Nothing but spaces and perhaps a comment. A '#' starts a comment only at the
// start of the line or after a space, as in YAML; `preceded_by_space` says
// which the start of `rest` is.
bool nothing_more(std::string_view rest, bool preceded_by_space) {
  const std::string_view trimmed = trim(rest);
  if (trimmed.empty()) return true;
  const bool spaced = preceded_by_space || trimmed.size() != rest.size();
  return trimmed.front() == '#' && spaced;
}

// A plain (unquoted) scalar ends at a comment: '#' after a space or tab.
std::size_t comment_start(std::string_view text) {
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '#' && is_space(text[i - 1])) return i;
  }
  return std::string_view::npos;
}

class Parser {
 public:
  explicit Parser(const std::string& source) : source_(source) {}

  Expected<Baseline, std::string> parse(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark
    while (!text.empty()) {
      ++line_;
      const std::size_t end = text.find('\n');
      std::string_view line = text.substr(0, end);
      text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (auto error = parse_line(line)) return unexpected(std::move(*error));
    }
    return std::move(baseline_);
  }

 private:
  using Error = std::optional<std::string>;

  Error fail(const std::string& why) const {
    return "[mcpgym.conform.bad_baseline] " + source_ + ":" + std::to_string(line_) + ": " + why;
  }

  Error parse_line(std::string_view line) {
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos || nothing_more(line.substr(indent), true)) return {};
    if (line[indent] == '\t')
      return fail("a tab in the indentation; YAML indents with spaces only");
    const std::string_view content = line.substr(indent);
    const bool item = content.front() == '-' && (content.size() == 1 || is_space(content[1]));
    if (item && block_list_open()) return parse_item(indent, content.substr(1));
    if (indent == 0) return parse_key(content);
    if (key_.empty()) return fail("an indented line outside 'server:' and 'client:'");
    if (flow_line_ != 0) {
      return fail("'" + key_ + "' was given as a flow list on line " + std::to_string(flow_line_) +
                  "; this line continues nothing");
    }
    const std::string_view text = content.substr(0, comment_start(content));
    if (text.find(':') != std::string_view::npos) {
      return fail("a nested mapping under '" + key_ + "'; expected '- <check id>'");
    }
    return fail("expected '- <check id>' under '" + key_ + "', got " + named(trim(text)));
  }

  // A list item may sit at column 0 right under its key, as YAML allows.
  bool block_list_open() const { return !key_.empty() && flow_line_ == 0; }

  Error parse_key(std::string_view content) {
    if (content.substr(0, 3) == "---" && nothing_more(content.substr(3), false) &&
        key_lines_.empty()) {
      return {};  // a document start marker before anything else
    }
    const std::size_t colon = content.find(':');
    const std::size_t after = colon == std::string_view::npos ? colon : colon + 1;
    if (colon == std::string_view::npos || (after < content.size() && !is_space(content[after]))) {
      return fail("expected 'server:' or 'client:', got " +
                  named(trim(content.substr(0, comment_start(content)))));
    }
    const std::string key(content.substr(0, colon));
    if (key != "server" && key != "client") {
      return fail("unknown key " + named(key) + "; a baseline has only 'server' and 'client'");
    }
    if (auto first = key_lines_.find(key); first != key_lines_.end()) {
      return fail("'" + key + "' given twice (first on line " + std::to_string(first->second) +
                  ")");
    }
    key_lines_[key] = line_;
    key_ = key;
    flow_line_ = 0;
    item_indent_.reset();
    const std::string_view value = content.substr(after);
    if (nothing_more(value, true)) return {};  // a block list follows, or nothing (null)
    const std::string_view trimmed = trim(value);
    if (trimmed.front() == '[') {
      flow_line_ = line_;
      return parse_flow(trimmed.substr(1));
    }
    return fail("'" + key + "' must be a list ('- <check id>' lines or [a, b]), got " +
                named(trim(trimmed.substr(0, comment_start(trimmed)))));
  }

  Error parse_item(std::size_t indent, std::string_view rest) {
    if (item_indent_ && *item_indent_ != indent) {
      return fail("a list item indented " + std::to_string(indent) +
                  " spaces where the list's items are indented " + std::to_string(*item_indent_));
    }
    item_indent_ = indent;
    const std::string_view value = trim(rest);
    if (value.empty() || value.front() == '#') return fail("an empty list item");
    if (value.front() == '"' || value.front() == '\'') {
      std::size_t used = 0;
      std::string entry;
      if (auto error = parse_quoted(value, entry, used)) return error;
      if (!nothing_more(value.substr(used), false)) {
        return fail("unexpected " + named(trim(value.substr(used))) + " after the quoted entry");
      }
      return add(std::move(entry));
    }
    const std::string_view plain = trim(value.substr(0, comment_start(value)));
    if (auto error = check_plain(plain)) return error;
    return add(std::string(plain));
  }

  // The rest of a line after '['.
  Error parse_flow(std::string_view rest) {
    std::size_t i = 0;
    // Spaces skipped, is the line (but for a comment) over?
    const auto line_ends = [&] {
      while (i < rest.size() && is_space(rest[i]))
        ++i;
      return i == rest.size() || (rest[i] == '#' && i > 0 && is_space(rest[i - 1]));
    };
    const auto unclosed = [&] {
      return fail("'[' has no closing ']' on this line (a flow list must fit on one line)");
    };
    for (;;) {
      if (line_ends()) return unclosed();
      if (rest[i] == ']') {
        if (!nothing_more(rest.substr(i + 1), false)) {
          return fail("unexpected " + named(trim(rest.substr(i + 1))) + " after ']'");
        }
        return {};
      }
      if (rest[i] == ',') return fail("an empty entry in a flow list");
      std::string entry;
      if (rest[i] == '"' || rest[i] == '\'') {
        std::size_t used = 0;
        if (auto error = parse_quoted(rest.substr(i), entry, used)) return error;
        i += used;
      } else {
        std::size_t end = i;
        while (end < rest.size() && rest[end] != ',' && rest[end] != ']' &&
               !(rest[end] == '#' && end > 0 && is_space(rest[end - 1]))) {
          ++end;
        }
        const std::string_view plain = trim(rest.substr(i, end - i));
        if (plain.find_first_of("[{}") != std::string_view::npos) {
          return fail("a nested collection in a flow list; entries are check ids or globs");
        }
        if (auto error = check_plain(plain)) return error;
        entry = std::string(plain);
        i = end;
      }
      if (auto error = add(std::move(entry))) return error;
      if (line_ends()) return unclosed();
      if (rest[i] == ',') {
        ++i;  // YAML allows a trailing comma: "[a, b,]"
      } else if (rest[i] != ']') {
        return fail("unexpected " + named(trim(rest.substr(i))) + " in a flow list");
      }
    }
  }

  // A quoted scalar at the start of `text`: 'single' ('' is a quote) or
  // "double" (only \" and \\ escapes, all a check id could need).
  Error parse_quoted(std::string_view text, std::string& entry, std::size_t& used) {
    const char quote = text.front();
    for (std::size_t i = 1; i < text.size(); ++i) {
      const char c = text[i];
      if (c == quote && quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        entry += '\'';
        ++i;
      } else if (c == quote) {
        used = i + 1;
        return check_entry(entry);
      } else if (c == '\\' && quote == '"') {
        if (i + 1 == text.size()) break;
        const char escaped = text[++i];
        if (escaped != '"' && escaped != '\\') {
          return fail("unsupported escape " + named(text.substr(i - 1, 2)) +
                      " in a double-quoted entry");
        }
        entry += escaped;
      } else {
        entry += c;
      }
    }
    return fail("a quoted entry with no closing quote");
  }

  // What YAML would read as something other than a plain string.
  Error check_plain(std::string_view plain) {
    if (plain.empty()) return fail("an empty entry");
    const char first = plain.front();
    if (first == '-' && (plain.size() == 1 || is_space(plain[1]))) {
      return fail("a nested list; entries are check ids or globs");
    }
    if (first == '[' || first == '{') {
      return fail("a nested collection " + named(plain) + "; entries are check ids or globs");
    }
    if (plain.back() == ':' || plain.find(": ") != std::string_view::npos ||
        plain.find(":\t") != std::string_view::npos) {
      return fail(named(plain) + " is a mapping, not a check id or glob");
    }
    if (first == '*') {
      return fail(named(plain) + " starts with '*', which YAML reads as an alias; quote it");
    }
    if (std::string_view("#&!|>%@`?,]}").find(first) != std::string_view::npos) {
      return fail(named(plain) + " starts with '" + std::string(1, first) +
                  "', which YAML reserves; quote it");
    }
    return check_entry(plain);
  }

  Error check_entry(std::string_view entry) {
    if (entry.empty()) return fail("an empty entry");
    for (const char c : entry) {
      const auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u == 0x7f) {
        return fail(named(entry) + " is not a check id or glob: it contains whitespace or a " +
                    "control character");
      }
    }
    return {};
  }

  // Entries under `client:` are checked like the rest and then dropped.
  Error add(std::string entry) {
    if (key_ != "server") return {};
    if (auto first = entry_lines_.find(entry); first != entry_lines_.end()) {
      return fail(named(entry) + " is listed twice (first on line " +
                  std::to_string(first->second) + ")");
    }
    entry_lines_[entry] = line_;
    baseline_.entries.push_back(std::move(entry));
    return {};
  }

  const std::string& source_;
  std::size_t line_ = 0;
  Baseline baseline_;
  std::string key_;            // the key whose list is being read, "" before any
  std::size_t flow_line_ = 0;  // the line of key_'s flow list, 0 for a block list
  std::optional<std::size_t> item_indent_;
  std::map<std::string, std::size_t> key_lines_;
  std::map<std::string, std::size_t> entry_lines_;
};

}  // namespace

bool Baseline::lists(const std::string& check_id) const {
  for (const std::string& entry : entries) {
    if (glob_match(entry, check_id)) return true;
  }
  return false;
}

Expected<Baseline, std::string> parse_baseline(std::string_view text, const std::string& source) {
  return Parser(source).parse(text);
}

Expected<Baseline, std::string> read_baseline(const std::filesystem::path& path) {
  const auto fail = [&](int error) {
    return unexpected("[mcpgym.conform.bad_baseline] cannot read " + path.string() + ": " +
                      std::system_category().message(error));
  };
  auto text = read_whole_file(path);
  if (!text) return fail(text.error());
  return parse_baseline(*text, path.string());
}

BaselineVerdict apply_baseline(const Baseline& baseline, std::vector<CheckResult>& results) {
  BaselineVerdict verdict;
  verdict.given = true;
  // Per entry: how many judged (not skipped) results it matched, and whether
  // all of those passed. A skip says nothing about an entry either way.
  std::vector<std::size_t> judged(baseline.entries.size(), 0);
  std::vector<bool> all_passed(baseline.entries.size(), true);
  for (CheckResult& result : results) {
    bool listed = false;
    for (std::size_t e = 0; e < baseline.entries.size(); ++e) {
      if (!glob_match(baseline.entries[e], result.id)) continue;
      listed = true;
      if (result.verdict == Verdict::kSkip) continue;
      ++judged[e];
      if (result.verdict != Verdict::kPass) all_passed[e] = false;
    }
    result.baselined = listed;
    const bool failed = result.verdict == Verdict::kFail || result.verdict == Verdict::kWarn ||
                        result.verdict == Verdict::kError;
    if (failed)
      (listed ? verdict.expected_failures : verdict.unexpected_failures).push_back(result.id);
  }
  for (std::size_t e = 0; e < baseline.entries.size(); ++e) {
    if (judged[e] > 0 && all_passed[e]) verdict.stale_entries.push_back(baseline.entries[e]);
  }
  return verdict;
}

}  // namespace mcpgym::conformance
