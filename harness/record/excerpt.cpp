#include "harness/record/excerpt.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace mcpgym::harness::record_detail {

namespace {

using json = nlohmann::json;

// Length of the valid UTF-8 sequence starting at text[i], or 0 if invalid.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

void append_escaped(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    char buffer[8];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else if (c >= 0x80) {
          if (const std::size_t n = utf8_length(text, i); n > 0) {
            out.append(text.substr(i, n));
            i += n;
            continue;
          }
          std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
}

// Moves `i` back to the start of a UTF-8 character.
std::size_t char_start(std::string_view text, std::size_t i) {
  while (i > 0 && i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
    --i;
  return i;
}

void put(const json& value, std::string& out, std::size_t limit) {
  if (out.size() >= limit) return;
  switch (value.type()) {
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end() && out.size() < limit; ++it) {
        if (!first) out += ',';
        first = false;
        out += quote(it.key());
        out += ':';
        put(it.value(), out, limit);
      }
      out += '}';
      break;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (auto it = value.begin(); it != value.end() && out.size() < limit; ++it) {
        if (!first) out += ',';
        first = false;
        put(*it, out, limit);
      }
      out += ']';
      break;
    }
    case json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      // Only what can still show: escaping at most quadruples a byte.
      const std::size_t room = limit - out.size() + 1;
      out += quote(std::string_view(text).substr(0, char_start(text, std::min(text.size(), room))));
      if (text.size() > room) out += "...";
      break;
    }
    case json::value_t::number_float: {
      const double number = value.get<double>();
      out += std::isfinite(number) ? value.dump() : std::string("NaN-or-infinity");
      break;
    }
    case json::value_t::binary:
      out += "<binary>";
      break;
    default:
      out += value.dump();
  }
}

}  // namespace

std::string quote(std::string_view text) {
  std::string out = "\"";
  append_escaped(text, out);
  out += '"';
  return out;
}

std::string excerpt(const json& value, std::size_t budget) {
  std::string out;
  put(value, out, budget);
  if (out.size() > budget) {
    out.resize(char_start(out, budget));
    out += "...";
  }
  return out;
}

std::string window(std::string_view text, std::size_t around, std::size_t budget) {
  if (text.size() <= budget) return quote(text);
  std::size_t start = around > budget / 3 ? around - budget / 3 : 0;
  start = std::min(start, text.size() - budget);
  start = char_start(text, start);
  const std::size_t end = char_start(text, std::min(text.size(), start + budget));
  std::string out = start > 0 ? "..." : "";
  out += quote(text.substr(start, end - start));
  if (end < text.size()) out += "...";
  return out;
}

std::pair<std::string, std::string> windows_of_difference(std::string_view a, std::string_view b,
                                                          std::size_t budget) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i])
    ++i;
  return {window(a, i, budget), window(b, i, budget)};
}

int depth(const json& value, int limit) {
  struct Frame {
    const json* value;
    int depth;
  };
  std::vector<Frame> stack{{&value, 0}};
  int deepest = 0;
  while (!stack.empty()) {
    const Frame frame = stack.back();
    stack.pop_back();
    if (!frame.value->is_structured()) continue;
    const int here = frame.depth + 1;
    deepest = std::max(deepest, here);
    if (deepest > limit) return deepest;
    for (const auto& child : *frame.value)
      stack.push_back({&child, here});
  }
  return deepest;
}

}  // namespace mcpgym::harness::record_detail
