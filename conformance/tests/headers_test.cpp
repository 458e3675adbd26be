// The transport checks (conformance/checks/headers.cpp): each passes against
// the reference backend (and, all at once, the reference proxy and the
// reference in SSE mode), and each fails (MUST) or warns (SHOULD) against a
// MutantFront with one broken behaviour in front of an in-process reference,
// or against an in-process reference configured out of the rule.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "conformance/tests/front_fixture.hpp"

namespace mcpgym::conformance::testing {
namespace {

using json = nlohmann::json;

const std::vector<std::string> kHeaderIds = {
    "headers.accept-missing",
    "headers.accept-partial",
    "headers.content-type",
    "headers.body-too-large",
    "headers.parse-error",
    "headers.notification-accepted",
    "headers.response-content-type",
    "headers.get-endpoint",
    "headers.foreign-origin",
    "headers.foreign-host",
    "headers.protocol-version-unsupported",
    "headers.batch-rejected",
    "headers.rejection-body",
};

// A front that repairs what HTTP-003 rejects: any Accept becomes the full list.
std::optional<ForwardedResponse> fix_accept(ForwardedRequest& req) {
  if (req.method == "POST")
    set_header(req.headers, "accept", "application/json, text/event-stream");
  return std::nullopt;
}

// --- Against the reference -------------------------------------------------

void expect_all_pass(const Profile& profile) {
  testing::expect_all_pass(profile, {"headers.*"}, kHeaderIds);
}

TEST(HeaderChecks, AllPassAgainstTheReferenceBackend) {
  expect_all_pass(reference_backend_profile());
}

TEST(HeaderChecks, AllPassAgainstTheReferenceInSseMode) {
  expect_all_pass(reference_backend_profile({"--response-mode", "sse"}));
}

TEST(HeaderChecks, AllPassAgainstTheReferenceProxy) {
  expect_all_pass(reference_proxy_profile());
}

TEST(HeaderChecks, AllPassThroughAnUnchangedFront) {
  Mutant m({}, {});
  expect_all_pass(m.profile);
}

TEST(HeaderChecks, McpKindRunsThemAll) {
  Mutant m({}, {});
  m.profile.kind = ProfileKind::kMcp;
  auto results = run_checks(m.profile, {"headers.*"});
  EXPECT_EQ(ids_with(results, Verdict::kPass).size(), kHeaderIds.size());
}

TEST(HeaderChecks, AreFastAgainstTheReferenceBackend) {
  const auto start = std::chrono::steady_clock::now();
  auto results = run_checks(reference_backend_profile(), {"headers.*", "lifecycle.*"});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(5));
  for (const auto& r : results)
    EXPECT_LT(r.duration, std::chrono::milliseconds(1500)) << r.id;
}

// --- HTTP-003 ---------------------------------------------------------------

TEST(HeaderChecks, AcceptMissingWarnsWhenTheFrontFixesAccept) {
  auto r = run_mutant("headers.accept-missing", fix_accept);
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 406 for a ping without an Accept header");
  EXPECT_EQ(r.actual, R"(HTTP 200 with body {"id":7,"jsonrpc":"2.0","result":{}})");
  ASSERT_FALSE(r.details.empty());
  EXPECT_NE(r.details.front().find("`Accept: */*`"), std::string::npos) << describe(r);
}

TEST(HeaderChecks, AcceptPartialWarnsWhenTheFrontFixesAccept) {
  auto r = run_mutant("headers.accept-partial", fix_accept);
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 406 for a ping with only `Accept: application/json`");
  EXPECT_EQ(r.actual, R"(HTTP 200 with body {"id":7,"jsonrpc":"2.0","result":{}})");
}

TEST(HeaderChecks, AcceptPartialWarnsWhenOnlyTheSseHalfIsMissed) {
  // Repairs `Accept: text/event-stream` only: the second case catches it.
  auto r = run_mutant("headers.accept-partial",
                      [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
                        if (get_header(req.headers, "accept") == "text/event-stream") {
                          set_header(req.headers, "accept", "application/json, text/event-stream");
                        }
                        return std::nullopt;
                      });
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 406 for a ping with only `Accept: text/event-stream`");
}

TEST(HeaderChecks, AcceptChecksWarnAgainstALenientReference) {
  auto options = testkit::InProcessBackend::default_options();
  options.lenient_accept = true;
  testkit::InProcessBackend lenient({}, options);
  for (const char* id : {"headers.accept-missing", "headers.accept-partial"}) {
    auto r = run_check(url_profile(lenient.url()), id);
    EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  }
}

// --- HTTP-004, HTTP-005, HTTP-006 ---------------------------------------------

TEST(HeaderChecks, ContentTypeWarnsWhenTheFrontFixesIt) {
  auto r = run_mutant("headers.content-type",
                      [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
                        if (req.method == "POST")
                          set_header(req.headers, "content-type", "application/json");
                        return std::nullopt;
                      });
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 415 for a ping with `Content-Type: text/plain`");
  EXPECT_EQ(r.actual, R"(HTTP 200 with body {"id":7,"jsonrpc":"2.0","result":{}})");
}

TEST(HeaderChecks, BodyTooLargeWarnsWithoutA4MiBLimit) {
  auto options = testkit::InProcessBackend::default_options();
  options.max_body_bytes = 64 * 1024 * 1024;
  testkit::InProcessBackend roomy({}, options);
  auto r = run_check(url_profile(roomy.url()), "headers.body-too-large");
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 413 for a 4194305-byte ping (4 MiB + 1)");
  EXPECT_EQ(r.actual, R"(HTTP 200 with body {"id":7,"jsonrpc":"2.0","result":{}})");
}

TEST(HeaderChecks, BodyTooLargePassesAtTheLimitThroughAFront) {
  Mutant m({}, {});
  auto r = run_check(m.profile, "headers.body-too-large");
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
}

TEST(HeaderChecks, ParseErrorFailsWhenAnswered200) {
  auto r =
      run_mutant("headers.parse-error", {}, [](const ForwardedRequest&, ForwardedResponse& res) {
        if (res.status == 400 && res.body.find("-32700") != std::string::npos) res.status = 200;
      });
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected,
            "HTTP 400 with error -32700 and \"id\": null for the body "
            "`{\"jsonrpc\":\"2.0\",\"id\":7,`");
  expect_verdict(r, Verdict::kFail, "HTTP 200 with body {");
}

