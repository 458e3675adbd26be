#include "reference/mcp/http_transport.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>

#include "common/error_ids.hpp"
#include "common/log.hpp"

namespace mcpgym::mcp {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
// After refusing a request whose body may still be arriving, the server stops
// writing but reads and drops what comes for this long before closing, so the
// client sees the refusal rather than a reset (RFC 9112 §9.6).
constexpr auto kLingerTime = std::chrono::seconds(2);
// When accept() runs out of descriptors, accepting pauses this long.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);
constexpr auto kMaxLoopWait = std::chrono::seconds(1);
// A worker also looks at stopping_ this often, in case a wake-up was missed.
constexpr int kWorkerWaitMs = 1000;
// epoll keys: a connection's key is its id, from 1.
constexpr std::uint64_t kStopKey = 0;
constexpr std::uint64_t kListenKey = 1;
constexpr std::uint64_t kWakeKey = 2;

void set_no_delay(int fd) {
  // Without TCP_NODELAY, delayed ACKs cap a keep-alive connection at ~25 requests/s.
  int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
}

// Best effort, never blocking: what fits in the socket buffer now.
void send_now(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// All of `data`, waiting for the socket to drain until `deadline`. False when
// the client went away or would not read in time.
bool send_all(int fd, std::string_view data, std::chrono::steady_clock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) return false;
    if ((p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return false;
  }
  return true;
}

// Whether the bytes from `from` on may end a head: a blank line.
bool has_blank_line(std::string_view bytes, std::size_t from) {
  from = from >= 3 ? from - 3 : 0;
  for (auto nl = bytes.find('\n', from); nl != std::string_view::npos;
       nl = bytes.find('\n', nl + 1)) {
    if (nl + 1 < bytes.size() && bytes[nl + 1] == '\n') return true;
    if (nl + 2 < bytes.size() && bytes[nl + 1] == '\r' && bytes[nl + 2] == '\n') return true;
  }
  return false;
}

// Whether the client has sent bytes not yet read.
bool has_unread_bytes(int fd) {
  char byte;
  return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

void add_to(int epoll_fd, int fd, std::uint64_t key, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = key;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  }
}

}  // namespace

struct HttpTransport::Connection {
  enum class Phase { kHead, kBody, kLingering };
  std::uint64_t id = 0;
  int fd = -1;
  bool busy = false;  // a worker holds it (set and cleared with mutex_ held)
  Phase phase = Phase::kHead;
  std::string in;           // received, not yet consumed
  std::size_t scanned = 0;  // bytes of `in` searched for the end of the head
  RequestHead head;         // with kBody
  std::optional<ChunkedBodyDecoder> chunked;
  Clock::time_point waiting_since;    // since it last waited for a request
  Clock::time_point request_started;  // the first byte of the request in hand
  Clock::time_point linger_until;
};

HttpTransport::HttpTransport(HttpTransportOptions options, HttpHandler handler,
                             HttpRejector rejector)
    : options_(std::move(options)), handler_(std::move(handler)), rejector_(std::move(rejector)) {
  acceptor_epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  worker_epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (acceptor_epoll_ < 0 || worker_epoll_ < 0 || wake_fd_ < 0 || stop_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_create1/eventfd");
  }
  add_to(acceptor_epoll_, wake_fd_, kWakeKey, EPOLLIN);
  // Level-triggered and never drained: once written, every worker's wait returns.
  add_to(worker_epoll_, stop_fd_, kStopKey, EPOLLIN);
}

HttpTransport::~HttpTransport() {
  stop();
  for (auto& [id, connection] : connections_)
    ::close(connection->fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (const int fd : {wake_fd_, stop_fd_, acceptor_epoll_, worker_epoll_})
    ::close(fd);
}

Expected<int, std::string> HttpTransport::bind() {
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (::getaddrinfo(options_.host.c_str(), std::to_string(options_.port).c_str(), &hints, &found) !=
      0) {
    return unexpected("cannot listen on " + where +
                      " (address in use, or not an address of this machine)");
  }
  for (addrinfo* a = found; a != nullptr && listen_fd_ < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    // SO_REUSEADDR only: SO_REUSEPORT would let a second server bind the same
    // port and silently take half the connections.
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    // A rollout starting many environments connects all at once: queue them.
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      listen_fd_ = fd;
    } else {
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0) {
    return unexpected("cannot listen on " + where +
                      " (address in use, or not an address of this machine)");
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);
  const int port = bound.ss_family == AF_INET6
                       ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                       : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  add_to(acceptor_epoll_, listen_fd_, kListenKey, EPOLLIN);
  return port;
}

void HttpTransport::stop() {
  stopping_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
  wake_acceptor();
}

void HttpTransport::wake_acceptor() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void HttpTransport::serve() {
  if (stopping_ || listen_fd_ < 0) return;
  add_worker_if_none_idle();
  run_acceptor();
  // Writes in progress fail at once; what is not yet read is dropped.
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, connection] : connections_)
      ::shutdown(connection->fd, SHUT_RDWR);
  }
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(workers_mutex_);  // no worker starts once stopping_ is set
    workers.swap(workers_);
  }
  for (auto& worker : workers)
    worker.join();
  for (auto& [id, connection] : connections_)
    ::close(connection->fd);
  connections_.clear();
  ::epoll_ctl(acceptor_epoll_, EPOLL_CTL_DEL, listen_fd_, nullptr);
  ::close(listen_fd_);
  listen_fd_ = -1;
}

