#include "reference/mcp/http_request_head.hpp"

#include <cctype>
#include <optional>

#include "common/error_ids.hpp"
#include "common/text.hpp"

namespace mcpgym::mcp {

namespace {

bool is_tchar(char c) {
  // RFC 9110 §5.6.2 token characters.
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

// Field values may hold visible characters, spaces, tabs and obs-text; no
// other control characters (a bare CR or NUL smuggles requests).
bool is_field_value(std::string_view value) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t') return false;
    if (u == 0x7f) return false;
  }
  return true;
}

bool is_target(std::string_view target) {
  if (target.empty()) return false;
  for (char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

// Whether a comma-separated list (Connection, Transfer-Encoding) holds `item`.
bool list_contains(std::string_view list, std::string_view item) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (iequals(trim_ows(list.substr(0, comma)), item)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

HeadParse rejected(int status, std::string_view id, std::string text) {
  HeadParse parse;
  parse.state = HeadParse::State::kRejected;
  parse.rejection = {status, id, std::move(text)};
  return parse;
}

HeadParse bad_request(std::string text) {
  return rejected(400, err::kBadRequest, "Bad Request: " + std::move(text));
}

std::string quoted(std::string_view text) {
  return quoted_excerpt(text);
}

// The end of the line starting at `from` (the index of its '\n'), or npos.
// Lines end in CRLF; a bare LF is accepted too (RFC 9112 §2.2).
std::size_t line_end(std::string_view bytes, std::size_t from) {
  return bytes.find('\n', from);
}

std::string_view line_at(std::string_view bytes, std::size_t from, std::size_t end) {
  std::string_view line = bytes.substr(from, end - from);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// A Content-Length value: digits only; every value of a repeated field or
// list must be the same number (RFC 9112 §6.3, item 5). nullopt: malformed.
// Numbers too large for size_t are clamped (they are over any limit anyway).
struct LengthValue {
  std::size_t value = 0;
};
std::optional<LengthValue> parse_length(std::string_view text) {
  if (text.empty() || text.size() > 40) return std::nullopt;
  LengthValue length;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::size_t digit = static_cast<std::size_t>(c - '0');
    if (length.value > (static_cast<std::size_t>(-1) - digit) / 10) {
      length.value = static_cast<std::size_t>(-1);
    } else {
      length.value = length.value * 10 + digit;
    }
  }
  return length;
}

HeadParse parse_request_line(std::string_view line, RequestHead& head) {
  const auto first_space = line.find(' ');
  const auto last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return bad_request("the request line " + quoted(line) +
                       " is not METHOD SP TARGET SP HTTP-VERSION");
  }
  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = line.substr(last_space + 1);
  if (!is_token(method)) {
    return bad_request("the request line " + quoted(line) + " has no valid method");
  }
  if (!is_target(target)) {
    return bad_request("the request line " + quoted(line) + " has no valid request-target");
  }
  if (version == "HTTP/1.1") {
    head.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    head.minor_version = 0;
    head.keep_alive = false;
  } else {
    return rejected(505, err::kNotImplemented,
                    "HTTP Version Not Supported: " + quoted(version) +
                        "; this server speaks HTTP/1.1 (and HTTP/1.0)");
  }
  head.method = method;
  head.target = target;
  head.path = target.substr(0, target.find('?'));
  HeadParse ok;
  ok.state = HeadParse::State::kComplete;
  return ok;
}

HeadParse parse_field_line(std::string_view line, RequestHead& head) {
  if (line.front() == ' ' || line.front() == '\t') {
    return bad_request("obsolete line folding in the header field " + quoted(line));
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
    return bad_request("the header line " + quoted(line) + " is not NAME: VALUE");
  }
  const std::string_view value = trim_ows(line.substr(colon + 1));
  if (!is_field_value(value)) {
    return bad_request("the header field " + quoted(line.substr(0, colon)) +
                       " holds a control character");
  }
  head.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  HeadParse ok;
  ok.state = HeadParse::State::kComplete;
  return ok;
}

// Content-Length and Transfer-Encoding into the head's framing.
HeadParse decide_framing(RequestHead& head, const RequestHeadLimits& limits) {
  std::optional<std::size_t> length;
  bool chunked = false;
  for (const auto& [name, value] : head.headers) {
    if (iequals(name, "Content-Length")) {
      std::string_view rest = value;
      while (true) {
        const auto comma = rest.find(',');
        auto parsed = parse_length(trim_ows(rest.substr(0, comma)));
        if (!parsed) return bad_request("malformed Content-Length " + quoted(value));
        if (length && *length != parsed->value) {
          return bad_request("conflicting Content-Length values (" + std::to_string(*length) +
                             " and " + std::to_string(parsed->value) + ")");
        }
        length = parsed->value;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (iequals(name, "Transfer-Encoding")) {
      if (chunked || !iequals(trim_ows(value), "chunked")) {
        return rejected(501, err::kNotImplemented,
                        "Not Implemented: Transfer-Encoding " + quoted(value) +
                            "; this server accepts only chunked");
      }
      chunked = true;
    }
  }
  if (chunked && length) {
    return bad_request("both Transfer-Encoding and Content-Length; send one of them");
  }
  if (chunked) {
    head.framing = BodyFraming::kChunked;
  } else if (length) {
    if (*length > limits.max_body_bytes) {
      return rejected(413, err::kPayloadTooLarge, payload_too_large_text(limits.max_body_bytes));
    }
    head.framing = *length > 0 ? BodyFraming::kLength : BodyFraming::kNone;
    head.content_length = *length;
  }
  HeadParse ok;
  ok.state = HeadParse::State::kComplete;
  return ok;
}

void decide_connection(RequestHead& head) {
  if (const std::string* connection = head.find("Connection")) {
    if (list_contains(*connection, "close")) head.keep_alive = false;
    if (head.minor_version == 0 && list_contains(*connection, "keep-alive")) {
      head.keep_alive = true;
    }
  }
  if (const std::string* expect = head.find("Expect")) {
    head.expects_continue = head.minor_version == 1 && iequals(*expect, "100-continue");
  }
}

HeadParse too_large_head(const RequestHeadLimits& limits) {
  return rejected(431, err::kHeaderFieldsTooLarge,
                  "Request Header Fields Too Large: the request head exceeds " +
                      std::to_string(limits.max_head_bytes) + " bytes or " +
                      std::to_string(limits.max_header_count) + " header fields");
}

}  // namespace

const std::string* RequestHead::find(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

HeadParse parse_request_head(std::string_view bytes, const RequestHeadLimits& limits) {
  // Empty lines before the request line are skipped (RFC 9112 §2.2).
  std::size_t pos = 0;
  while (pos < bytes.size() && (bytes[pos] == '\r' || bytes[pos] == '\n'))
    ++pos;
  RequestHead head;
  bool have_request_line = false;
  std::size_t fields = 0;
  while (true) {
    const std::size_t end = line_end(bytes, pos);
    if (end == std::string_view::npos || end >= limits.max_head_bytes) {
      if (bytes.size() > limits.max_head_bytes) return too_large_head(limits);
      return {};  // incomplete
    }
    const std::string_view line = line_at(bytes, pos, end);
    pos = end + 1;
    if (!have_request_line) {
      if (auto parsed = parse_request_line(line, head);
          parsed.state != HeadParse::State::kComplete) {
        return parsed;
      }
      have_request_line = true;
      continue;
    }
    if (line.empty()) break;
    if (++fields > limits.max_header_count) return too_large_head(limits);
    if (auto parsed = parse_field_line(line, head); parsed.state != HeadParse::State::kComplete) {
      return parsed;
    }
  }
  if (auto framing = decide_framing(head, limits); framing.state != HeadParse::State::kComplete) {
    head.head_bytes = pos;
    framing.head = std::move(head);
    framing.has_head = true;
    return framing;
  }
  decide_connection(head);
  head.head_bytes = pos;
  HeadParse parse;
  parse.state = HeadParse::State::kComplete;
  parse.head = std::move(head);
  parse.has_head = true;
  return parse;
}

std::string payload_too_large_text(std::size_t max_body_bytes) {
  return "Payload Too Large: the request body exceeds " + std::to_string(max_body_bytes) +
         " bytes (the server's --max-body)";
}

}  // namespace mcpgym::mcp
