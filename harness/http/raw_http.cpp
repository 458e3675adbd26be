#include "harness/http/raw_http.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/bounded_buffer.hpp"
#include "harness/http/chunked_body.hpp"

namespace mcpgym::harness {

namespace {

using net::Clock;
using net::IoResult;

constexpr std::size_t kReadPiece = 16 * 1024;

// What went wrong in an exchange: the stable identifier and a sentence.
struct Failure {
  std::string_view id;
  std::string detail;
};

std::string milliseconds(Clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

// Bodies grow within their cap plus one read (common/bounded_buffer.hpp).
void reserve_within(std::string& body, std::size_t extra, std::size_t cap) {
  mcpgym::reserve_within(body, extra, cap, kReadPiece);
}

// Gives back the unused part of a whole-cap reservation once the body is complete.
void release_spare(std::string& body) {
  if (body.capacity() > kGeometricGrowthUpTo && body.capacity() > 2 * body.size())
    body.shrink_to_fit();
}

bool is_event_stream(const HttpExchange& exchange) {
  std::string type = exchange.header("Content-Type");
  type = type.substr(0, type.find(';'));
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  return iequals(type, "text/event-stream");
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string request_text(const HttpRequest& request, const std::string& host, int port) {
  HttpExchange lookup;  // for its case-insensitive header lookup
  lookup.headers = request.headers;
  std::string text = request.method + " " + request.path + " HTTP/1.1\r\n";
  const auto add = [&](std::string_view name, const std::string& value) {
    text.append(name).append(": ").append(value).append("\r\n");
  };
  if (!lookup.has_header("Host")) {
    const bool ipv6 = host.find(':') != std::string::npos;
    add("Host", (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port));
  }
  for (const auto& [name, value] : request.headers)
    add(name, value);
  if (!lookup.has_header("Accept")) add("Accept", "*/*");
  if (!lookup.has_header("User-Agent")) add("User-Agent", "mcpgym-harness");
  if (!request.body.empty() && !lookup.has_header("Content-Type"))
    add("Content-Type", "text/plain");
  const bool sends_length = !request.body.empty() || request.method == "POST" ||
                            request.method == "PUT" || request.method == "PATCH";
  if (sends_length && !lookup.has_header("Content-Length")) {
    add("Content-Length", std::to_string(request.body.size()));
  }
  text += "\r\n";
  text += request.body;
  return text;
}

// Reads one response from a connected socket within the deadline and the caps.
class ResponseReader {
 public:
  ResponseReader(const net::Socket& socket, Clock::time_point start, Clock::time_point deadline,
                 const HttpLimits& limits, const BodyObserver* observer)
      : socket_(socket), start_(start), deadline_(deadline), limits_(limits), observer_(observer) {}

  std::optional<Failure> read(std::string_view method, HttpExchange& exchange) {
    if (auto failure = read_head(exchange)) return failure;
    const FramingParse framing = body_framing(head_, method);
    if (!framing.ok) return Failure{framing.fault.id, framing.fault.detail};
    const bool stream = is_event_stream(exchange);
    cap_ = stream ? limits_.max_sse_bytes : limits_.max_body_bytes;
    cap_name_ = stream ? "max_sse_bytes" : "max_body_bytes";
    what_ = stream ? "the event stream" : "the body";
    if (observe(exchange, 0)) return std::nullopt;
    switch (framing.framing.kind) {
      case BodyFraming::Kind::kNone:
        break;
      case BodyFraming::Kind::kLength:
        return read_length(exchange, framing.framing.length);
      case BodyFraming::Kind::kChunked:
        return read_chunked(exchange);
      case BodyFraming::Kind::kUntilClose:
        reusable_ = false;
        return read_until_close(exchange);
    }
    return std::nullopt;
  }

  // Whether the connection can carry the next request.
  bool reusable(const HttpExchange& exchange) const {
    return reusable_ && !exchange.cut_short && buffer_.empty() &&
           !has_token(exchange.header("Connection"), "close");
  }
  std::size_t bytes_read() const { return bytes_read_; }

  // The deadline passed: a hang when nothing came, else a drip or endless stream.
  Failure timed_out(bool request_sent) const {
    const std::string budget = milliseconds(deadline_ - start_);
    if (bytes_read_ == 0) {
      return {"mcpgym.http_client.hang",
              "nothing arrived within the call's deadline of " + budget + " ms" +
                  (request_sent ? "" : " (the server did not even read the whole request)")};
    }
    return {"mcpgym.http_client.deadline",
            "the call's deadline of " + budget +
                " ms passed while the answer was still arriving (" + std::to_string(bytes_read_) +
                " bytes in " + budget + " ms, the last " +
                milliseconds(
                    std::max(deadline_ - last_byte_, decltype(deadline_ - last_byte_)::zero())) +
                " ms before the deadline: a drip, a stall or an endless stream, not a hang); the "
                "rest was not read"};
  }

 private:
  enum class Got { kBytes, kEnd };

  // Appends up to `most` bytes to buffer_; kEnd when the peer closed or reset.
  Expected<Got, Failure> fill(std::size_t most) {
    char piece[kReadPiece];
    const IoResult io =
        net::receive_some(socket_, piece, std::clamp<std::size_t>(most, 1, kReadPiece), deadline_);
    switch (io.status) {
      case IoResult::Status::kDone:
        buffer_.append(piece, io.bytes);
        bytes_read_ += io.bytes;
        last_byte_ = Clock::now();
        return Got::kBytes;
      case IoResult::Status::kClosed:
        return Got::kEnd;
      case IoResult::Status::kReset:
        reset_ = true;
        return Got::kEnd;
      case IoResult::Status::kTimeout:
        return unexpected(timed_out(true));
      case IoResult::Status::kFailed:
        break;
    }
    return unexpected(
        Failure{"mcpgym.http_client.reset",
                std::string("reading the answer failed: ") + std::strerror(io.error)});
  }

  std::string ended() const { return reset_ ? "reset" : "closed"; }

  std::optional<Failure> read_head(HttpExchange& exchange) {
    const HeadLimits head_limits{limits_.max_head_bytes, limits_.max_header_fields};
    for (;;) {
      HeadParse parse = parse_response_head(buffer_, head_limits);
      if (parse.state == HeadParse::State::kFailed) {
        return Failure{parse.fault.id, std::move(parse.fault.detail)};
      }
      if (parse.state == HeadParse::State::kComplete) {
        buffer_.erase(0, parse.head.size);
        const int status = parse.head.status;
        if (status >= 100 && status < 200 && status != 101) continue;  // interim, e.g. 100 Continue
        head_ = std::move(parse.head);
        exchange.status = head_.status;
        exchange.headers = head_.headers;
        return std::nullopt;
      }
      // One byte past the cap is enough to tell the head is too large.
      auto got =
          fill(limits_.max_head_bytes + 1 - std::min(buffer_.size(), limits_.max_head_bytes));
      if (!got) return std::move(got).error();
      if (*got == Got::kEnd) {
        if (bytes_read_ == 0) {
          return Failure{"mcpgym.http_client.reset", "the connection was " + ended() +
                                                         " before any byte of the answer arrived"};
        }
        return Failure{"mcpgym.http_client.reset", "the connection was " + ended() + " after " +
                                                       std::to_string(buffer_.size()) +
                                                       " bytes of the response head"};
      }
    }
  }

  Failure too_large() const {
    return {"mcpgym.http_client.body_too_large", what_ + " passed the cap of " +
                                                     std::to_string(cap_) + " bytes (" + cap_name_ +
                                                     "); the rest was not read"};
  }

  // Moves buffered bytes into the body and shows them to the observer: true when it stops.
  bool observe(HttpExchange& exchange, std::size_t old_size) {
    if (observer_ == nullptr || !*observer_) return false;
    if (!(*observer_)(exchange, std::string_view(exchange.body).substr(old_size))) return false;
    exchange.cut_short = true;
    return true;
  }

  std::optional<Failure> read_length(HttpExchange& exchange, std::uint64_t length) {
    if (length > cap_) {
      return Failure{"mcpgym.http_client.body_too_large",
                     "the Content-Length of " + std::to_string(length) +
                         " bytes is over the cap of " + std::to_string(cap_) + " bytes (" +
                         cap_name_ + "); the body was not read"};
    }
    const auto wanted = static_cast<std::size_t>(length);
    for (;;) {
      const std::size_t old_size = exchange.body.size();
      const std::size_t take = std::min(buffer_.size(), wanted - old_size);
      reserve_within(exchange.body, take, cap_);
      exchange.body.append(buffer_, 0, take);
      buffer_.erase(0, take);
      if (take > 0 && observe(exchange, old_size)) return std::nullopt;
      if (exchange.body.size() == wanted) return std::nullopt;
      auto got = fill(wanted - exchange.body.size());
      if (!got) return std::move(got).error();
      if (*got == Got::kEnd) {
        return Failure{"mcpgym.http_client.reset", "the connection was " + ended() + " after " +
                                                       std::to_string(exchange.body.size()) +
                                                       " of the " + std::to_string(wanted) +
                                                       " body bytes that Content-Length announced"};
      }
    }
  }

  std::optional<Failure> read_chunked(HttpExchange& exchange) {
    ChunkedDecoder decoder;
    for (;;) {
      const std::size_t old_size = exchange.body.size();
      std::string_view input = buffer_;
      reserve_within(exchange.body, buffer_.size(), cap_);
      const auto status = decoder.feed(input, exchange.body);
      buffer_.erase(0, buffer_.size() - input.size());
      if (status == ChunkedDecoder::Status::kFailed) {
        return Failure{"mcpgym.http_client.bad_framing", decoder.fault()};
      }
      if (exchange.body.size() > cap_) return too_large();
      if (exchange.body.size() > old_size && observe(exchange, old_size)) return std::nullopt;
      if (status == ChunkedDecoder::Status::kDone) return std::nullopt;
      auto got = fill(kReadPiece);
      if (!got) return std::move(got).error();
      if (*got == Got::kEnd) {
        return Failure{"mcpgym.http_client.reset",
                       "the connection was " + ended() + " in the middle of the chunked body (" +
                           (decoder.mid_chunk() ? "inside a chunk" : "between chunks") +
                           ") after " + std::to_string(exchange.body.size()) + " body bytes"};
      }
    }
  }

  std::optional<Failure> read_until_close(HttpExchange& exchange) {
    for (;;) {
      const std::size_t old_size = exchange.body.size();
      reserve_within(exchange.body, buffer_.size(), cap_);
      exchange.body += buffer_;
      buffer_.clear();
      if (exchange.body.size() > cap_) return too_large();
      if (exchange.body.size() > old_size && observe(exchange, old_size)) return std::nullopt;
      auto got = fill(cap_ + 1 - exchange.body.size());
      if (!got) return std::move(got).error();
      if (*got == Got::kEnd) return std::nullopt;  // the close ends the body
    }
  }

  const net::Socket& socket_;
  Clock::time_point start_;
  Clock::time_point deadline_;
  const HttpLimits& limits_;
  const BodyObserver* observer_;
  ResponseHead head_;
  std::string buffer_;  // bytes received and not yet consumed
  std::size_t bytes_read_ = 0;
  Clock::time_point last_byte_;
  bool reset_ = false;
  bool reusable_ = true;
  std::size_t cap_ = 0;
  std::string cap_name_;
  std::string what_;
};

}  // namespace

std::string HttpExchange::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

bool HttpExchange::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

HeaderList mcp_post_headers(const std::optional<std::string>& session_id,
                            const std::optional<std::string>& protocol_version) {
  HeaderList h = {{"Accept", "application/json, text/event-stream"},
                  {"Content-Type", "application/json"}};
  if (session_id) h.emplace_back("Mcp-Session-Id", *session_id);
  if (protocol_version) h.emplace_back("MCP-Protocol-Version", *protocol_version);
  return h;
}

RawHttpClient::RawHttpClient(std::string host, int port, std::chrono::milliseconds timeout,
                             HttpLimits limits)
    : host_(std::move(host)), port_(port), timeout_(timeout), limits_(limits) {}

RawHttpClient::~RawHttpClient() = default;
RawHttpClient::RawHttpClient(RawHttpClient&&) noexcept = default;
RawHttpClient& RawHttpClient::operator=(RawHttpClient&&) noexcept = default;

Expected<HttpExchange, std::string> RawHttpClient::send(HttpRequest request) {
  return send(std::move(request), BodyObserver());
}

Expected<HttpExchange, std::string> RawHttpClient::send(HttpRequest request,
                                                        const BodyObserver& observer) {
  const auto start = Clock::now();
  const auto deadline = start + timeout_;
  const std::string text = request_text(request, host_, port_);
  last_bytes_read_ = 0;
  const auto fail = [&](const Failure& failure) {
    socket_.close();
    // Appended, not `"[" + std::string(...) + ...`: g++ 12 at -O3 reports a
    // false -Wrestrict in operator+(const char*, std::string&&).
    std::string message = "[";
    message.append(failure.id).append("] ").append(request.method).append(" http://");
    message.append(host_).append(":").append(std::to_string(port_)).append(request.path);
    message.append(": ").append(failure.detail);
    return unexpected(std::move(message));
  };
  // A kept-alive connection the server closed meanwhile gets one fresh try.
  for (int attempt = 0;; ++attempt) {
    const bool reused = net::idle_connection_usable(socket_);
    if (!reused) {
      auto connected = net::connect_tcp(host_, port_, deadline);
      switch (connected.status) {
        case net::ConnectResult::Status::kConnected:
          socket_ = std::move(connected.socket);
          break;
        case net::ConnectResult::Status::kRefused:
          return fail(
              {"mcpgym.http_client.refused", "the connection was refused (nothing listens on " +
                                                 host_ + ":" + std::to_string(port_) + ")"});
        case net::ConnectResult::Status::kTimeout:
          return fail({"mcpgym.http_client.connect_timeout",
                       "no connection within the call's deadline of " +
                           std::to_string(timeout_.count()) + " ms"});
        case net::ConnectResult::Status::kFailed:
          return fail({"mcpgym.http_client.connect_failed", connected.detail});
      }
    }
    const IoResult sent = net::send_all(socket_, text, deadline);
    ResponseReader reader(socket_, start, deadline, limits_, &observer);
    if (sent.status == IoResult::Status::kTimeout) return fail(reader.timed_out(false));
    if (sent.status == IoResult::Status::kFailed) {
      return fail({"mcpgym.http_client.reset",
                   std::string("sending the request failed: ") + std::strerror(sent.error)});
    }
    // A server may answer (413, say) and close before reading the whole
    // request: its answer is still read.
    HttpExchange exchange;
    auto failure = reader.read(request.method, exchange);
    last_bytes_read_ += reader.bytes_read();
    if (failure && reused && attempt == 0 && reader.bytes_read() == 0 &&
        failure->id == "mcpgym.http_client.reset") {
      socket_.close();
      continue;
    }
    if (failure && sent.status == IoResult::Status::kReset && reader.bytes_read() == 0) {
      return fail({"mcpgym.http_client.reset",
                   "the connection was reset while the request was being sent (" +
                       std::to_string(sent.bytes) + " of " + std::to_string(text.size()) +
                       " bytes sent)"});
    }
    if (failure) return fail(*failure);
    if (!reader.reusable(exchange)) socket_.close();
    release_spare(exchange.body);
    exchange.request = std::move(request);
    return exchange;
  }
}

}  // namespace mcpgym::harness