// ---- The acceptor ----------------------------------------------------------

HttpTransport::Clock::time_point HttpTransport::next_check() const {
  return Clock::time_point(Clock::duration(next_check_.load()));
}

void HttpTransport::run_acceptor() {
  std::array<epoll_event, 8> events{};
  next_check_ = (Clock::now() + kMaxLoopWait).time_since_epoch().count();
  while (!stopping_) {
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next_check() - Clock::now());
    const int timeout = static_cast<int>(std::clamp<long long>(wait.count(), 0, 1000));
    const int n =
        ::epoll_wait(acceptor_epoll_, events.data(), static_cast<int>(events.size()), timeout);
    if (n < 0 && errno != EINTR) {
      log_error("epoll_wait: " + std::string(std::strerror(errno)));
      return;
    }
    for (int i = 0; i < n; ++i) {
      if (events[static_cast<std::size_t>(i)].data.u64 == kWakeKey) {
        std::uint64_t count;
        [[maybe_unused]] auto r = ::read(wake_fd_, &count, sizeof count);
      } else {
        accept_all();
      }
    }
    if (Clock::now() >= next_check()) expire_deadlines();
  }
}

void HttpTransport::accept_all() {
  while (!accept_paused_) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      add_connection(fd);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
      // Out of descriptors: stop watching the listening socket for a while
      // rather than spin on it; queued clients wait in the backlog.
      log_warn("accept: " + std::string(std::strerror(errno)) + "; pausing accepts");
      accept_paused_ = true;
      accept_resume_ = Clock::now() + kAcceptPause;
      std::lock_guard lock(mutex_);
      note_deadline(accept_resume_);
      epoll_event event{};
      event.data.u64 = kListenKey;
      ::epoll_ctl(acceptor_epoll_, EPOLL_CTL_MOD, listen_fd_, &event);
    }
    return;
  }
}

void HttpTransport::add_connection(int fd) {
  set_no_delay(fd);
  std::lock_guard lock(mutex_);
  if (connections_.size() >= options_.max_connections && !make_room()) {
    HttpResponseMessage refusal = rejector_(
        503, err::kTooManyConnections,
        "Service Unavailable: all " + std::to_string(options_.max_connections) +
            " connections are busy with requests (the server's --max-connections); retry later",
        nullptr);
    send_now(fd, serialize_response(refusal, false));
    ::close(fd);
    return;
  }
  auto connection = std::make_unique<Connection>();
  connection->id = next_id_++;
  connection->fd = fd;
  connection->waiting_since = Clock::now();
  note_deadline(deadline_of(*connection));
  Connection& c = *connection;
  connections_.emplace(c.id, std::move(connection));
  arm(c, EPOLL_CTL_ADD);
}

// At the connection cap (mutex_ held): closes the connection that has waited
// longest for a complete request (idle, or still sending one). False when
// every connection is at a worker.
bool HttpTransport::make_room() {
  Connection* oldest = nullptr;
  for (auto& [id, connection] : connections_) {
    if (connection->busy) continue;
    if (!oldest || connection->waiting_since < oldest->waiting_since) oldest = connection.get();
  }
  if (!oldest) return false;
  log_debug("connection cap reached: closing the connection waiting longest");
  close_connection(*oldest);
  return true;
}

void HttpTransport::resume_accepting_when_due(Clock::time_point now) {
  if (!accept_paused_) return;
  if (now < accept_resume_) {
    note_deadline(accept_resume_);
    return;
  }
  accept_paused_ = false;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kListenKey;
  ::epoll_ctl(acceptor_epoll_, EPOLL_CTL_MOD, listen_fd_, &event);
}

