// mcpgym-hostile-server: a test-only MCP implementation that misbehaves on
// purpose (--mode), so tests can prove that mcpgym-conform and mcpgym-record
// end, stay small, report and clean up whatever an implementation does.
// Thin wiring: the misbehaviours are in hostile_modes.cpp.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <csignal>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "common/bounded_json.hpp"
#include "common/cli.hpp"
#include "common/fd_io.hpp"
#include "common/text.hpp"
#include "conformance/tests/hostile/hostile_modes.hpp"

namespace {

using namespace mcpgym;
using namespace mcpgym::hostile;

std::string mode_list() {
  std::string http, stdio;
  for (const auto& [name, _] : http_modes())
    http += " " + name;
  for (const auto& [name, _] : stdio_modes())
    stdio += " " + name;
  return "HTTP modes:" + http + "\nstdio modes:" + stdio;
}

cli::Parser make_parser() {
  cli::Parser parser(
      "mcpgym-hostile-server", "--mode MODE [flags]",
      "A test-only MCP server that misbehaves on purpose. It answers initialize (and accepts\n"
      "notifications), then misbehaves on every later request; with --from-start, on initialize\n"
      "too. Over HTTP it prints 'listening on http://127.0.0.1:<port>/mcp' (false-ready prints it\n"
      "without listening; no-accept listens and never accepts). docs/reliability.md describes\n"
      "each mode.\n" +
          mode_list());
  parser.option("mode", "MODE", "the misbehaviour")
      .option("port", "N", "HTTP port on 127.0.0.1 (default 0: any free port)")
      .option("transport", "http|stdio", "default http")
      .flag("from-start", "misbehave on initialize too")
      .option("crash-after", "N", "crash-mid-check: exit with status 3 on the N-th request (3)")
      .option("pid-file", "FILE", "append the pid of every process of this server to FILE")
      .option("flood-limit", "BYTES", "log-flood: stop after this many bytes (268435456)");
  return parser;
}

std::atomic<int> g_requests{0};

// Parses what the harness sent; anything unreadable is a request with a null id.
Request to_request(std::string_view body) {
  Request request;
  auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) return request;
  const json& message = *parsed;
  if (message.contains("method") && message["method"].is_string())
    request.method = message["method"].get<std::string>();
  request.notification = !message.contains("id");
  if (!request.notification) request.id = message["id"];
  return request;
}

void count_request_or_crash(const Options& options) {
  if (options.mode == "crash-mid-check" && ++g_requests >= options.crash_after) ::_exit(3);
}

struct HttpRequest {
  std::string method;  // GET, POST, DELETE, ...
  std::string body;
};

// One HTTP request: the head up to the blank line, then Content-Length bytes.
std::optional<HttpRequest> read_http_request(int fd, std::string& pending) {
  char buffer[65536];
  std::size_t head_end;
  while ((head_end = pending.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return std::nullopt;
    pending.append(buffer, static_cast<std::size_t>(n));
  }
  const std::string head = lower(pending.substr(0, head_end));
  std::size_t length = 0;
  if (const auto at = head.find("content-length:"); at != std::string::npos)
    length = std::stoul(head.substr(at + 15));
  const std::size_t body_start = head_end + 4;
  while (pending.size() < body_start + length) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return std::nullopt;
    pending.append(buffer, static_cast<std::size_t>(n));
  }
  HttpRequest request{pending.substr(0, pending.find(' ')), pending.substr(body_start, length)};
  pending.erase(0, body_start + length);
  return request;
}

