#pragma once
// The project's HTTP/1.1 server transport. One I/O thread runs epoll over
// non-blocking sockets and reads and parses requests incrementally, so a slow
// or silent client costs a socket and a buffer, never a thread. Only a
// complete request goes to the bounded worker pool, whose thread computes the
// response and writes it (within a write deadline). Deadlines: a whole-request
// read deadline from a request's first byte to its last (drip-feeding does
// not extend it), an idle keep-alive timeout, and a cap on open connections
// (past it the connection that has waited longest for a complete request is
// closed; when every connection is at a worker, the new one gets 503).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/expected.hpp"
#include "reference/mcp/http_wire.hpp"

namespace mcpgym::mcp {

struct HttpTransportOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  int worker_threads = 64;
  RequestHeadLimits limits;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds keep_alive_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
  std::size_t max_connections = 512;
};

// Computes the response to a complete request; runs on a worker thread.
using HttpHandler = std::function<HttpResponseMessage(const HttpRequestMessage&)>;
// The response for a refusal the transport makes itself (a bad head, a body
// over the limit, a timeout, the connection cap): status, identifier, text,
// and the request's head when it was read whole (else nullptr).
using HttpRejector = std::function<HttpResponseMessage(
    int status, std::string_view error_id, const std::string& text, const RequestHead* head)>;

class HttpTransport {
 public:
  HttpTransport(HttpTransportOptions options, HttpHandler handler, HttpRejector rejector);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Binds and listens with a backlog of SOMAXCONN; returns the port.
  Expected<int, std::string> bind();
  // Runs the I/O loop and the workers until stop().
  void serve();
  // Thread-safe and idempotent; serve() returns promptly (after the
  // responses being computed are written or fail).
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Connection;
  struct Job {
    Connection* connection = nullptr;
    HttpRequestMessage request;
  };
  struct Done {
    Connection* connection;
    bool keep_alive;
  };

  void run_loop();
  void accept_all();
  void add_connection(int fd);
  bool make_room();
  void on_readable(Connection& c);
  void advance(Connection& c);
  bool parse_head(Connection& c);
  bool read_body(Connection& c);
  void dispatch(Connection& c);
  void reject(Connection& c, int status, std::string_view id, const std::string& text,
              const RequestHead* head = nullptr);
  void finish_jobs();
  void expire_deadlines();
  void close_connection(Connection& c);
  void watch(Connection& c);
  void unwatch(Connection& c);
  Clock::time_point deadline_of(const Connection& c) const;
  void note_deadline(Clock::time_point deadline);
  void wake();

  void work();
  void answer(Job& job);

  HttpTransportOptions options_;
  HttpHandler handler_;
  HttpRejector rejector_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  bool accept_paused_ = false;
  Clock::time_point accept_resume_{};
  Clock::time_point next_check_{};

  // Owned and touched by the I/O thread, except a connection at a worker,
  // which only that worker touches until it is handed back through done_.
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;

  std::mutex queue_mutex_;
  std::condition_variable queue_wake_;
  std::deque<Job> jobs_;
  std::vector<Done> done_;
  bool closing_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace mcpgym::mcp
