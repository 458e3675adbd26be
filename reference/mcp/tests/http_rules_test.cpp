#include "reference/mcp/http_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mcpgym::mcp {
namespace {

// One row per header value: what the predicate must say and why.
struct Case {
  std::string value;
  bool expected;
};

std::string show(const Case& c) {
  return "value: '" + c.value + "'";
}

TEST(HttpRules, AcceptNeedsBothMediaTypesListed_HTTP003) {
  const Case cases[] = {
      {"application/json, text/event-stream", true},
      {"text/event-stream, application/json", true},
      {"application/json,text/event-stream", true},
      {"APPLICATION/JSON, Text/Event-Stream", true},  // media types are case-insensitive
      {"application/json;q=0.9, text/event-stream;q=0.1", true},  // parameters are ignored
      {" application/json ; q=1 ,\ttext/event-stream ", true},
      {"text/html, application/json, */*, text/event-stream", true},
      {"application/json, text/event-stream, */*", true},
      {"application/json", false},
      {"text/event-stream", false},
      {"application/json, text/plain", false},
      {"*/*", false},  // wildcards do not count as listing a type
      {"*/*, text/event-stream", false},
      {"application/json, */*", false},
      {"application/*, text/*", false},
      {"application/*, text/event-stream", false},
      {"application/json, text/*", false},
      {"application/json-seq, text/event-stream", false},
      {"application/jsonx, text/event-stream", false},
      {"application/json, text/event-streams", false},
      {"application/json text/event-stream", false},  // not a comma-separated list
      {"", false},                                    // a missing Accept lists neither
      {",", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(accept_lists_json_and_sse(c.value), c.expected) << show(c);
}

TEST(HttpRules, ContentTypeMustBeJson_HTTP004) {
  const Case cases[] = {
      {"application/json", true},
      {"application/json; charset=utf-8", true},  // parameters are allowed
      {"application/json;charset=UTF-8", true},
      {"Application/JSON", true},
      {" application/json ", true},
      {"text/plain", false},
      {"", false},  // a missing Content-Type counts as wrong
      {"application/json-seq", false},
      {"application/jsonl", false},
      {"application/*", false},
      {"*/*", false},
      {"application/json, text/plain", false},
      {"text/event-stream", false},
      {"application/x-www-form-urlencoded", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(is_json_content_type(c.value), c.expected) << show(c);
}

TEST(HttpRules, OriginMustBeLoopback_HTTP010) {
  const Case cases[] = {
      {"http://localhost", true},
      {"https://localhost", true},
      {"http://localhost:3000", true},
      {"https://localhost:8443", true},
      {"http://LocalHost:3000", true},  // host names are case-insensitive
      {"HTTP://LOCALHOST", true},       // so are schemes (RFC 3986 §3.1)
      {"Https://127.0.0.1:9", true},
      {"http://127.0.0.1", true},
      {"http://127.0.0.1:8080", true},
      {"http://127.255.1.2", true},  // all of 127.0.0.0/8
      {"https://127.1.2.3:1", true},
      {"http://[::1]", true},
      {"http://[::1]:8080", true},
      {"null", false},  // the opaque origin is not loopback
      {"", false},
      {"http://evil.example.com", false},
      {"https://evil.example.com:443", false},
      {"http://localhost.evil.com", false},
      {"http://evil.com.localhost.evil.com", false},
      {"http://127.0.0.1.evil.com", false},
      {"http://user@localhost", false},
      {"http://localhost@evil.com", false},
      {"file://", false},
      {"file:///etc/passwd", false},
      {"ws://localhost", false},
      {"localhost", false},  // no scheme
      {"//localhost", false},
      {"http://localhost/path", false},  // origins carry no path
      {"http://localhost:3000/mcp", false},
      {"http://", false},
      {"http://localhost:", false},  // empty port
      {"http://localhost:abc", false},
      {"http://localhost:80:80", false},
      {"http://128.0.0.1", false},
      {"http://10.0.0.1", false},
      {"http://0.0.0.0", false},
      {"http://127.0.0.256", false},
      {"http://127.0.0", false},
      {"http://127.0.0.1.1", false},
      {"http://[::2]", false},
      {"http://[::1]x", false},
      {"http://[::1", false},
      {"http://::1", false},  // IPv6 literals need brackets
      {"http://[::ffff:127.0.0.1]", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(is_loopback_origin(c.value), c.expected) << show(c);
}

TEST(HttpRules, HostMustBeLoopback_HTTP011) {
  const Case cases[] = {
      {"localhost", true},
      {"localhost:8080", true},
      {"LOCALHOST:1", true},
      {"127.0.0.1", true},
      {"127.0.0.1:3000", true},
      {"127.255.255.255", true},
      {"127.10.20.30:65535", true},
      {"[::1]", true},
      {"[::1]:8080", true},
      {" localhost ", true},  // surrounding whitespace of a header value
      {"[::2]", false},
      {"[::2]:8080", false},
      {"[::1]:", false},
      {"[::1]:port", false},
      {"[::1]8080", false},
      {"[::1", false},
      {"::1", false},
      {"evil.example.com", false},  // the official dns-rebinding scenario
      {"evil.example.com:8080", false},
      {"localhost.evil.com", false},
      {"127.0.0.1.evil.com", false},
      {"localhost:abc", false},
      {"localhost:", false},
      {"localhost:123456", false},
      {"127.0.0.256", false},
      {"127.0.0.1.", false},
      {"127.0.0", false},
      {"127..0.1", false},
      {"1270.0.0.1", false},
      {"128.0.0.1", false},
      {"0.0.0.0", false},
      {"192.168.1.10:8080", false},
      {"", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(is_loopback_host(c.value), c.expected) << show(c);
}

TEST(HttpRules, BindAddressLoopbackDecidesHostChecking_HTTP002_HTTP011) {
  const Case cases[] = {
      {"127.0.0.1", true}, {"127.1.2.3", true},     {"localhost", true},    {"::1", true},
      {"0.0.0.0", false},  {"::", false},           {"192.168.0.2", false}, {"10.0.0.1", false},
      {"", false},         {"127.0.0.1:80", false}, {"example.com", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(is_loopback_bind_address(c.value), c.expected) << show(c);
}

}  // namespace
}  // namespace mcpgym::mcp
