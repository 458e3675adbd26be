#pragma once
// The head of an HTTP/1.1 response (status line and header fields), parsed
// from raw bytes as they arrive, within limits. Pure: no sockets, no clocks,
// so a fuzz target and unit tests can call it on any bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/text.hpp"

namespace mcpgym::harness {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HeadLimits {
  std::size_t max_bytes = 64 * 1024;  // status line + header fields + the blank line
  std::size_t max_fields = 256;
};

struct ResponseHead {
  int status = 0;
  std::string reason;
  HeaderList headers;
  std::size_t size = 0;  // bytes of the head, its blank line included
};

// Why bytes cannot be a response head: the stable identifier
// ("mcpgym.http_client.bad_status_line", ...) and a sentence without it.
struct HeadFault {
  std::string_view id;
  std::string detail;
};

struct HeadParse {
  enum class State { kIncomplete, kComplete, kFailed };
  State state = State::kIncomplete;
  ResponseHead head;  // when kComplete
  HeadFault fault;    // when kFailed
};

// Parses the response head at the start of `bytes`. kIncomplete means more
// bytes are needed, and is only returned while the head can still become
// valid within `limits`: a bad status line is reported as soon as its first
// bytes cannot start one, too many fields as soon as they are seen. Line ends
// are CRLF or a bare LF. Field values keep their bytes, leading and trailing
// blanks removed; obsolete line folding is refused.
HeadParse parse_response_head(std::string_view bytes, const HeadLimits& limits = {});

// How the body that follows a head is delimited (RFC 9112 section 6.3).
struct BodyFraming {
  enum class Kind { kNone, kLength, kChunked, kUntilClose };
  Kind kind = Kind::kUntilClose;
  std::uint64_t length = 0;  // kLength
};

struct FramingParse {
  bool ok = true;
  BodyFraming framing;
  HeadFault fault;  // when !ok: mcpgym.http_client.bad_framing
};

// The framing of the body answering `request_method`: none for HEAD, 1xx, 204
// and 304; chunked when Transfer-Encoding ends in chunked; else Content-Length
// (several equal values are one; different or malformed values are a fault);
// else until the connection closes.
FramingParse body_framing(const ResponseHead& head, std::string_view request_method);

// Case-insensitive ASCII comparison, for header names: mcpgym::iequals.
using mcpgym::iequals;

}  // namespace mcpgym::harness
