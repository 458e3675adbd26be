#include "reference/mcp/http_wire.hpp"

#include <algorithm>
#include <cctype>

#include "common/error_ids.hpp"
#include "common/text.hpp"

namespace mcpgym::mcp {

namespace {

// A chunk-size line longer than this is not a size (16 hex digits plus room
// for chunk extensions, which are ignored).
constexpr std::size_t kMaxChunkLine = 1024;
// Trailer fields after the last chunk are read and dropped, up to this many bytes.
constexpr std::size_t kMaxTrailerBytes = 64 * 1024;

}  // namespace

std::string HttpRequestMessage::header(std::string_view name) const {
  const std::string* value = head.find(name);
  return value ? *value : std::string();
}

void HttpResponseMessage::set_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

void HttpResponseMessage::set_content(std::string content, std::string type) {
  body = std::move(content);
  content_type = std::move(type);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string serialize_response(const HttpResponseMessage& response, bool keep_alive,
                               bool head_request) {
  std::string out;
  out.reserve(256 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  if (!response.content_type.empty()) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\n";
  }
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(response.body.size());
  out += "\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head_request) out += response.body;
  return out;
}

ChunkedBodyDecoder::State ChunkedBodyDecoder::reject(int status, std::string_view id,
                                                     std::string text) {
  rejection_ = {status, id, std::move(text)};
  return State::kRejected;
}

ChunkedBodyDecoder::State ChunkedBodyDecoder::feed(std::string_view received) {
  offset_ = 0;
  while (offset_ < received.size()) {
    const std::string_view rest = received.substr(offset_);
    switch (phase_) {
      case Phase::kSize: {
        const auto nl = rest.find('\n');
        if (nl == std::string_view::npos) {
          if (rest.size() > kMaxChunkLine) {
            return reject(400, err::kBadRequest, "Bad Request: a chunk-size line is too long");
          }
          return State::kIncomplete;
        }
        std::size_t size = 0;
        std::size_t digits = 0;
        for (; digits < nl && hex_digit_value(rest[digits]) >= 0; ++digits) {
          if (digits >= 15) {
            return reject(413, err::kPayloadTooLarge, payload_too_large_text(max_body_bytes_));
          }
          size = size * 16 + static_cast<std::size_t>(hex_digit_value(rest[digits]));
        }
        const char after = digits < nl ? rest[digits] : '\n';
        if (digits == 0 ||
            (after != ';' && after != '\r' && after != '\n' && after != ' ' && after != '\t')) {
          return reject(400, err::kBadRequest, "Bad Request: a malformed chunk size");
        }
        if (size > max_body_bytes_ - body_.size()) {
          return reject(413, err::kPayloadTooLarge, payload_too_large_text(max_body_bytes_));
        }
        offset_ += nl + 1;
        remaining_ = size;
        phase_ = size == 0 ? Phase::kTrailer : Phase::kData;
        break;
      }
      case Phase::kData: {
        const std::size_t take = std::min(remaining_, rest.size());
        body_.append(rest.data(), take);
        offset_ += take;
        remaining_ -= take;
        if (remaining_ == 0) phase_ = Phase::kDataEnd;
        break;
      }
      case Phase::kDataEnd: {
        // CRLF (or a bare LF) after the chunk's data.
        if (rest[0] == '\n') {
          offset_ += 1;
        } else if (rest[0] == '\r') {
          if (rest.size() < 2) return State::kIncomplete;
          if (rest[1] != '\n') {
            return reject(400, err::kBadRequest, "Bad Request: chunk data not followed by CRLF");
          }
          offset_ += 2;
        } else {
          return reject(400, err::kBadRequest, "Bad Request: chunk data not followed by CRLF");
        }
        phase_ = Phase::kSize;
        break;
      }
      case Phase::kTrailer: {
        const auto nl = rest.find('\n');
        if (nl == std::string_view::npos) {
          if (trailer_bytes_ + rest.size() > kMaxTrailerBytes) {
            return reject(431, err::kHeaderFieldsTooLarge,
                          "Request Header Fields Too Large: the chunked trailer exceeds " +
                              std::to_string(kMaxTrailerBytes) + " bytes");
          }
          return State::kIncomplete;
        }
        trailer_bytes_ += nl + 1;
        offset_ += nl + 1;
        const bool empty_line = nl == 0 || (nl == 1 && rest[0] == '\r');
        if (empty_line) return State::kComplete;
        if (trailer_bytes_ > kMaxTrailerBytes) {
          return reject(431, err::kHeaderFieldsTooLarge,
                        "Request Header Fields Too Large: the chunked trailer exceeds " +
                            std::to_string(kMaxTrailerBytes) + " bytes");
        }
        break;
      }
    }
  }
  return State::kIncomplete;
}

}  // namespace mcpgym::mcp
