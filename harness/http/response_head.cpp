#include "harness/http/response_head.hpp"

#include <algorithm>
#include <cctype>

#include "common/text.hpp"

namespace mcpgym::harness {

namespace {

constexpr std::string_view kBadStatusLine = "mcpgym.http_client.bad_status_line";
constexpr std::string_view kHeadTooLarge = "mcpgym.http_client.head_too_large";
constexpr std::string_view kTooManyHeaders = "mcpgym.http_client.too_many_headers";
constexpr std::string_view kBadHeader = "mcpgym.http_client.bad_header";
constexpr std::string_view kBadFraming = "mcpgym.http_client.bad_framing";
constexpr std::size_t kQuoted = 100;  // bytes of a bad line quoted in a message

HeadParse failed(std::string_view id, std::string detail) {
  HeadParse parse;
  parse.state = HeadParse::State::kFailed;
  parse.fault = {id, std::move(detail)};
  return parse;
}

HeadParse bad_status_line(std::string_view bytes) {
  const std::string_view first_line = bytes.substr(0, bytes.find('\n'));
  return failed(kBadStatusLine, "the answer does not start with an HTTP/1.x status line: \"" +
                                    excerpt(first_line, kQuoted) + "\"");
}

HeadParse head_too_large(const HeadLimits& limits) {
  return failed(kHeadTooLarge, "the response head passed the cap of " +
                                   std::to_string(limits.max_bytes) +
                                   " bytes (max_head_bytes) without ending; the rest was not read");
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 9110 tchar: the characters of a field name.
bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// "HTTP/1.1 200 OK": version, a space, three digits, then the end or a space
// and a reason phrase.
bool parse_status_line(std::string_view line, ResponseHead& head) {
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || !is_digit(line[5]) || line[6] != '.' ||
      !is_digit(line[7]) || line[8] != ' ' || !is_digit(line[9]) || !is_digit(line[10]) ||
      !is_digit(line[11])) {
    return false;
  }
  if (line.size() > 12 && line[12] != ' ') return false;
  head.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (head.status < 100) return false;
  head.reason = std::string(line.size() > 12 ? line.substr(13) : std::string_view());
  return true;
}

}  // namespace

HeadParse parse_response_head(std::string_view bytes, const HeadLimits& limits) {
  // A status line shows it is not one from its first bytes: no need to wait for its end.
  const std::string_view prefix = "HTTP/";
  if (bytes.substr(0, prefix.size()) != prefix.substr(0, std::min(prefix.size(), bytes.size()))) {
    return bad_status_line(bytes);
  }
  HeadParse parse;
  std::size_t pos = 0;
  std::size_t line_number = 0;
  for (;;) {
    const std::size_t newline = bytes.find('\n', pos);
    if (newline == std::string_view::npos) {
      if (bytes.size() > limits.max_bytes) return head_too_large(limits);
      return parse;  // incomplete
    }
    if (newline + 1 > limits.max_bytes) return head_too_large(limits);
    std::string_view line = bytes.substr(pos, newline - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = newline + 1;
    ++line_number;
    if (line_number == 1) {
      if (!parse_status_line(line, parse.head)) return bad_status_line(bytes);
      continue;
    }
    if (line.empty()) {
      parse.head.size = pos;
      parse.state = HeadParse::State::kComplete;
      return parse;
    }
    if (parse.head.headers.size() == limits.max_fields) {
      return failed(kTooManyHeaders,
                    "the response head has more than " + std::to_string(limits.max_fields) +
                        " header fields (max_header_fields); the rest was not read");
    }
    const std::size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    if (colon == std::string_view::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(), is_token_char)) {
      return failed(kBadHeader, "line " + std::to_string(line_number) +
                                    " of the response head is not a header field: \"" +
                                    excerpt(line, kQuoted) + "\"");
    }
    parse.head.headers.emplace_back(std::string(name),
                                    std::string(trim_ows(line.substr(colon + 1))));
  }
}

namespace {

FramingParse framing_fault(std::string detail) {
  FramingParse parse;
  parse.ok = false;
  parse.fault = {kBadFraming, std::move(detail)};
  return parse;
}

// The last coding of a Transfer-Encoding list, lower-cased.
std::string last_coding(std::string_view list) {
  const auto comma = list.rfind(',');
  return lower(trim_ows(comma == std::string_view::npos ? list : list.substr(comma + 1)));
}

}  // namespace

FramingParse body_framing(const ResponseHead& head, std::string_view request_method) {
  FramingParse parse;
  if (request_method == "HEAD" || head.status < 200 || head.status == 204 || head.status == 304) {
    parse.framing.kind = BodyFraming::Kind::kNone;
    return parse;
  }
  const HeaderList& headers = head.headers;
  const auto encoding = std::find_if(headers.rbegin(), headers.rend(), [](const auto& h) {
    return iequals(h.first, "Transfer-Encoding");
  });
  if (encoding != headers.rend()) {
    // A final coding other than chunked is delimited by the close (RFC 9112 6.3).
    parse.framing.kind = last_coding(encoding->second) == "chunked"
                             ? BodyFraming::Kind::kChunked
                             : BodyFraming::Kind::kUntilClose;
    return parse;
  }
  bool seen = false;
  for (const auto& [name, value] : headers) {
    if (!iequals(name, "Content-Length")) continue;
    std::string_view rest = value;
    while (true) {  // "10, 10" is one length said twice
      const auto comma = rest.find(',');
      const std::string_view item = trim_ows(rest.substr(0, comma));
      if (item.empty() || item.size() > 18 || !std::all_of(item.begin(), item.end(), is_digit)) {
        return framing_fault("the Content-Length \"" + excerpt(value, kQuoted) +
                             "\" is not a number of bytes");
      }
      const std::uint64_t length = std::stoull(std::string(item));
      if (seen && length != parse.framing.length) {
        return framing_fault("the answer announces two different Content-Length values, " +
                             std::to_string(parse.framing.length) + " and " +
                             std::to_string(length));
      }
      seen = true;
      parse.framing = {BodyFraming::Kind::kLength, length};
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return parse;  // kUntilClose unless a length was found
}

}  // namespace mcpgym::harness
