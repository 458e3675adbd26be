// send_head_only (head_only.hpp), built from the harness's deadline-bounded
// sockets (socket.hpp) and its response-head parser (response_head.hpp), so a
// head is read by the same rules as every other exchange.
#include "harness/http/head_only.hpp"

#include <algorithm>
#include <optional>

#include "common/text.hpp"
#include "harness/http/response_head.hpp"
#include "harness/http/socket.hpp"

namespace mcpgym::harness {

namespace {

constexpr std::size_t kMaxBytes = 64 * 1024;  // head and body together

std::string request_text(const std::string& host, int port, const HttpRequest& request) {
  std::string text = request.method + " " + request.path + " HTTP/1.1\r\n";
  const bool has_host = std::any_of(request.headers.begin(), request.headers.end(),
                                    [](const auto& h) { return iequals(h.first, "host"); });
  if (!has_host) text += "Host: " + host + ":" + std::to_string(port) + "\r\n";
  for (const auto& [k, v] : request.headers)
    text += k + ": " + v + "\r\n";
  return text + "Connection: close\r\n\r\n";
}

// A body the server may hold open: an event stream, or chunks.
bool streamed(const ResponseHead& head, const BodyFraming& framing) {
  std::string_view type;
  for (const auto& [name, value] : head.headers) {
    if (iequals(name, "content-type")) type = value;
  }
  type = trim_ows(type.substr(0, type.find(';')));
  return iequals(type, "text/event-stream") || framing.kind == BodyFraming::Kind::kChunked;
}

// Bytes of body worth waiting for after a head that is not streamed: none,
// the Content-Length, or up to the cap until the server closes.
std::size_t body_wanted(const FramingParse& framing) {
  if (!framing.ok) return 0;
  switch (framing.framing.kind) {
    case BodyFraming::Kind::kNone:
      return 0;
    case BodyFraming::Kind::kLength:
      return static_cast<std::size_t>(std::min<std::uint64_t>(framing.framing.length, kMaxBytes));
    default:
      return kMaxBytes;
  }
}

}  // namespace

Expected<HttpExchange, std::string> send_head_only(const std::string& host, int port,
                                                   HttpRequest request,
                                                   std::chrono::milliseconds timeout) {
  const std::string what = request.method + " " + request.path;
  const std::string where = host + ":" + std::to_string(port);
  const auto deadline = net::Clock::now() + timeout;
  net::ConnectResult connected = net::connect_tcp(host, port, deadline);
  if (connected.status != net::ConnectResult::Status::kConnected) {
    return unexpected(what + ": cannot connect to " + where +
                      (connected.detail.empty() ? "" : ": " + connected.detail));
  }
  if (net::send_all(connected.socket, request_text(host, port, request), deadline).status !=
      net::IoResult::Status::kDone) {
    return unexpected(what + ": the request could not be sent");
  }
  HttpExchange x;
  x.request = std::move(request);
  std::string in;
  std::optional<std::size_t> head_size;
  std::size_t want = 0;  // body bytes worth reading after the head
  bool stream = false;   // a stream: return at once with what came with the head
  char buffer[4096];
  while (in.size() < kMaxBytes && (!head_size || (!stream && in.size() - *head_size < want))) {
    const net::IoResult got = net::receive_some(connected.socket, buffer, sizeof buffer, deadline);
    if (got.status != net::IoResult::Status::kDone) break;
    in.append(buffer, got.bytes);
    if (head_size) continue;
    const HeadParse parse = parse_response_head(in, {.max_bytes = kMaxBytes, .max_fields = 256});
    if (parse.state == HeadParse::State::kFailed)
      return unexpected(what + ": " + parse.fault.detail);
    if (parse.state == HeadParse::State::kIncomplete) continue;
    head_size = parse.head.size;
    x.status = parse.head.status;
    x.headers = parse.head.headers;
    const FramingParse framing = body_framing(parse.head, x.request.method);
    stream = framing.ok && streamed(parse.head, framing.framing);
    want = body_wanted(framing);
  }
  if (!head_size) {
    return unexpected(what + ": no complete answer within " + std::to_string(timeout.count()) +
                      " ms (got " + excerpt(in, 200) + ")");
  }
  x.body = stream ? in.substr(*head_size) : in.substr(*head_size, want);
  return x;
}

}  // namespace mcpgym::harness
