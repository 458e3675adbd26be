#include "reference/mcp/http_rules.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "common/text.hpp"

namespace mcpgym::mcp {

namespace {

bool is_ipv4_loopback(std::string_view host) {
  int octets = 0;
  std::size_t pos = 0;
  while (pos <= host.size()) {
    const std::size_t dot = std::min(host.find('.', pos), host.size());
    const std::string_view part = host.substr(pos, dot - pos);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255 || (octets == 0 && value != 127)) return false;
    ++octets;
    pos = dot + 1;
  }
  return octets == 4;
}

bool is_loopback_name(std::string_view host) {
  return iequals(host, "localhost") || is_ipv4_loopback(host) || host == "::1";
}

bool is_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  int value = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  return value <= 65535;
}

// Whether the comma-separated media ranges of `accept` name `type` itself.
bool accept_lists(std::string_view accept, std::string_view type) {
  std::size_t pos = 0;
  while (pos <= accept.size()) {
    const std::size_t comma = std::min(accept.find(',', pos), accept.size());
    if (iequals(media_type(accept.substr(pos, comma - pos)), type)) return true;
    pos = comma + 1;
  }
  return false;
}

std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_digit_value(text[i + 1]);
      const int low = hex_digit_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return out;
}

}  // namespace

bool accept_lists_json_and_sse(std::string_view accept) {
  return accept_lists(accept, "application/json") && accept_lists(accept, "text/event-stream");
}

bool accept_lists_json(std::string_view accept) {
  return accept_lists(accept, "application/json");
}

bool is_json_content_type(std::string_view content_type) {
  return iequals(media_type(content_type), "application/json");
}

bool is_loopback_host(std::string_view host) {
  host = trim_ows(host);
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && is_port(rest.substr(1)))) return false;
    return host.substr(1, close - 1) == "::1";
  }
  const std::size_t colon = host.find(':');
  if (colon != std::string_view::npos && !is_port(host.substr(colon + 1))) return false;
  return is_loopback_name(host.substr(0, colon));
}

bool is_loopback_origin(std::string_view origin) {
  origin = trim_ows(origin);
  std::string_view rest;
  // Schemes are case-insensitive (RFC 3986 §3.1).
  if (iequals(origin.substr(0, 7), "http://")) {
    rest = origin.substr(7);
  } else if (iequals(origin.substr(0, 8), "https://")) {
    rest = origin.substr(8);
  } else {
    return false;  // includes the opaque origin "null"
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos || rest.find('@') != std::string_view::npos) {
    return false;
  }
  return is_loopback_host(rest);
}

bool is_loopback_bind_address(std::string_view address) {
  return is_loopback_name(address);
}

std::optional<std::string> query_parameter(std::string_view target, std::string_view name) {
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(question + 1);
  query = query.substr(0, query.find('#'));
  std::size_t pos = 0;
  while (pos <= query.size()) {
    const std::size_t amp = std::min(query.find('&', pos), query.size());
    const std::string_view pair = query.substr(pos, amp - pos);
    const std::size_t eq = pair.find('=');
    if (percent_decoded(pair.substr(0, eq)) == std::string(name)) {
      if (eq == std::string_view::npos) return std::string();
      return percent_decoded(pair.substr(eq + 1));
    }
    pos = amp + 1;
  }
  return std::nullopt;
}

}  // namespace mcpgym::mcp
