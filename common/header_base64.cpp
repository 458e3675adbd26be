#include "common/header_base64.hpp"

#include <array>
#include <cstdint>

namespace mcpgym {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_digit(char c) {
  const auto at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                            static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::array<int, 4> d{};
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        ++padding;
        d[k] = 0;
        continue;
      }
      if (padding > 0) return std::nullopt;  // a digit after '='
      d[k] = base64_digit(c);
      if (d[k] < 0) return std::nullopt;
    }
    const std::uint32_t n = (d[0] << 18) | (d[1] << 12) | (d[2] << 6) | d[3];
    // Canonical only: the bits the padding hides must be zero.
    if ((padding == 1 && (n & 0xff) != 0) || (padding == 2 && (n & 0xffff) != 0)) {
      return std::nullopt;
    }
    out += static_cast<char>((n >> 16) & 0xff);
    if (padding < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (padding < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

bool is_base64_sentinel(std::string_view value) {
  return value.size() >= kBase64SentinelPrefix.size() + kBase64SentinelSuffix.size() &&
         value.starts_with(kBase64SentinelPrefix) && value.ends_with(kBase64SentinelSuffix);
}

bool needs_base64_sentinel(std::string_view value) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return true;
  }
  if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) return true;
  return is_base64_sentinel(value);
}

std::string encode_header_value(std::string_view value) {
  if (!needs_base64_sentinel(value)) return std::string(value);
  return std::string(kBase64SentinelPrefix) + base64_encode(value) +
         std::string(kBase64SentinelSuffix);
}

std::optional<std::string> decode_header_value(std::string_view header_value) {
  if (!is_base64_sentinel(header_value)) return std::string(header_value);
  const std::size_t framing = kBase64SentinelPrefix.size() + kBase64SentinelSuffix.size();
  return base64_decode(
      header_value.substr(kBase64SentinelPrefix.size(), header_value.size() - framing));
}

}  // namespace mcpgym
