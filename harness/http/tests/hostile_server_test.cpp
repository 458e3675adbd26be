// RawHttpClient against hostile servers: every exchange ends within its one
// deadline (plus a margin), reads no more than its caps, and says which fault
// it met with a stable [mcpgym.http_client.*] identifier.
#include <gtest/gtest.h>

#include "harness/http/raw_http.hpp"
#include "harness/http/tests/hostile_exchange.hpp"
#include "harness/http/tests/scripted_server.hpp"

namespace mcpgym::harness {
namespace {

using namespace testing;  // harness::testing: the scripted server and the hostile bounds
using std::chrono::milliseconds;
using Connection = ScriptedServer::Connection;

const std::string kOkHead = "HTTP/1.1 200 OK\r\n";

struct Outcome {
  Expected<HttpExchange, std::string> result;
  Clock::duration took;
  std::size_t bytes_read;
};

Outcome post(int port, HttpLimits limits = {}, milliseconds timeout = kDeadline) {
  RawHttpClient client("127.0.0.1", port, timeout, limits);
  const auto start = Clock::now();
  auto result = client.send({"POST", "/mcp", {{"Content-Type", "application/json"}}, "{}"});
  return {std::move(result), Clock::now() - start, client.last_bytes_read()};
}

std::string error_of(const Outcome& outcome) {
  return outcome.result ? "(no error: HTTP " + std::to_string(outcome.result->status) + ")"
                        : outcome.result.error();
}

// The exchange ended within its deadline and a margin.
void ExpectBounded(const Outcome& outcome, milliseconds timeout = kDeadline) {
  EXPECT_LT(outcome.took, timeout + kMargin);
}

// Writes `bytes` again and again until the client goes away.
ScriptedServer::Script endless(std::string head, std::string bytes) {
  return [head, bytes](const Connection& c) {
    if (!c.write(head)) return;
    while (c.write(bytes)) {
    }
  };
}

TEST(HostileServer, RefusedConnectionIsNamed) {
  int port = 0;
  {
    port = ScriptedServer([](const Connection&) {}).port();
  }  // bound, then closed
  const Outcome outcome = post(port);
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.refused] " + on(port) +
                                   "the connection was refused (nothing listens on 127.0.0.1:" +
                                   std::to_string(port) + ")");
}

// A listener that never accepts, its backlog filled: Linux drops further SYNs,
// so a connect neither succeeds nor is refused.
class FullBacklog {
 public:
  FullBacklog() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener_, 0) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("no listener");
    }
    port_ = ntohs(addr.sin_port);
    for (int& fd : fillers_) {
      fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), len);
    }
  }
  ~FullBacklog() {
    for (int fd : fillers_)
      ::close(fd);
    ::close(listener_);
  }
  int port() const { return port_; }

 private:
  int listener_ = -1;
  int fillers_[4] = {-1, -1, -1, -1};
  int port_ = 0;
};

TEST(HostileServer, ConnectionNeverEstablishedIsAConnectTimeout) {
  FullBacklog backlog;
  const Outcome outcome = post(backlog.port(), {}, milliseconds(300));
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.connect_timeout] " + on(backlog.port()) +
                                   "no connection within the call's deadline of 300 ms");
  ExpectBounded(outcome, milliseconds(300));
}

TEST(HostileServer, ServerThatSaysNothingIsAHang) {
  ScriptedServer server([](const Connection& c) { c.hold(); });
  const Outcome outcome = post(server.port());
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.hang] " + on(server.port()) +
                                   "nothing arrived within the call's deadline of 1000 ms");
  ExpectBounded(outcome);
}

TEST(HostileServer, DripIsADeadlineWhileBytesArriveNotAHang) {
  ScriptedServer server([](const Connection& c) {
    const std::string answer = kOkHead + "Content-Length: 100\r\n\r\n" + std::string(100, 'x');
    for (char byte : answer) {
      if (!c.write(std::string(1, byte)) || !c.pause(50)) return;
    }
  });
  const Outcome outcome = post(server.port());
  EXPECT_EQ(counts_masked(error_of(outcome)), deadline_passed_masked(server.port()));
  ExpectBounded(outcome);
}

