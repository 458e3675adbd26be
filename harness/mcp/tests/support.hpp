#pragma once
// Servers for the client tests, all in-process and all bounded: the reference
// FrozenLake server, a cpp-httplib server answering canned bodies, a listener
// that accepts and never answers, and a port nobody listens on.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/testing/loopback_listener.hpp"
#include "harness/mcp/client.hpp"
#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/http_server.hpp"

namespace mcpgym::harness::testing {

using json = nlohmann::json;

inline std::string url_for(int port, const std::string& path = "/mcp") {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

// The reference server on 127.0.0.1, a free port, served on its own thread.
class ReferenceServer {
 public:
  explicit ReferenceServer(bool sse_responses, gym::GymAppOptions app_options = {})
      : app_(gym::frozenlake_game(), std::move(app_options)) {
    mcp::HttpServerOptions options;
    options.worker_threads = 4;
    options.sse_responses = sse_responses;
    server_ = std::make_unique<mcp::HttpServer>(app_, options);
    auto port = server_->bind();
    if (!port) throw std::runtime_error(port.error());
    port_ = *port;
    thread_ = std::thread([this] { server_->serve(); });
  }
  ~ReferenceServer() {
    server_->stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::string url() const { return url_for(port_); }
  std::size_t sessions() const { return server_->sessions().size(); }

 private:
  gym::GymApp app_;
  std::unique_ptr<mcp::HttpServer> server_;
  std::thread thread_;
  int port_ = -1;
};

struct SeenRequest {
  std::string method;
  std::string path;
  httplib::Headers headers;
  std::string body;

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);  // httplib::Headers compares case-insensitively
    return it == headers.end() ? std::string("(absent)") : it->second;
  }
};

// A cpp-httplib server whose every answer comes from `handler`, recording
// what it was sent.
class CannedServer {
 public:
  using Handler = std::function<void(const SeenRequest&, httplib::Response&)>;

  explicit CannedServer(Handler handler) : handler_(std::move(handler)) {
    const auto handle = [this](const httplib::Request& req, httplib::Response& res) {
      SeenRequest seen{req.method, req.path, req.headers, req.body};
      Handler handler;
      {
        std::lock_guard lock(mutex_);
        seen_.push_back(seen);
        handler = handler_;
      }
      handler(seen, res);
    };
    server_.Post(".*", handle);
    server_.Get(".*", handle);
    server_.Delete(".*", handle);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ < 0) throw std::runtime_error("the canned server did not bind");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs.
    while (!server_.is_running())
      std::this_thread::yield();
  }
  ~CannedServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::string url() const { return url_for(port_); }
  std::vector<SeenRequest> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  Handler handler_;
  httplib::Server server_;
  mutable std::mutex mutex_;
  std::vector<SeenRequest> seen_;
  std::thread thread_;
  int port_ = -1;
};

// A plain socket listener. Without a reply it accepts connections and holds
// them without ever answering; with one, it reads each request (headers and a
// Content-Length body), records its raw bytes, writes `reply` exactly as
// given and closes the connection.
class RawListener {
 public:
  explicit RawListener(std::optional<std::string> reply = std::nullopt)
      : reply_(std::move(reply)), listener_("the raw listener") {
    thread_ = std::thread([this] { serve(); });
  }
  ~RawListener() {
    listener_.stop();
    thread_.join();
    for (int fd : held_)
      ::close(fd);
  }
  int port() const { return listener_.port(); }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    for (;;) {
      const int fd = listener_.accept();
      if (fd < 0) return;
      if (!reply_) {
        held_.push_back(fd);
        continue;
      }
      // Bounded by a 5 s wait for each piece, so a client that stalls cannot hang the test.
      std::string request = testkit::read_http_request(fd, -1, 5000).bytes;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(request));
      }
      testkit::send_all(fd, *reply_);
      ::close(fd);
    }
  }

  std::optional<std::string> reply_;
  testkit::LoopbackListener listener_;
  std::vector<int> held_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// A port on 127.0.0.1 that nobody listens on (bound, read and closed).
inline int refused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("no port to refuse");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace mcpgym::harness::testing
