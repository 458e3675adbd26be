#pragma once
// The project's HTTP/1.1 server transport, over non-blocking sockets and
// epoll, so a slow or silent client costs a socket and a buffer, never a
// thread. Two roles:
// - one acceptor (the thread in serve()) accepts connections, enforces the
//   connection cap and every deadline: a whole-request read deadline from a
//   request's first byte to its last (drip-feeding does not extend it), an
//   idle keep-alive timeout, the linger after a refusal. It never runs a
//   handler, so it stays responsive when every worker is busy (past the cap,
//   the connection that has waited longest for a complete request is closed;
//   when every connection is at a worker, the new one gets 503);
// - a bounded pool of workers share one epoll set of connections, each
//   registered one-shot: the worker woken for a connection owns it alone,
//   reads and parses what arrived and, once a request is complete, computes
//   the response and writes it (within a write deadline) on the same thread,
//   then re-arms the connection. A request costs one thread wake-up and no
//   hand-off between threads (docs/performance.md, "The modern era"). A
//   worker starts when the last idle one takes a connection.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
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
  // Runs the acceptor on the calling thread and the workers until stop().
  void serve();
  // Thread-safe and idempotent; serve() returns promptly (after the
  // responses being computed are written or fail).
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Connection;

  // The acceptor.
  void run_acceptor();
  void accept_all();
  void add_connection(int fd);
  bool make_room();
  void expire_deadlines();
  void resume_accepting_when_due(Clock::time_point now);
  Clock::time_point next_check() const;

  // A worker.
  void add_worker_if_none_idle();
  void work();
  void serve_connection(std::uint64_t id);
  Connection* take(std::uint64_t id);
  void give_back(Connection& c, bool keep);
  bool on_readable(Connection& c);
  bool advance(Connection& c);
  bool parse_head(Connection& c);
  std::optional<HttpRequestMessage> read_body(Connection& c);
  bool answer(Connection& c, const HttpRequestMessage& request);

  // Either role; those that touch the table hold mutex_.
  void reject(Connection& c, int status, std::string_view id, const std::string& text,
              const RequestHead* head = nullptr);
  void close_connection(Connection& c);
  void arm(Connection& c, int operation);
  Clock::time_point deadline_of(const Connection& c) const;
  void note_deadline(Clock::time_point deadline);
  void wake_acceptor();

  HttpTransportOptions options_;
  HttpHandler handler_;
  HttpRejector rejector_;
  int listen_fd_ = -1;
  int acceptor_epoll_ = -1;  // the listening socket and wake_fd_
  int worker_epoll_ = -1;    // every connection (one-shot) and stop_fd_
  int wake_fd_ = -1;         // an earlier deadline, or stop(): the acceptor recomputes its wait
  int stop_fd_ = -1;         // written once by stop(), never drained: wakes every worker
  std::atomic<bool> stopping_{false};
  bool accept_paused_ = false;  // the acceptor's own
  Clock::time_point accept_resume_{};
  // When the acceptor next expires deadlines; lowered by any thread (holding mutex_).
  std::atomic<Clock::rep> next_check_{0};

  // The table of connections. A connection whose `busy` is set belongs to the
  // worker that took it, which alone touches it until give_back(); any other
  // connection is touched only with mutex_ held.
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::uint64_t next_id_ = 3;  // 0 to 2 are the fixed epoll keys (http_transport.cpp)

  // Workers start on demand, up to options_.worker_threads: a backend that
  // serves one client never pays for 64 threads (each start-up of a proxy's
  // backend did, about 8 ms before its first answer).
  std::mutex workers_mutex_;
  std::vector<std::thread> workers_;
  std::atomic<int> idle_workers_{0};
};

}  // namespace mcpgym::mcp