TEST(HostileServer, EndlessBodyEndsAtTheCap) {
  ScriptedServer server(endless(kOkHead + "\r\n", std::string(64 * 1024, 'x')));
  HttpLimits limits;
  limits.max_body_bytes = 1024 * 1024;
  const Outcome outcome = post(server.port(), limits);
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.body_too_large] " + on(server.port()) +
                                   "the body passed the cap of 1048576 bytes (max_body_bytes); the "
                                   "rest was not read");
  EXPECT_LE(outcome.bytes_read, limits.max_body_bytes + kOkHead.size() + 3);
  ExpectBounded(outcome);
}

// The defaults: 64 MiB is reached in well under the 20 s deadline on loopback.
// docs/reliability.md quotes this test's peak RSS (/usr/bin/time -v).
TEST(HostileServer, EndlessBodyEndsAtTheDefaultCap) {
  ScriptedServer server(endless(kOkHead + "\r\n", std::string(64 * 1024, 'x')));
  const Outcome outcome = post(server.port(), {}, milliseconds(20'000));
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.body_too_large] " + on(server.port()) +
                                   "the body passed the cap of 67108864 bytes (max_body_bytes); "
                                   "the rest was not read");
  EXPECT_LE(outcome.bytes_read, HttpLimits{}.max_body_bytes + kOkHead.size() + 3);
}

TEST(HostileServer, EndlessBodyUnderALargeCapEndsAtTheDeadline) {
  ScriptedServer server([](const Connection& c) {
    if (!c.write(kOkHead + "\r\n")) return;
    while (c.write(std::string(1024, 'x')) && c.pause(10)) {
    }
  });
  const Outcome outcome = post(server.port());
  EXPECT_EQ(counts_masked(error_of(outcome)), deadline_passed_masked(server.port()));
  ExpectBounded(outcome);
}

TEST(HostileServer, ContentLengthOverTheCapIsRefusedUnread) {
  ScriptedServer server(endless(kOkHead + "Content-Length: 5000000000\r\n\r\n", "xxxx"));
  const Outcome outcome = post(server.port());
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.body_too_large] " + on(server.port()) +
                                   "the Content-Length of 5000000000 bytes is over the cap of "
                                   "67108864 bytes (max_body_bytes); the body was not read");
  EXPECT_LE(outcome.bytes_read, 64u * 1024 + 1);
}

TEST(HostileServer, ChunkedBodyOverTheCapEndsAtTheCap) {
  ScriptedServer server(endless(kOkHead + "Transfer-Encoding: chunked\r\n\r\n",
                                "1000\r\n" + std::string(4096, 'y') + "\r\n"));
  HttpLimits limits;
  limits.max_body_bytes = 100'000;
  const Outcome outcome = post(server.port(), limits);
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.body_too_large] " + on(server.port()) +
                                   "the body passed the cap of 100000 bytes (max_body_bytes); the "
                                   "rest was not read");
  EXPECT_LE(outcome.bytes_read, limits.max_body_bytes + 2 * 16 * 1024);
}

TEST(HostileServer, HundredThousandHeadersAreTooMany) {
  std::string head = kOkHead;
  for (int i = 0; i < 100'000; ++i)
    head += "X: y\r\n";
  ScriptedServer server([head](const Connection& c) { c.write(head); });
  const Outcome outcome = post(server.port());
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.too_many_headers] " + on(server.port()) +
                                   "the response head has more than 256 header fields "
                                   "(max_header_fields); the rest was not read");
  EXPECT_LE(outcome.bytes_read, 64u * 1024 + 1);
}

TEST(HostileServer, TenMegabyteHeaderLineIsTooLarge) {
  ScriptedServer server([](const Connection& c) {
    c.write(kOkHead + "X-Big: " + std::string(10 * 1024 * 1024, 'z') + "\r\n\r\n");
  });
  const Outcome outcome = post(server.port());
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.head_too_large] " + on(server.port()) +
                                   "the response head passed the cap of 65536 bytes "
                                   "(max_head_bytes) without ending; the rest was not read");
  EXPECT_LE(outcome.bytes_read, 64u * 1024 + 1);
  ExpectBounded(outcome);
}

TEST(HostileServer, BogusStatusLineIsQuoted) {
  ScriptedServer server([](const Connection& c) { c.write("HTTX/1.1 200 OK\r\n\r\n{}"); });
  EXPECT_EQ(error_of(post(server.port())),
            "[mcpgym.http_client.bad_status_line] " + on(server.port()) +
                "the answer does not start with an HTTP/1.x status line: \"HTTX/1.1 200 OK\\x0d\"");
}