TEST(HeaderChecks, ParseErrorFailsWithAnotherCode) {
  auto r =
      run_mutant("headers.parse-error", {}, [](const ForwardedRequest&, ForwardedResponse& res) {
        json a = json::parse(res.body, nullptr, false);
        if (res.status == 400 && a.is_object() && a.contains("error") &&
            a["error"]["code"] == -32700) {
          a["error"]["code"] = -32600;
          res.body = a.dump();
        }
      });
  expect_verdict(r, Verdict::kFail, "HTTP 400 with body {\"error\":{\"code\":-32600");
}

// --- HTTP-007, HTTP-008, HTTP-009 ---------------------------------------------

TEST(HeaderChecks, NotificationAcceptedFailsWithABody) {
  auto r = run_mutant("headers.notification-accepted", {},
                      [](const ForwardedRequest& req, ForwardedResponse& res) {
                        if (method_of(req) == "notifications/cancelled") res.body = "{}";
                      });
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 202 with no body for notifications/cancelled");
  EXPECT_EQ(r.actual, "HTTP 202 with body {}");
}

TEST(HeaderChecks, NotificationAcceptedFailsWith200) {
  auto r = run_mutant("headers.notification-accepted", {},
                      [](const ForwardedRequest& req, ForwardedResponse& res) {
                        if (method_of(req) == "notifications/cancelled") res.status = 200;
                      });
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.actual, "HTTP 200 with an empty body");
}

