#pragma once
// Raw HTTP exchanges with an implementation under test: the request exactly as
// sent and the response exactly as it came, for checks that must send
// deliberately wrong requests and judge status codes and bodies. Failures to
// exchange at all (refused, timed out) are values that say what was attempted.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reference/common/expected.hpp"

namespace httplib {
class Client;
}

namespace mcpgym::harness {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

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

  // Case-insensitive; empty when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

// The headers a well-behaved Streamable HTTP client puts on every POST.
HeaderList mcp_post_headers(const std::optional<std::string>& session_id = std::nullopt,
                            const std::optional<std::string>& protocol_version = std::nullopt);

// One keep-alive connection to host:port. Not thread-safe: one per thread.
class RawHttpClient {
 public:
  RawHttpClient(std::string host, int port, std::chrono::milliseconds timeout);
  ~RawHttpClient();
  RawHttpClient(RawHttpClient&&) noexcept;
  RawHttpClient& operator=(RawHttpClient&&) noexcept;

  Expected<HttpExchange, std::string> send(HttpRequest request);

  const std::string& host() const { return host_; }
  int port() const { return port_; }

 private:
  std::string host_;
  int port_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace mcpgym::harness