// Deadlines of the connections no worker holds: a request not complete in
// time gets 408, an idle connection past its keep-alive is closed, a refused
// one is closed when its linger ends.
void HttpTransport::expire_deadlines() {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  next_check_ = (now + kMaxLoopWait).time_since_epoch().count();
  resume_accepting_when_due(now);
  std::vector<Connection*> expired;
  for (auto& [id, connection] : connections_) {
    if (connection->busy) continue;
    const auto deadline = deadline_of(*connection);
    if (deadline <= now) {
      expired.push_back(connection.get());
    } else {
      note_deadline(deadline);
    }
  }
  for (Connection* c : expired) {
    const bool idle = c->phase == Connection::Phase::kHead && c->in.empty();
    if (idle && has_unread_bytes(c->fd)) {
      // A request arrived while every worker was busy: not idle, a worker reads it next.
      c->waiting_since = now;
      note_deadline(deadline_of(*c));
    } else if (c->phase == Connection::Phase::kLingering || idle) {
      close_connection(*c);
    } else {
      reject(*c, 408, err::kRequestTimeout,
             "Request Timeout: the request was not complete within " +
                 std::to_string(options_.request_timeout.count()) +
                 " ms of its first byte (the server's --request-timeout); the connection is "
                 "closed",
             c->phase == Connection::Phase::kBody ? &c->head : nullptr);
    }
  }
}

// ---- A worker --------------------------------------------------------------

// Up to the pool's size, so that a connection that becomes readable finds a
// worker waiting.
void HttpTransport::add_worker_if_none_idle() {
  std::lock_guard lock(workers_mutex_);
  if (stopping_ || idle_workers_ > 0) return;
  if (workers_.size() >= static_cast<std::size_t>(std::max(1, options_.worker_threads))) return;
  ++idle_workers_;
  workers_.emplace_back([this] { work(); });
}

void HttpTransport::work() {
  epoll_event event{};  // one connection per wake-up: the others stay for other workers
  while (!stopping_) {
    const int n = ::epoll_wait(worker_epoll_, &event, 1, kWorkerWaitMs);
    if (n < 0 && errno != EINTR) {
      log_error("epoll_wait: " + std::string(std::strerror(errno)));
      return;
    }
    if (n <= 0) continue;
    if (event.data.u64 == kStopKey) return;
    if (--idle_workers_ == 0) add_worker_if_none_idle();
    serve_connection(event.data.u64);
    ++idle_workers_;
  }
}

void HttpTransport::serve_connection(std::uint64_t id) {
  Connection* c = take(id);
  if (c == nullptr) return;  // closed by the acceptor before this worker got to it
  give_back(*c, on_readable(*c));
}

HttpTransport::Connection* HttpTransport::take(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto it = connections_.find(id);
  if (it == connections_.end() || it->second->busy) return nullptr;
  it->second->busy = true;
  return it->second.get();
}

// The worker is done with the connection: closed, or watched again.
void HttpTransport::give_back(Connection& c, bool keep) {
  std::lock_guard lock(mutex_);
  if (!keep) {
    close_connection(c);
    return;
  }
  c.busy = false;
  note_deadline(deadline_of(c));
  arm(c, EPOLL_CTL_MOD);
}

// One read, and what it completes. False when the connection is to be closed.
bool HttpTransport::on_readable(Connection& c) {
  char buffer[kReadChunk];
  const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
  if (n <= 0) return false;  // end of stream or reset: nothing to answer
  if (c.phase == Connection::Phase::kLingering) return true;  // dropped
  if (c.in.empty() && c.phase == Connection::Phase::kHead) c.request_started = Clock::now();
  c.in.append(buffer, static_cast<std::size_t>(n));
  return advance(c);
}

// Parses as far as the bytes received allow and answers every complete
// request, pipelined ones in order. False when the connection is to be closed.
bool HttpTransport::advance(Connection& c) {
  for (;;) {
    if (c.phase == Connection::Phase::kHead && !parse_head(c)) return true;
    if (c.phase != Connection::Phase::kBody) return true;
    std::optional<HttpRequestMessage> request = read_body(c);
    if (!request) return true;
    if (!answer(c, *request)) return false;
    c.phase = Connection::Phase::kHead;
    c.waiting_since = Clock::now();
    c.request_started = c.waiting_since;  // a pipelined request started at the latest now
    c.scanned = 0;
  }
}

