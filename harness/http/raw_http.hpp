#pragma once
// Raw HTTP exchanges with an implementation under test: the request exactly as
// sent and the response exactly as it came, for checks that must send
// deliberately wrong requests and judge status codes and bodies. Failures to
// exchange at all (refused, timed out) are values that say what was attempted.
//
// The implementation under test is untrusted: one deadline bounds the whole
// exchange (connect, write, head, body), and the head and body are read within
// caps (HttpLimits), so a server that drips, streams without end or sends
// gigabytes costs at most the deadline and the caps. Each failure starts with
// a stable [mcpgym.http_client.*] identifier (docs/errors.md).
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/expected.hpp"
#include "harness/http/response_head.hpp"
#include "harness/http/socket.hpp"

namespace mcpgym::harness {

// What a response may take, far above what a real MCP server sends.
struct HttpLimits {
  std::size_t max_head_bytes = 64 * 1024;  // status line + header fields
  std::size_t max_header_fields = 256;
  std::size_t max_body_bytes = 64 * 1024 * 1024;  // a body, after de-chunking
  std::size_t max_sse_bytes = 64 * 1024 * 1024;   // a text/event-stream body
};

struct HttpRequest {
  std::string method = "POST";
  std::string path = "/mcp";
  HeaderList headers;
  std::string body;
};

struct HttpExchange {
  HttpRequest request;
  int status = 0;
  HeaderList headers;
  std::string body;
  // True when a BodyObserver ended the exchange before the body's end (the
  // rest was not read and the connection was dropped).
  bool cut_short = false;

  // Case-insensitive; empty when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

// The headers a well-behaved Streamable HTTP client puts on every POST.
HeaderList mcp_post_headers(const std::optional<std::string>& session_id = std::nullopt,
                            const std::optional<std::string>& protocol_version = std::nullopt);

// Sees a response's body as it arrives: `so_far` holds the status, the headers
// and the body up to now, `fresh` its newest bytes (empty on the first call,
// made once the head is complete). Returning true ends the exchange there: the
// rest is not read, the connection is dropped and the exchange is cut_short.
using BodyObserver = std::function<bool(const HttpExchange& so_far, std::string_view fresh)>;

// One keep-alive connection to host:port (reconnecting when the server closed
// it while idle). Not thread-safe: one per thread.
class RawHttpClient {
 public:
  // `timeout` bounds each send() as a whole.
  RawHttpClient(std::string host, int port, std::chrono::milliseconds timeout,
                HttpLimits limits = {});
  ~RawHttpClient();
  RawHttpClient(RawHttpClient&&) noexcept;
  RawHttpClient& operator=(RawHttpClient&&) noexcept;

  // The request goes out with its headers in order, and with Host, Accept
  // ("*/*"), User-Agent, Content-Type ("text/plain", for a body) and
  // Content-Length added only when the caller did not set them. A failure is
  // "[mcpgym.http_client.<id>] <METHOD> http://host:port<path>: <what went wrong>".
  Expected<HttpExchange, std::string> send(HttpRequest request);
  Expected<HttpExchange, std::string> send(HttpRequest request, const BodyObserver& observer);

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  // Bytes taken from the socket by the last send(), head and framing included:
  // what the caps bound.
  std::size_t last_bytes_read() const { return last_bytes_read_; }

 private:
  std::string host_;
  int port_;
  std::chrono::milliseconds timeout_;
  HttpLimits limits_;
  net::Socket socket_;
  std::size_t last_bytes_read_ = 0;
};

}  // namespace mcpgym::harness
