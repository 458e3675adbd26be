#include "conformance/tests/hostile/hostile_modes.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include "common/fd_io.hpp"

namespace mcpgym::hostile {
namespace {

using namespace std::chrono_literals;

std::string response_line(const Request& request, json body) {
  body["jsonrpc"] = "2.0";
  body["id"] = request.id;
  return body.dump();
}

std::string http_head(const std::string& status, const std::string& headers) {
  return "HTTP/1.1 " + status + "\r\n" + headers + "\r\n";
}

std::string json_response(const std::string& body) {
  return http_head("200 OK", "Content-Type: application/json\r\nContent-Length: " +
                                 std::to_string(body.size()) + "\r\n") +
         body;
}

// Reads and discards until the peer closes: a connection kept open, unanswered.
void wait_for_close(int fd) {
  char buffer[4096];
  while (::read(fd, buffer, sizeof buffer) > 0) {
  }
}

void sleep_forever() {
  for (;;)
    std::this_thread::sleep_for(1h);
}

// Writes `chunk` over and over until the peer goes away or `total` bytes are out.
void write_repeatedly(int fd, const std::string& chunk, std::size_t total) {
  for (std::size_t sent = 0; sent < total; sent += chunk.size()) {
    if (!write_all(fd, chunk)) return;
  }
}

void hang(int fd, const Options&, const Request&) {
  wait_for_close(fd);
}

void drip(int fd, const Options& options, const Request& request) {
  for (char byte : json_response(polite_answer(options, request))) {
    if (!write_all(fd, std::string_view(&byte, 1))) return;
    std::this_thread::sleep_for(2s);
  }
}

void endless_body(int fd, const Options&, const Request&) {
  if (!write_all(fd, http_head("200 OK",
                               "Content-Type: application/json\r\n"
                               "Connection: close\r\n")))
    return;
  write_repeatedly(fd, std::string(64 * 1024, ' '), SIZE_MAX);
}

void huge_body(int fd, const Options&, const Request&) {
  constexpr std::size_t kAnnounced = std::size_t{8} << 30;  // 8 GiB
  if (!write_all(fd, http_head("200 OK", "Content-Type: application/json\r\nContent-Length: " +
                                             std::to_string(kAnnounced) + "\r\n")))
    return;
  write_repeatedly(fd, std::string(64 * 1024, ' '), kAnnounced);
}

void garbage(int fd, const Options&, const Request&) {
  write_all(fd, random_bytes(64 * 1024));
}

void deep_json(int fd, const Options&, const Request& request) {
  if (write_all(fd, json_response(deep_answer(request, 1'000'000)))) wait_for_close(fd);
}

void many_headers(int fd, const Options& options, const Request& request) {
  std::string headers;
  for (int i = 0; i < 100'000; ++i)
    headers += "X-Hostile-" + std::to_string(i) + ": 1\r\n";
  const std::string body = polite_answer(options, request);
  headers +=
      "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (write_all(fd, http_head("200 OK", headers) + body)) wait_for_close(fd);
}

void huge_header(int fd, const Options& options, const Request& request) {
  const std::string body = polite_answer(options, request);
  const std::string headers =
      "X-Hostile: " + std::string(10 << 20, 'h') +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n";
  if (write_all(fd, http_head("200 OK", headers) + body)) wait_for_close(fd);
}

void bad_status_line(int fd, const Options& options, const Request& request) {
  const std::string body = polite_answer(options, request);
  if (write_all(fd, "HTTP/1.1 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body))
    wait_for_close(fd);
}

// Announces 1000 bytes, sends 100, then resets: SO_LINGER 0 makes close() send RST.
void reset_mid_body(int fd, const Options&, const Request&) {
  if (!write_all(fd, http_head("200 OK",
                               "Content-Type: application/json\r\n"
                               "Content-Length: 1000\r\n") +
                         std::string(100, ' ')))
    return;
  const linger abort_on_close{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
}

const std::string kSseHead = http_head("200 OK",
                                       "Content-Type: text/event-stream\r\n"
                                       "Cache-Control: no-cache\r\nConnection: close\r\n");

// SSE comments every 200 ms until the peer goes away.
void comment_forever(int fd) {
  while (write_all(fd, ": still here\n\n"))
    std::this_thread::sleep_for(200ms);
}

void sse_no_end(int fd, const Options& options, const Request& request) {
  if (write_all(fd, kSseHead + "event: message\ndata: " + polite_answer(options, request) + "\n\n"))
    comment_forever(fd);
}

void sse_no_answer(int fd, const Options&, const Request&) {
  if (write_all(fd, kSseHead)) comment_forever(fd);
}

// A server that implements only initialize (crash-mid-check, escaping-grandchild,
// log-flood: their fault is elsewhere). It keeps serving the connection.
void polite(int fd, const Options& options, const Request& request) {
  write_all(fd, json_response(polite_answer(options, request)));
}

// Answers everything with an empty result: a server that answers, but says
// nothing a check could judge (the probe for verdicts on nothing).
std::string empty_result(const Request& request) {
  return response_line(request, {{"result", json::object()}});
}

void empty(int fd, const Options&, const Request& request) {
  write_all(fd, json_response(empty_result(request)));
}

void write_stdout_line(const std::string& line) {
  write_all(STDOUT_FILENO, line + "\n");
}

void stdio_hang(const Options&, const Request&) {}
void stdio_garbage(const Options&, const Request&) {
  write_all(STDOUT_FILENO, random_bytes(65536));
}
void stdio_deep_json(const Options&, const Request& request) {
  write_stdout_line(deep_answer(request, 1'000'000));
}
void stdio_endless_line(const Options&, const Request&) {
  const std::string chunk(64 * 1024, 'x');
  while (write_all(STDOUT_FILENO, chunk)) {
  }
  sleep_forever();
}
void stdio_empty(const Options&, const Request& request) {
  write_stdout_line(empty_result(request));
}
void stdio_polite(const Options& options, const Request& request) {
  write_stdout_line(polite_answer(options, request));
}

}  // namespace

std::string polite_answer(const Options& options, const Request& request) {
  return response_line(
      request,
      {{"error",
        {{"code", -32601},
         {"message", "hostile server (mode " + options.mode + ") implements only initialize"}}}});
}

std::string initialize_answer(const Request& request) {
  return response_line(
      request, {{"result",
                 {{"protocolVersion", "2025-06-18"},
                  {"capabilities", {{"tools", json::object()}, {"resources", json::object()}}},
                  {"serverInfo", {{"name", "hostile"}, {"version", "0"}}}}}});
}

std::string deep_answer(const Request& request, std::size_t depth) {
  return R"({"jsonrpc":"2.0","id":)" + request.id.dump() + R"(,"result":)" +
         std::string(depth, '[') + std::string(depth, ']') + "}";
}

std::string random_bytes(std::size_t count) {
  std::mt19937 generator(20261206);
  std::string bytes(count, '\0');
  for (char& byte : bytes)
    byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

const std::map<std::string, HttpMode>& http_modes() {
  static const std::map<std::string, HttpMode> modes = {
      {"hang", hang},
      {"drip", drip},
      {"endless-body", endless_body},
      {"huge-body", huge_body},
      {"garbage", garbage},
      {"deep-json", deep_json},
      {"many-headers", many_headers},
      {"huge-header", huge_header},
      {"bad-status-line", bad_status_line},
      {"reset-mid-body", reset_mid_body},
      {"sse-no-end", sse_no_end},
      {"sse-no-answer", sse_no_answer},
      {"crash-mid-check", polite},
      {"escaping-grandchild", polite},
      {"log-flood", polite},
      {"empty-result", empty},
      // false-ready and no-accept never read a request: hostile_server.cpp
      // handles them before any connection.
      {"false-ready", hang},
      {"no-accept", hang},
  };
  return modes;
}

bool keeps_connection(const std::string& mode) {
  return mode == "crash-mid-check" || mode == "escaping-grandchild" || mode == "log-flood" ||
         mode == "empty-result";
}

const std::map<std::string, StdioMode>& stdio_modes() {
  static const std::map<std::string, StdioMode> modes = {
      {"hang", stdio_hang},
      {"garbage", stdio_garbage},
      {"deep-json", stdio_deep_json},
      {"endless-line", stdio_endless_line},
      {"crash-mid-check", stdio_polite},
      {"escaping-grandchild", stdio_polite},
      {"log-flood", stdio_polite},
      {"empty-result", stdio_empty},
  };
  return modes;
}

void append_pid(const std::string& pid_file, int pid) {
  if (pid_file.empty()) return;
  const int fd = ::open(pid_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  write_all(fd, std::to_string(pid) + "\n");
  ::close(fd);
}

// The grandchild leaves the process group (setsid), ignores SIGTERM and SIGHUP
// and sleeps, keeping every inherited descriptor (stdout, stderr) open: what a
// careless daemonizing server does.
void escape_with_grandchild(const Options& options) {
  const pid_t child = ::fork();
  if (child != 0) return;
  ::setsid();
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);
  append_pid(options.pid_file, ::getpid());
  sleep_forever();
}

void flood_stderr(const Options& options) {
  std::thread([limit = options.flood_limit] {
    const std::string chunk = [] {
      std::string text;
      while (text.size() < 64 * 1024)
        text += "hostile log-flood: writing to stderr as fast as it can\n";
      return text;
    }();
    write_repeatedly(STDERR_FILENO, chunk, limit);
  }).detach();
}

}  // namespace mcpgym::hostile
