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

}  // namespace

struct HttpTransport::Connection {
  enum class Phase { kHead, kBody, kAtWorker, kLingering };
  int fd = -1;
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
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_create1/eventfd");
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
}

HttpTransport::~HttpTransport() {
  stop();
  for (auto& [fd, connection] : connections_)
    ::close(fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
  ::close(wake_fd_);
  ::close(epoll_fd_);
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
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listen_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &event);
  return port;
}

void HttpTransport::stop() {
  stopping_ = true;
  wake();
}

void HttpTransport::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void HttpTransport::serve() {
  if (stopping_ || listen_fd_ < 0) return;
  closing_ = false;
  const int threads = std::max(1, options_.worker_threads);
  for (int i = 0; i < threads; ++i)
    workers_.emplace_back([this] { work(); });
  run_loop();
  // Writes in progress fail at once; requests still queued are dropped.
  for (auto& [fd, connection] : connections_)
    ::shutdown(fd, SHUT_RDWR);
  {
    std::lock_guard lock(queue_mutex_);
    closing_ = true;
    jobs_.clear();
  }
  queue_wake_.notify_all();
  for (auto& worker : workers_)
    worker.join();
  workers_.clear();
  done_.clear();
  for (auto& [fd, connection] : connections_)
    ::close(fd);
  connections_.clear();
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
  ::close(listen_fd_);
  listen_fd_ = -1;
}

void HttpTransport::run_loop() {
  std::vector<epoll_event> events(256);
  next_check_ = Clock::now() + kMaxLoopWait;
  while (!stopping_) {
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next_check_ - Clock::now());
    const int timeout = static_cast<int>(std::clamp<long long>(wait.count(), 0, 1000));
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    if (n < 0 && errno != EINTR) {
      log_error("epoll_wait: " + std::string(std::strerror(errno)));
      return;
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[static_cast<std::size_t>(i)].data.fd;
      if (fd == wake_fd_) {
        std::uint64_t count;
        [[maybe_unused]] auto r = ::read(wake_fd_, &count, sizeof count);
        finish_jobs();
      } else if (fd == listen_fd_) {
        accept_all();
      } else if (auto it = connections_.find(fd); it != connections_.end()) {
        on_readable(*it->second);
      }
    }
    if (Clock::now() >= next_check_) expire_deadlines();
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
      note_deadline(accept_resume_);
      epoll_event event{};
      event.data.fd = listen_fd_;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &event);
    }
    return;
  }
}

void HttpTransport::add_connection(int fd) {
  set_no_delay(fd);
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
  connection->fd = fd;
  connection->waiting_since = Clock::now();
  watch(*connection);
  note_deadline(deadline_of(*connection));
  connections_.emplace(fd, std::move(connection));
}

// At the connection cap: closes the connection that has waited longest for a
// complete request (idle, or still sending one). False when every connection
// is at a worker.
bool HttpTransport::make_room() {
  Connection* oldest = nullptr;
  for (auto& [fd, connection] : connections_) {
    if (connection->phase == Connection::Phase::kAtWorker) continue;
    if (!oldest || connection->waiting_since < oldest->waiting_since) oldest = connection.get();
  }
  if (!oldest) return false;
  log_debug("connection cap reached: closing the connection waiting longest");
  close_connection(*oldest);
  return true;
}

void HttpTransport::on_readable(Connection& c) {
  if (c.phase == Connection::Phase::kAtWorker) return;
  char buffer[kReadChunk];
  const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {
    close_connection(c);  // end of stream or reset: nothing to answer
    return;
  }
  if (c.phase == Connection::Phase::kLingering) return;  // dropped
  if (c.in.empty() && c.phase == Connection::Phase::kHead) {
    c.request_started = Clock::now();
    note_deadline(deadline_of(c));
  }
  c.in.append(buffer, static_cast<std::size_t>(n));
  advance(c);
}