TEST(HeaderChecks, ResponseContentTypeFailsWithTextPlain) {
  auto r = run_mutant("headers.response-content-type", {},
                      [](const ForwardedRequest& req, ForwardedResponse& res) {
                        if (method_of(req) == "ping")
                          set_header(res.headers, "content-type", "text/plain");
                      });
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  expect_verdict(r, Verdict::kFail, "Content-Type text/plain");
}

TEST(HeaderChecks, ResponseContentTypeFailsWithAJsonArray) {
  auto r = run_mutant("headers.response-content-type", {},
                      [](const ForwardedRequest& req, ForwardedResponse& res) {
                        if (method_of(req) == "ping") res.body = "[" + res.body + "]";
                      });
  expect_verdict(r, Verdict::kFail, "application/json but not one JSON object");
}

TEST(HeaderChecks, GetEndpointFailsWithoutAllow) {
  auto r = run_mutant("headers.get-endpoint", {},
                      [](const ForwardedRequest& req, ForwardedResponse& res) {
                        if (req.method == "GET") remove_header(res.headers, "allow");
                      });
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 405 with Allow naming POST and DELETE, or a 200 text/event-stream");
  expect_verdict(r, Verdict::kFail, "HTTP 405 with body {");
  expect_verdict(r, Verdict::kFail, ", no Allow header");
}

TEST(HeaderChecks, GetEndpointFailsWith404) {
  auto r = run_mutant(
      "headers.get-endpoint", [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
        if (req.method != "GET") return std::nullopt;
        return ForwardedResponse{.status = 404, .headers = {}, .body = "no such path"};
      });
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.actual, "HTTP 404 with body no such path, no Allow header");
}

TEST(HeaderChecks, GetEndpointAcceptsACompleteSseAnswer) {
  auto r = run_mutant("headers.get-endpoint",
                      [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
                        if (req.method != "GET") return std::nullopt;
                        return ForwardedResponse{.status = 200,
                                                 .headers = {{"content-type", "text/event-stream"}},
                                                 .body = ": stream\n\n"};
                      });
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
}

// A server that offers a GET stream and holds it open: POST and DELETE go to
// an in-process reference; GET gets an SSE stream that stays open (up to 10 s).
struct StreamingServer {
  testkit::InProcessBackend backend;
  httplib::Server server;
  std::thread thread;
  int port = -1;
  std::atomic<bool> stopping{false};

