#pragma once
// The head of an HTTP/1.1 request (request line and header fields, RFC 9112
// §3, §5), parsed from the bytes received so far. Pure: no sockets, no
// allocation beyond the result, never throws, so a fuzz target can call it
// with any bytes. The server's HTTP transport calls it after every read until
// the head is complete or refused.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpgym::mcp {

struct RequestHeadLimits {
  // Bytes from the request line to the blank line that ends the head.
  std::size_t max_head_bytes = 64 * 1024;
  std::size_t max_header_count = 100;
  // The largest body announced by Content-Length; larger is refused (413)
  // before a byte of the body is read. A chunked body is counted as it comes.
  std::size_t max_body_bytes = 4 * 1024 * 1024;
};

enum class BodyFraming {
  kNone,     // no body (no Content-Length, no Transfer-Encoding)
  kLength,   // Content-Length bytes follow the head
  kChunked,  // Transfer-Encoding: chunked
};

struct RequestHead {
  std::string method;     // "POST", as received (case-sensitive, RFC 9110 §9.1)
  std::string target;     // the request-target as received: "/mcp?x=1"
  std::string path;       // the target up to '?'
  int minor_version = 1;  // HTTP/1.<minor_version>
  // Every field in order, names as received, values without surrounding whitespace.
  std::vector<std::pair<std::string, std::string>> headers;
  BodyFraming framing = BodyFraming::kNone;
  std::size_t content_length = 0;  // with kLength
  // HTTP/1.1 without "Connection: close", or HTTP/1.0 with "Connection: keep-alive".
  bool keep_alive = true;
  // "Expect: 100-continue" (RFC 9110 §10.1.1): the client waits for a 100 before the body.
  bool expects_continue = false;
  // Bytes the head took, including the blank line (and any empty lines before it).
  std::size_t head_bytes = 0;

  // The first field named `name` (case-insensitive), or nullptr.
  const std::string* find(std::string_view name) const;
};

// Why a head was refused: the HTTP status, the error identifier, the text
// after it ("Bad Request: ...").
struct HeadRejection {
  int status = 400;
  std::string_view error_id;
  std::string text;
};

struct HeadParse {
  enum class State { kIncomplete, kComplete, kRejected };
  State state = State::kIncomplete;
  // With kComplete; with kRejected too when has_head (the head was read
  // whole and refused for its framing, e.g. a Content-Length over the limit).
  RequestHead head;
  bool has_head = false;
  HeadRejection rejection;  // with kRejected
};

// The head at the start of `bytes`: complete, refused, or not yet all there
// (and still within the limits).
HeadParse parse_request_head(std::string_view bytes, const RequestHeadLimits& limits = {});

// "Payload Too Large: the request body exceeds N bytes (the server's --max-body)".
std::string payload_too_large_text(std::size_t max_body_bytes);

}  // namespace mcpgym::mcp