TEST(HostileServer, GarbageWithoutNewlineIsABadStatusLineAtOnce) {
  ScriptedServer server([](const Connection& c) {
    c.write("garbage");
    c.hold();
  });
  const Outcome outcome = post(server.port());
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.bad_status_line] " + on(server.port()) +
                                   "the answer does not start with an HTTP/1.x status line: "
                                   "\"garbage\"");
  EXPECT_LT(outcome.took, kDeadline);  // no need to wait for the line's end
}

TEST(HostileServer, CloseAfterNBodyBytesIsAReset) {
  ScriptedServer server([](const Connection& c) {
    c.write(kOkHead + "Content-Length: 1000\r\n\r\n" + std::string(100, 'x'));
  });
  EXPECT_EQ(error_of(post(server.port())),
            "[mcpgym.http_client.reset] " + on(server.port()) +
                "the connection was closed after 100 of the 1000 body bytes that Content-Length "
                "announced");
}

TEST(HostileServer, CloseMidChunkIsAReset) {
  ScriptedServer server([](const Connection& c) {
    c.write(kOkHead + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nabc");
  });
  EXPECT_EQ(
      error_of(post(server.port())),
      "[mcpgym.http_client.reset] " + on(server.port()) +
          "the connection was closed in the middle of the chunked body (inside a chunk) after "
          "8 body bytes");
}

TEST(HostileServer, CloseBeforeAnswering) {
  ScriptedServer server([](const Connection&) {});
  EXPECT_EQ(error_of(post(server.port())),
            "[mcpgym.http_client.reset] " + on(server.port()) +
                "the connection was closed before any byte of the answer arrived");
}

TEST(HostileServer, ConflictingContentLengthsAreBadFraming) {
  ScriptedServer server([](const Connection& c) {
    c.write(kOkHead + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
  });
  EXPECT_EQ(error_of(post(server.port())),
            "[mcpgym.http_client.bad_framing] " + on(server.port()) +
                "the answer announces two different Content-Length values, 2 and 3");
}

TEST(HostileServer, ObserverEndsAnEndlessStreamAtOnce) {
  ScriptedServer server(
      endless(kOkHead + "Content-Type: text/event-stream\r\n\r\ndata: {}\n\n", ": keep-alive\n\n"));
  RawHttpClient client("127.0.0.1", server.port(), kDeadline);
  const auto start = Clock::now();
  auto result =
      client.send({"POST", "/mcp", {}, "{}"}, [](const HttpExchange& so_far, std::string_view) {
        return so_far.body.find("\n\n") != std::string::npos;
      });
  ASSERT_TRUE(result) << result.error();
  EXPECT_TRUE(result->cut_short);
  EXPECT_EQ(result->body.substr(0, 10), "data: {}\n\n");
  EXPECT_LT(Clock::now() - start, kDeadline);
}

TEST(HostileServer, EventStreamHasItsOwnCap) {
  ScriptedServer server(
      endless(kOkHead + "Content-Type: text/event-stream\r\n\r\n", std::string(4096, ':') + "\n"));
  HttpLimits limits;
  limits.max_sse_bytes = 200'000;
  const Outcome outcome = post(server.port(), limits);
  EXPECT_EQ(error_of(outcome), "[mcpgym.http_client.body_too_large] " + on(server.port()) +
                                   "the event stream passed the cap of 200000 bytes "
                                   "(max_sse_bytes); the rest was not read");
  EXPECT_LE(outcome.bytes_read, limits.max_sse_bytes + 1024);
}

TEST(KeepAlive, OneConnectionCarriesSeveralExchanges) {
  ScriptedServer server([](const Connection& c) {
    do {
      if (!c.write(kOkHead + "Content-Length: 2\r\n\r\nok")) return;
    } while (c.read_request());
  });
  RawHttpClient client("127.0.0.1", server.port(), kDeadline);
  for (int i = 0; i < 3; ++i) {
    auto result = client.send({"GET", "/x", {}, ""});
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->body, "ok");
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.requests(), 3);
}

TEST(KeepAlive, AConnectionTheServerClosedIsReplaced) {
  ScriptedServer server(
      [](const Connection& c) { c.write(kOkHead + "Content-Length: 2\r\n\r\nok"); });
  RawHttpClient client("127.0.0.1", server.port(), kDeadline);
  for (int i = 0; i < 3; ++i) {
    auto result = client.send({"GET", "/x", {}, ""});
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->body, "ok");
  }
  EXPECT_EQ(server.connections(), 3);
}

}  // namespace
}  // namespace mcpgym::harness