  StreamingServer() {
    auto forward = [this](const httplib::Request& req, httplib::Response& res) {
      httplib::Client client("127.0.0.1", backend.port());
      httplib::Headers headers;
      for (const auto& [k, v] : req.headers) {
        if (k != "Content-Length" && k != "REMOTE_ADDR" && k != "REMOTE_PORT" &&
            k != "LOCAL_ADDR" && k != "LOCAL_PORT") {
          headers.emplace(k, v);
        }
      }
      httplib::Request up;
      up.method = req.method;
      up.path = req.path;
      up.headers = headers;
      up.body = req.body;
      auto result = client.send(up);
      if (!result) {
        res.status = 502;
        return;
      }
      res.status = result->status;
      for (const auto& [k, v] : result->headers) {
        if (k == "Mcp-Session-Id" || k == "mcp-session-id") res.set_header(k, v);
      }
      if (!result->body.empty()) {
        res.set_content(result->body, result->get_header_value("Content-Type"));
      }
    };
    server.Post("/mcp", forward);
    server.Delete("/mcp", forward);
    server.Get("/mcp", [this](const httplib::Request&, httplib::Response& res) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      res.set_chunked_content_provider("text/event-stream",
                                       [this, until](std::size_t, httplib::DataSink& sink) {
                                         if (stopping || std::chrono::steady_clock::now() > until)
                                           return false;
                                         const std::string event = ": keep-alive\n\n";
                                         if (!sink.write(event.data(), event.size())) return false;
                                         std::this_thread::sleep_for(std::chrono::milliseconds(50));
                                         return true;
                                       });
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!server.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~StreamingServer() {
    stopping = true;
    server.stop();
    if (thread.joinable()) thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/mcp"; }
};

TEST(HeaderChecks, GetEndpointDoesNotHangOnAHeldSseStream) {
  StreamingServer s;
  ASSERT_GT(s.port, 0);
  const auto start = std::chrono::steady_clock::now();
  auto r = run_check(url_profile(s.url()), "headers.get-endpoint");
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_EQ(r.actual, "a 200 text/event-stream (a server-to-client stream)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

// --- HTTP-010, HTTP-011, HTTP-012 ---------------------------------------------

TEST(HeaderChecks, ForeignOriginFailsWhenTheFrontDropsOrigin) {
  auto r = run_mutant("headers.foreign-origin",
                      [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
                        remove_header(req.headers, "origin");
                        return std::nullopt;
                      });
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 403 for a ping with `Origin: http://evil.example.com`");
  EXPECT_EQ(r.actual, R"(HTTP 200 with body {"id":7,"jsonrpc":"2.0","result":{}})");
}

TEST(HeaderChecks, ForeignHostWarnsWhenTheFrontRewritesHost) {
  auto r = run_mutant("headers.foreign-host",
                      [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
                        set_header(req.headers, "host", "127.0.0.1");
                        return std::nullopt;
                      });
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 403 for a ping with `Host: evil.example.com`");
  EXPECT_EQ(r.actual, R"(HTTP 200 with body {"id":7,"jsonrpc":"2.0","result":{}})");
}

TEST(HeaderChecks, ProtocolVersionFailsWhenTheHeaderIsIgnored) {
  auto r =
      run_mutant("headers.protocol-version-unsupported",
                 [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
                   const std::string v = get_header(req.headers, "mcp-protocol-version");
                   if (!v.empty() && v != "2025-03-26" && v != "2025-06-18" && v != "2025-11-25") {
                     remove_header(req.headers, "mcp-protocol-version");
                   }
                   return std::nullopt;
                 });
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 400 for a ping with `MCP-Protocol-Version: 1999-01-01`");
  EXPECT_EQ(r.actual, R"(HTTP 200 with body {"id":7,"jsonrpc":"2.0","result":{}})");
}

// --- HTTP-014, HTTP-015 -----------------------------------------------------

TEST(HeaderChecks, BatchRejectedWarnsWhenABatchIsAnswered) {
  auto r = run_mutant(
      "headers.batch-rejected", [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
        if (req.body.empty() || req.body.front() != '[') return std::nullopt;
        return ForwardedResponse{.status = 200,
                                 .headers = {{"content-type", "application/json"}},
                                 .body = R"([{"jsonrpc":"2.0","id":7,"result":{}}])"};
      });
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 400 with error -32600 for a one-ping batch in a 2025-11-25 session");
  EXPECT_EQ(r.actual, R"(HTTP 200 with body [{"jsonrpc":"2.0","id":7,"result":{}}])");
}

TEST(HeaderChecks, RejectionBodyWarnsOnAPlainTextRejection) {
  auto r =
      run_mutant("headers.rejection-body", {}, [](const ForwardedRequest&, ForwardedResponse& res) {
        if (res.status >= 400) {
          set_header(res.headers, "content-type", "text/plain");
          res.body = "Forbidden";
        }
      });
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  EXPECT_EQ(r.actual,
            "HTTP 403 for a ping with `Origin: http://evil.example.com` has Content-Type "
            "text/plain: HTTP 403 with body Forbidden");
}

TEST(HeaderChecks, RejectionBodyWarnsOnANonNullId) {
  auto r =
      run_mutant("headers.rejection-body", {}, [](const ForwardedRequest&, ForwardedResponse& res) {
        json a = json::parse(res.body, nullptr, false);
        if (res.status == 415 && a.is_object()) {
          a["id"] = 7;
          res.body = a.dump();
        }
      });
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  expect_verdict(r, Verdict::kWarn,
                 "HTTP 415 for a ping with `Content-Type: text/plain` has no \"id\": null");
}

}  // namespace
}  // namespace mcpgym::conformance::testing
