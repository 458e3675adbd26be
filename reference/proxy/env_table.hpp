#pragma once
// The modern era through the proxy (docs/spec.md PROXY-014): every
// environment made with env_create has a backend process of its own. The
// proxy names it by a handle it mints (HANDLE-002) and maps that handle to
// the backend and to the backend's own handle. A backend stops when its
// environment is closed, expires (HANDLE-006) or the table goes (PROXY-011
// per handle).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "harness/mcp/client.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::proxy {

// One environment: its backend process, a modern client to it, and the handle
// the backend gave the environment. Destroying it stops the backend.
class BackendEnv {
 public:
  BackendEnv(std::unique_ptr<harness::Process> process, std::unique_ptr<harness::McpClient> client,
             std::shared_ptr<std::atomic<int>> live);
  ~BackendEnv();
  BackendEnv(const BackendEnv&) = delete;
  BackendEnv& operator=(const BackendEnv&) = delete;

  // The client is not thread-safe: every call into the environment holds this.
  std::mutex mutex;
  std::string backend_handle;  // set once the backend's env_create answered
  harness::Process& process() { return *process_; }
  harness::McpClient& client() { return *client_; }
  // Only the modern-close-keeps-backend fault: the process, no longer
  // stopped with the environment.
  std::unique_ptr<harness::Process> release_process();

 private:
  std::unique_ptr<harness::Process> process_;
  std::unique_ptr<harness::McpClient> client_;
  std::shared_ptr<std::atomic<int>> live_;  // the --max-envs count this backend holds
};

class EnvTable {
 public:
  // idle_timeout zero: environments never expire. Otherwise a thread expires
  // idle ones, so their backends stop without waiting for another request.
  explicit EnvTable(std::chrono::milliseconds idle_timeout);
  ~EnvTable();  // stops every backend
  EnvTable(const EnvTable&) = delete;
  EnvTable& operator=(const EnvTable&) = delete;

  // Stores `env` under a fresh handle (a random UUID, as session ids), or
  // under `handle` when given (only the modern-handle-passthrough fault).
  std::string add(std::shared_ptr<BackendEnv> env, std::optional<std::string> handle = {});
  // Marks the environment used; null when unknown, closed or expired.
  std::shared_ptr<BackendEnv> find(std::string_view handle);
  // The environment created first among the live ones (only the
  // modern-route-to-first fault); null when there is none.
  std::shared_ptr<BackendEnv> oldest();
  // Removes the environment; its backend stops once the caller drops it.
  std::shared_ptr<BackendEnv> take(std::string_view handle);
  // Removes every environment, stopping their backends; returns how many.
  std::size_t clear();
  // Removes every environment idle for the timeout; returns how many.
  std::size_t expire_idle();
  std::size_t size() const;

 private:
  struct Slot {
    std::shared_ptr<BackendEnv> env;
    std::chrono::steady_clock::time_point last_used;
    std::uint64_t order = 0;
  };
  void reap_until_stopped();

  const std::chrono::milliseconds idle_timeout_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Slot> slots_;
  std::uint64_t added_ = 0;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread reaper_;
};

}  // namespace mcpgym::proxy
