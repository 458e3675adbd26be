#include "reference/mcp/serve_until_signalled.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "common/log.hpp"
#include "common/signals.hpp"

namespace mcpgym::mcp {

namespace {
// stop() waits for the answers being computed (a proxied call may take its
// whole --call-timeout). After this grace the process ends without them.
constexpr auto kShutdownGrace = std::chrono::milliseconds(500);
}  // namespace

int serve_until_signalled(HttpServer& server, const std::function<void()>& on_stop) {
  std::mutex mutex;
  std::condition_variable changed;
  bool stop_requested = false;
  bool served = false;
  TerminationSignals signals([&](int) {
    server.stop();
    std::lock_guard lock(mutex);
    stop_requested = true;
    changed.notify_all();
  });
  auto port = server.bind();
  if (!port) {
    log_error("[mcpgym.cli.cannot_listen] " + port.error());
    return 1;
  }
  const std::string& host = server.options().host;
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::printf("listening on http://%s:%d/mcp\n", shown_host.c_str(), *port);
  std::fflush(stdout);
  std::thread serving([&] {
    server.serve();
    std::lock_guard lock(mutex);
    served = true;
    changed.notify_all();
  });
  std::unique_lock lock(mutex);
  changed.wait(lock, [&] { return stop_requested || served; });
  lock.unlock();
  if (on_stop) on_stop();
  lock.lock();
  if (!changed.wait_for(lock, kShutdownGrace, [&] { return served; })) {
    log_info("stopped (not waiting for answers still being computed)");
    std::fflush(nullptr);
    std::_Exit(0);
  }
  lock.unlock();
  serving.join();
  log_info("stopped");
  return 0;
}

}  // namespace mcpgym::mcp
