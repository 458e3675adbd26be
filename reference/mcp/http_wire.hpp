#pragma once
// The pieces of HTTP/1.1 between the request head and the socket, pure and
// separately testable: the request and response the server's handlers see,
// the chunked body decoder (RFC 9112 §7.1), and the response's bytes.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reference/mcp/http_request_head.hpp"

namespace mcpgym::mcp {

// A complete request: its head and its whole (de-chunked) body.
struct HttpRequestMessage {
  RequestHead head;
  std::string body;

  const std::string& method() const { return head.method; }
  const std::string& path() const { return head.path; }
  bool has_header(std::string_view name) const { return head.find(name) != nullptr; }
  // The first value of a header, or "" when absent.
  std::string header(std::string_view name) const;
};

struct HttpResponseMessage {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides the framing ones
  std::string content_type;                                  // empty: no Content-Type
  std::string body;
  // Close the connection after this response (a rejected framing, a timeout).
  bool close = false;

  void set_header(std::string name, std::string value);
  void set_content(std::string content, std::string type);
};

// The bytes of a response, framed by Content-Length. `keep_alive` false adds
// "Connection: close". A response to HEAD carries no body but its length.
std::string serialize_response(const HttpResponseMessage& response, bool keep_alive,
                               bool head_request = false);

std::string_view reason_phrase(int status);

// Decodes a chunked body as its bytes arrive. feed() is given the bytes
// received and not yet consumed; the caller drops consumed() bytes after
// each call, so neither the raw bytes kept nor the work grow beyond the body.
class ChunkedBodyDecoder {
 public:
  enum class State { kIncomplete, kComplete, kRejected };
  explicit ChunkedBodyDecoder(std::size_t max_body_bytes) : max_body_bytes_(max_body_bytes) {}

  State feed(std::string_view received);
  // The decoded body so far (all of it with kComplete).
  std::string& body() { return body_; }
  // How many bytes of the last feed() were used (with kComplete, the rest
  // is the next request).
  std::size_t consumed() const { return offset_; }
  // With kRejected: 400 (malformed) or 413 (over the body limit), and why.
  const HeadRejection& rejection() const { return rejection_; }

 private:
  enum class Phase { kSize, kData, kDataEnd, kTrailer };
  State reject(int status, std::string_view id, std::string text);

  std::size_t max_body_bytes_;
  Phase phase_ = Phase::kSize;
  std::size_t offset_ = 0;     // bytes of the last feed() fully handled
  std::size_t remaining_ = 0;  // bytes of the current chunk still to come
  std::size_t trailer_bytes_ = 0;
  std::string body_;
  HeadRejection rejection_;
};

}  // namespace mcpgym::mcp