std::string plain_http_answer(const std::string& status, const std::string& extra,
                              const std::string& body) {
  return "HTTP/1.1 " + status + "\r\n" + extra +
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

void serve_connection(int fd, const Options& options) {
  std::string pending;
  while (auto http = read_http_request(fd, pending)) {
    count_request_or_crash(options);
    // The misbehaviour is aimed at JSON-RPC exchanges: a session's DELETE (or a
    // GET) gets a plain answer, so a client's clean-up does not cost it a second
    // deadline.
    if (!options.from_start && http->method != "POST") {
      if (!write_all(fd, http->method == "DELETE"
                             ? "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                             : "HTTP/1.1 405 Method Not Allowed\r\nAllow: POST, DELETE\r\n"
                               "Content-Length: 0\r\n\r\n"))
        break;
      continue;
    }
    const Request request = to_request(http->body);
    if (!options.from_start && request.method == "initialize") {
      if (!write_all(fd, plain_http_answer("200 OK", "Mcp-Session-Id: hostile-session\r\n",
                                           initialize_answer(request))))
        break;
      continue;
    }
    if (!options.from_start && request.notification) {
      if (!write_all(fd, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")) break;
      continue;
    }
    http_modes().at(options.mode)(fd, options, request);
    if (!keeps_connection(options.mode)) break;
  }
  ::close(fd);
}

int listen_socket(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 128) != 0) {
    std::perror("mcpgym-hostile-server: bind/listen");
    std::exit(1);
  }
  return fd;
}

int bound_port(int fd) {
  sockaddr_in address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.sin_port);
}

void announce(int port) {
  std::cout << "listening on http://127.0.0.1:" << port << "/mcp" << std::endl;
}

[[noreturn]] void idle_forever() {
  for (;;)
    ::pause();
}

int serve_http(const Options& options, int port) {
  if (options.mode == "false-ready") {  // says it listens; nothing does
    announce(port);
    idle_forever();
  }
  const int listener = listen_socket(port);
  announce(bound_port(listener));
  if (options.mode == "no-accept") idle_forever();  // the kernel's backlog accepts, nobody reads
  for (;;) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::thread(serve_connection, fd, options).detach();
  }
}

int serve_stdio(const Options& options) {
  std::string line;
  while (std::getline(std::cin, line)) {
    count_request_or_crash(options);
    const Request request = to_request(line);
    if (!options.from_start && request.method == "initialize") {
      write_all(STDOUT_FILENO, initialize_answer(request) + "\n");
    } else if (options.from_start || !request.notification) {
      stdio_modes().at(options.mode)(options, request);
    }
  }
  idle_forever();  // end of input: a hostile server does not take the hint
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = make_parser().parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const cli::Args& args = std::get<cli::Args>(parsed);
  auto transport =
      cli::to_choice("transport", args.get("transport").value_or("http"), {"http", "stdio"});
  auto port = cli::to_integer("port", args.get("port").value_or("0"), 0, 65535);
  auto crash_after =
      cli::to_integer("crash-after", args.get("crash-after").value_or("3"), 1, 1'000'000);
  auto flood_limit =
      cli::to_integer("flood-limit", args.get("flood-limit").value_or("268435456"), 0, 1LL << 40);
  for (const auto* error :
       {transport ? nullptr : &transport.error(), port ? nullptr : &port.error(),
        crash_after ? nullptr : &crash_after.error(),
        flood_limit ? nullptr : &flood_limit.error()}) {
    if (error) {
      std::cerr << "mcpgym-hostile-server: " << *error << "\n";
      return cli::kExitUsage;
    }
  }
  Options options;
  options.mode = args.get("mode").value_or("");
  options.from_start = args.has("from-start");
  options.crash_after = static_cast<int>(*crash_after);
  options.pid_file = args.get("pid-file").value_or("");
  options.flood_limit = static_cast<std::size_t>(*flood_limit);
  const bool stdio = *transport == "stdio";
  if (stdio ? !stdio_modes().contains(options.mode) : !http_modes().contains(options.mode)) {
    std::cerr << "mcpgym-hostile-server: [mcpgym.cli.invalid_value] --mode '" << options.mode
              << "' is not a " << *transport << " mode\n"
              << mode_list() << "\n";
    return cli::kExitUsage;
  }

  std::signal(SIGPIPE, SIG_IGN);  // a peer that went away is a failed write, not a death
  append_pid(options.pid_file, ::getpid());
  if (options.mode == "escaping-grandchild") escape_with_grandchild(options);
  if (options.mode == "log-flood") flood_stderr(options);
  return stdio ? serve_stdio(options) : serve_http(options, static_cast<int>(*port));
}