// Parses as far as the bytes received allow; a complete request goes to a worker.
void HttpTransport::advance(Connection& c) {
  if (c.phase == Connection::Phase::kHead && !parse_head(c)) return;
  if (c.phase == Connection::Phase::kBody && !read_body(c)) return;
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

// True when the request was complete and handed to a worker.
bool HttpTransport::read_body(Connection& c) {
  std::string body;
  if (c.head.framing == BodyFraming::kLength) {
    if (c.in.size() < c.head.content_length) return false;
    body = c.in.substr(0, c.head.content_length);
    c.in.erase(0, c.head.content_length);
  } else if (c.head.framing == BodyFraming::kChunked) {
    const auto state = c.chunked->feed(c.in);
    c.in.erase(0, c.chunked->consumed());
    if (state == ChunkedBodyDecoder::State::kRejected) {
      const HeadRejection why = c.chunked->rejection();
      reject(c, why.status, why.error_id, why.text, &c.head);
      return false;
    }
    if (state == ChunkedBodyDecoder::State::kIncomplete) return false;
    body = std::move(c.chunked->body());
    c.chunked.reset();
  }
  c.phase = Connection::Phase::kAtWorker;
  unwatch(c);  // nothing more is read until the answer is written
  Job job{&c, {std::move(c.head), std::move(body)}};
  {
    std::lock_guard lock(queue_mutex_);
    jobs_.push_back(std::move(job));
  }
  queue_wake_.notify_one();
  return true;
}

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
  note_deadline(c.linger_until);
}

// Connections handed back by workers: closed, or waiting for their next request.
void HttpTransport::finish_jobs() {
  std::vector<Done> done;
  {
    std::lock_guard lock(queue_mutex_);
    done.swap(done_);
  }
  for (const Done& d : done) {
    Connection& c = *d.connection;
    if (!d.keep_alive) {
      close_connection(c);
      continue;
    }
    c.phase = Connection::Phase::kHead;
    c.waiting_since = Clock::now();
    c.request_started = c.waiting_since;  // a pipelined request started at the latest now
    c.scanned = 0;
    note_deadline(deadline_of(c));
    watch(c);
    advance(c);
  }
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
    case Connection::Phase::kAtWorker:
      break;
  }
  return Clock::time_point::max();
}

void HttpTransport::note_deadline(Clock::time_point deadline) {
  next_check_ = std::min(next_check_, deadline);
}

void HttpTransport::expire_deadlines() {
  const auto now = Clock::now();
  next_check_ = now + kMaxLoopWait;
  if (accept_paused_ && now >= accept_resume_) {
    accept_paused_ = false;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = listen_fd_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &event);
  } else if (accept_paused_) {
    note_deadline(accept_resume_);
  }
  std::vector<Connection*> expired;
  for (auto& [fd, connection] : connections_) {
    const auto deadline = deadline_of(*connection);
    if (deadline <= now) {
      expired.push_back(connection.get());
    } else {
      note_deadline(deadline);
    }
  }
  for (Connection* c : expired) {
    const bool mid_request = c->phase == Connection::Phase::kBody ||
                             (c->phase == Connection::Phase::kHead && !c->in.empty());
    if (mid_request) {
      reject(*c, 408, err::kRequestTimeout,
             "Request Timeout: the request was not complete within " +
                 std::to_string(options_.request_timeout.count()) +
                 " ms of its first byte (the server's --request-timeout); the connection is "
                 "closed",
             c->phase == Connection::Phase::kBody ? &c->head : nullptr);
    } else {
      close_connection(*c);
    }
  }
}

void HttpTransport::close_connection(Connection& c) {
  const int fd = c.fd;
  if (c.phase != Connection::Phase::kAtWorker) unwatch(c);
  ::close(fd);
  connections_.erase(fd);  // destroys c
}

void HttpTransport::watch(Connection& c) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP;
  event.data.fd = c.fd;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &event);
}

// A connection at a worker leaves the epoll set: a hang-up would otherwise be
// reported (level-triggered, unmaskable) on every wait until the answer is written.
void HttpTransport::unwatch(Connection& c) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
}

void HttpTransport::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(queue_mutex_);
      queue_wake_.wait(lock, [this] { return closing_ || !jobs_.empty(); });
      if (closing_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    answer(job);
  }
}

void HttpTransport::answer(Job& job) {
  HttpResponseMessage response;
  try {
    response = handler_(job.request);
  } catch (const std::exception& e) {
    log_error(std::string("request handler failed: ") + e.what());
    response = rejector_(500, err::kInternalError,
                         std::string("Internal Server Error: ") + e.what(), nullptr);
    response.close = true;
  }
  const bool keep_alive = job.request.head.keep_alive && !response.close && !stopping_;
  const bool head_request = job.request.method() == "HEAD";
  const bool written =
      send_all(job.connection->fd, serialize_response(response, keep_alive, head_request),
               Clock::now() + options_.write_timeout);
  {
    std::lock_guard lock(queue_mutex_);
    done_.push_back({job.connection, keep_alive && written});
  }
  wake();
}

}  // namespace mcpgym::mcp