// True when the head is complete (phase kBody); false when more bytes are
// needed or the request was refused.
bool HttpTransport::parse_head(Connection& c) {
  if (c.in.empty()) return false;
  if (!has_blank_line(c.in, c.scanned) && c.in.size() <= options_.limits.max_head_bytes) {
    c.scanned = c.in.size();
    return false;
  }
  HeadParse parsed = parse_request_head(c.in, options_.limits);
  c.scanned = c.in.size();
  if (parsed.state == HeadParse::State::kIncomplete) return false;
  if (parsed.state == HeadParse::State::kRejected) {
    reject(c, parsed.rejection.status, parsed.rejection.error_id, parsed.rejection.text,
           parsed.has_head ? &parsed.head : nullptr);
    return false;
  }
  c.head = std::move(parsed.head);
  c.in.erase(0, c.head.head_bytes);
  c.scanned = 0;
  c.phase = Connection::Phase::kBody;
  if (c.head.framing == BodyFraming::kChunked) c.chunked.emplace(options_.limits.max_body_bytes);
  if (c.head.expects_continue && c.head.framing != BodyFraming::kNone) {
    send_now(c.fd, "HTTP/1.1 100 Continue\r\n\r\n");
  }
  return true;
}

// The request, once its body is complete; nothing while more bytes are
// needed or when the body was refused.
std::optional<HttpRequestMessage> HttpTransport::read_body(Connection& c) {
  std::string body;
  if (c.head.framing == BodyFraming::kLength) {
    if (c.in.size() < c.head.content_length) return std::nullopt;
    body = c.in.substr(0, c.head.content_length);
    c.in.erase(0, c.head.content_length);
  } else if (c.head.framing == BodyFraming::kChunked) {
    const auto state = c.chunked->feed(c.in);
    c.in.erase(0, c.chunked->consumed());
    if (state == ChunkedBodyDecoder::State::kRejected) {
      const HeadRejection why = c.chunked->rejection();
      reject(c, why.status, why.error_id, why.text, &c.head);
      return std::nullopt;
    }
    if (state == ChunkedBodyDecoder::State::kIncomplete) return std::nullopt;
    body = std::move(c.chunked->body());
    c.chunked.reset();
  }
  return HttpRequestMessage{std::move(c.head), std::move(body)};
}

// Computes and writes the response. False when the connection is to be closed.
bool HttpTransport::answer(Connection& c, const HttpRequestMessage& request) {
  HttpResponseMessage response;
  try {
    response = handler_(request);
  } catch (const std::exception& e) {
    log_error(std::string("request handler failed: ") + e.what());
    response = rejector_(500, err::kInternalError,
                         std::string("Internal Server Error: ") + e.what(), nullptr);
    response.close = true;
  }
  const bool keep_alive = request.head.keep_alive && !response.close && !stopping_;
  const bool head_request = request.method() == "HEAD";
  const bool written = send_all(c.fd, serialize_response(response, keep_alive, head_request),
                                Clock::now() + options_.write_timeout);
  return keep_alive && written;
}

// ---- Either role -----------------------------------------------------------

// A refusal by the transport: the answer, then no more writing; what the
// client still sends is read and dropped for a moment, then the connection closes.
void HttpTransport::reject(Connection& c, int status, std::string_view id, const std::string& text,
                           const RequestHead* head) {
  HttpResponseMessage response = rejector_(status, id, text, head);
  send_now(c.fd, serialize_response(response, false));
  ::shutdown(c.fd, SHUT_WR);
  c.phase = Connection::Phase::kLingering;
  c.in.clear();
  c.in.shrink_to_fit();
  c.chunked.reset();
  c.linger_until = Clock::now() + kLingerTime;
}

HttpTransport::Clock::time_point HttpTransport::deadline_of(const Connection& c) const {
  switch (c.phase) {
    case Connection::Phase::kHead:
      if (c.in.empty()) return c.waiting_since + options_.keep_alive_timeout;
      return c.request_started + options_.request_timeout;
    case Connection::Phase::kBody:
      return c.request_started + options_.request_timeout;
    case Connection::Phase::kLingering:
      return c.linger_until;
  }
  return Clock::time_point::max();
}

// With mutex_ held. Wakes the acceptor when the deadline is earlier than the
// one it waits for.
void HttpTransport::note_deadline(Clock::time_point deadline) {
  const Clock::rep wanted = deadline.time_since_epoch().count();
  if (wanted >= next_check_.load()) return;
  next_check_ = wanted;
  wake_acceptor();
}

// With mutex_ held, by the acceptor or the worker holding the connection.
void HttpTransport::close_connection(Connection& c) {
  ::epoll_ctl(worker_epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  connections_.erase(c.id);  // destroys c
}

// With mutex_ held: one-shot, so the worker woken for it holds it alone; a
// hang-up is not reported again until the connection is re-armed.
void HttpTransport::arm(Connection& c, int operation) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  event.data.u64 = c.id;
  ::epoll_ctl(worker_epoll_, operation, c.fd, &event);
}

}  // namespace mcpgym::mcp
