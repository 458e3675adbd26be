#pragma once
// Small mutants of a correct implementation, for proving that checks can fail:
// an HTTP front on 127.0.0.1 (port 0) that forwards every request to an
// upstream server (usually testkit::InProcessBackend) and lets a test rewrite
// the request on its way in and the response on its way out. A check run
// against the front's url() then meets exactly one broken behaviour.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "harness/http/raw_http.hpp"

namespace mcpgym::conformance::testing {

struct ForwardedRequest {
  std::string method;
  std::string path;
  harness::HeaderList headers;  // as received (names lower-cased)
  std::string body;
  // The client's TCP port: one per connection (cpp-httplib serves each
  // keep-alive connection on one worker thread, as Python's threading server does).
  int remote_port = 0;
};

struct ForwardedResponse {
  int status = 0;
  harness::HeaderList headers;  // as received from upstream (names lower-cased)
  std::string body;
};

class MutantFront {
 public:
  // Rewrites a request before it is forwarded; may also answer it itself by
  // returning a response (then nothing is forwarded).
  using RequestHook = std::function<std::optional<ForwardedResponse>(ForwardedRequest&)>;
  // Rewrites the upstream's response before it is returned.
  using ResponseHook = std::function<void(const ForwardedRequest&, ForwardedResponse&)>;

  MutantFront(std::string upstream_host, int upstream_port, RequestHook on_request = {},
              ResponseHook on_response = {});
  ~MutantFront();
  MutantFront(const MutantFront&) = delete;
  MutantFront& operator=(const MutantFront&) = delete;

  int port() const;
  std::string url() const;  // http://127.0.0.1:<port>/mcp

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Header helpers for hooks.
std::string get_header(const harness::HeaderList& headers, std::string_view name);
void set_header(harness::HeaderList& headers, std::string_view name, std::string value);
void remove_header(harness::HeaderList& headers, std::string_view name);

}  // namespace mcpgym::conformance::testing
