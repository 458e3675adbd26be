// HttpTransport on its own, with a handler the test controls: what happens at
// the connection cap and at the keep-alive timeout when every worker is busy,
// pipelining, and Expect: 100-continue.
#include "reference/mcp/http_transport.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/error_ids.hpp"
#include "common/testing/raw_socket.hpp"

namespace mcpgym::mcp {
namespace {

using namespace std::chrono_literals;
using testkit::RawSocket;

HttpResponseMessage plain_rejection(int status, std::string_view id, const std::string& text,
                                    const RequestHead*) {
  HttpResponseMessage response;
  response.status = status;
  response.set_content(err::message(id, text), "text/plain");
  response.close = true;
  return response;
}

// A transport serving on its own thread, stopped and joined by the destructor.
class Running {
 public:
  Running(HttpTransportOptions options, HttpHandler handler)
      : transport_(std::move(options), std::move(handler), plain_rejection) {
    auto port = transport_.bind();
    if (!port) throw std::runtime_error(port.error());
    port_ = *port;
    thread_ = std::thread([this] { transport_.serve(); });
  }
  ~Running() {
    transport_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  HttpTransport transport_;
  int port_ = 0;
  std::thread thread_;
};

// The body echoed back, so a test sees which request an answer is for.
HttpResponseMessage echo(const HttpRequestMessage& request) {
  HttpResponseMessage response;
  response.set_content(request.method() + " " + request.path() + " " + request.body, "text/plain");
  return response;
}

// A handler whose GET /slow holds its worker until release(); any other
// request is echoed at once. Declared before the server, which calls it.
class SlowPath {
 public:
  HttpHandler handler() {
    return [this](const HttpRequestMessage& request) {
      if (request.path() == "/slow") {
        entered_.set_value();
        released_.wait();
      }
      return echo(request);
    };
  }
  // Sends GET /slow on `socket`; true once a worker is inside it.
  bool occupy(RawSocket& socket) {
    return socket.send("GET /slow HTTP/1.1\r\n\r\n") &&
           entered_.get_future().wait_for(5s) == std::future_status::ready;
  }
  // Lets the slow request finish and expects its answer on `socket`.
  void release_and_expect_answer(RawSocket& socket) {
    release_.set_value();
    const auto slow = socket.read_response(5s);
    ASSERT_TRUE(slow.has_value()) << "no answer to GET /slow";
    EXPECT_EQ(slow->body, "GET /slow ");
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  std::promise<void> entered_;
};

TEST(HttpTransport, PastTheCapWithEveryConnectionAtAWorkerANewOneGets503_HTTP019) {
  SlowPath slow;
  HttpTransportOptions options;
  options.max_connections = 1;
  options.worker_threads = 1;
  Running server(options, slow.handler());
  RawSocket busy(server.port());
  ASSERT_TRUE(slow.occupy(busy));

  RawSocket refused(server.port());
  const auto answer = refused.read_response(5s);
  ASSERT_TRUE(answer.has_value()) << "no 503 within 5 s";
  EXPECT_EQ(answer->status, 503);
  EXPECT_EQ(answer->body,
            "[mcpgym.http.too_many_connections] Service Unavailable: all 1 connections are busy "
            "with requests (the server's --max-connections); retry later");
  EXPECT_TRUE(refused.closed_within(5s));
  slow.release_and_expect_answer(busy);
}

// Workers read connections; when all are busy, a request that came in waits
// unread. The keep-alive timeout is for idle connections: this one is not.
TEST(HttpTransport, ARequestWaitingForABusyWorkerOutlivesTheKeepAliveTimeout) {
  SlowPath slow;
  HttpTransportOptions options;
  options.worker_threads = 1;
  options.keep_alive_timeout = 100ms;
  Running server(options, slow.handler());
  RawSocket busy(server.port());
  ASSERT_TRUE(slow.occupy(busy));
  RawSocket waiting(server.port());
  ASSERT_TRUE(waiting.send("GET /waiting HTTP/1.1\r\n\r\n"));
  // An idle connection opened later: once its keep-alive timeout has closed
  // it, the acceptor has been past the waiting connection's deadline too.
  RawSocket idle(server.port());
  ASSERT_TRUE(idle.closed_within(5s)) << "the idle connection was not closed at its keep-alive";

  slow.release_and_expect_answer(busy);
  const auto answer = waiting.read_response(5s);
  ASSERT_TRUE(answer.has_value()) << "the waiting request was dropped as an idle connection";
  EXPECT_EQ(answer->body, "GET /waiting ");
}

// One worker starts with the server; another starts whenever the last idle
// one takes a connection, up to the limit.
TEST(HttpTransport, WorkersStartOnDemandUpToTheLimit) {
  std::mutex mutex;
  std::condition_variable changed;
  int inside = 0;
  bool released = false;
  HttpTransportOptions options;
  options.worker_threads = 3;
  Running server(options, [&](const HttpRequestMessage& request) {
    std::unique_lock lock(mutex);
    ++inside;
    changed.notify_all();
    changed.wait(lock, [&] { return released; });
    return echo(request);
  });
  std::vector<std::unique_ptr<RawSocket>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<RawSocket>(server.port()));
    ASSERT_TRUE(clients.back()->send("GET /" + std::to_string(i) + " HTTP/1.1\r\n\r\n"));
  }
  {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(changed.wait_for(lock, 5s, [&] { return inside == 3; }))
        << inside << " requests were computed at once, not 3";
    released = true;
  }
  changed.notify_all();
  for (int i = 0; i < 4; ++i) {
    const auto answer = clients[static_cast<std::size_t>(i)]->read_response(5s);
    ASSERT_TRUE(answer.has_value()) << i;
    EXPECT_EQ(answer->body, "GET /" + std::to_string(i) + " ");
  }
  EXPECT_EQ(inside, 4);
}

TEST(HttpTransport, PipelinedRequestsAreAnsweredInOrder) {
  Running server({}, echo);
  RawSocket socket(server.port());
  ASSERT_TRUE(
      socket.send("POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nxGET /b HTTP/1.1\r\n\r\n"
                  "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nyz\r\n0\r\n\r\n"));
  for (const std::string expected : {"POST /a x", "GET /b ", "POST /c yz"}) {
    const auto answer = socket.read_response(5s);
    ASSERT_TRUE(answer.has_value()) << expected;
    EXPECT_EQ(answer->status, 200);
    EXPECT_EQ(answer->body, expected);
  }
}

TEST(HttpTransport, ExpectContinueGetsA100BeforeTheBody) {
  Running server({}, echo);
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("POST /e HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
  const auto interim = socket.read_response(5s);
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(socket.send("ok"));
  const auto answer = socket.read_response(5s);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->body, "POST /e ok");
}

TEST(HttpTransport, ConnectionCloseIsHonoured) {
  Running server({}, echo);
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("GET /x HTTP/1.1\r\nConnection: close\r\n\r\n"));
  const auto answer = socket.read_response(5s);
  ASSERT_TRUE(answer.has_value());
  EXPECT_NE(answer->head.find("\r\nConnection: close"), std::string::npos) << answer->head;
  EXPECT_TRUE(socket.closed_within(5s));
}

}  // namespace
}  // namespace mcpgym::mcp
