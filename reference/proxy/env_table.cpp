#include "reference/proxy/env_table.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <vector>

#include "common/log.hpp"
#include "common/random_id.hpp"

namespace mcpgym::proxy {

BackendEnv::BackendEnv(std::unique_ptr<harness::Process> process,
                       std::unique_ptr<harness::McpClient> client,
                       std::shared_ptr<std::atomic<int>> live)
    : process_(std::move(process)), client_(std::move(client)), live_(std::move(live)) {}

BackendEnv::~BackendEnv() {
  // Drop the client's keep-alive connection first: a backend waits for open
  // connections (up to its shutdown grace) before it exits on SIGTERM.
  client_.reset();
  if (process_) {
    const auto status = process_->stop();
    log_debug("backend " + std::to_string(process_->pid()) +
              " of an environment stopped: " + status.describe());
  }
  --*live_;
}

std::unique_ptr<harness::Process> BackendEnv::release_process() {
  return std::move(process_);
}

EnvTable::EnvTable(std::chrono::milliseconds idle_timeout) : idle_timeout_(idle_timeout) {
  if (idle_timeout_.count() == 0) return;
  // The reaper starts with every signal blocked: the proxy constructs this
  // before serve_until_signalled blocks SIGTERM for its own thread to take,
  // and a SIGTERM delivered to the reaper would kill the proxy without
  // stopping its backends.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  reaper_ = std::thread([this] { reap_until_stopped(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

EnvTable::~EnvTable() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (reaper_.joinable()) reaper_.join();
  clear();
}

std::string EnvTable::add(std::shared_ptr<BackendEnv> env, std::optional<std::string> handle) {
  std::string key = handle ? *std::move(handle) : random_uuid_v4();
  std::lock_guard lock(mutex_);
  slots_[key] = Slot{std::move(env), std::chrono::steady_clock::now(), ++added_};
  return key;
}

std::shared_ptr<BackendEnv> EnvTable::find(std::string_view handle) {
  std::lock_guard lock(mutex_);
  const auto it = slots_.find(std::string(handle));
  if (it == slots_.end()) return nullptr;
  it->second.last_used = std::chrono::steady_clock::now();
  return it->second.env;
}

std::shared_ptr<BackendEnv> EnvTable::oldest() {
  std::lock_guard lock(mutex_);
  const auto it = std::min_element(slots_.begin(), slots_.end(), [](const auto& a, const auto& b) {
    return a.second.order < b.second.order;
  });
  return it == slots_.end() ? nullptr : it->second.env;
}

std::shared_ptr<BackendEnv> EnvTable::take(std::string_view handle) {
  std::lock_guard lock(mutex_);
  const auto it = slots_.find(std::string(handle));
  if (it == slots_.end()) return nullptr;
  auto env = std::move(it->second.env);
  slots_.erase(it);
  return env;
}

std::size_t EnvTable::clear() {
  std::unordered_map<std::string, Slot> ended;
  {
    std::lock_guard lock(mutex_);
    ended.swap(slots_);
  }
  return ended.size();  // their backends stop here, outside the lock
}

std::size_t EnvTable::expire_idle() {
  std::vector<std::shared_ptr<BackendEnv>> expired;
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    for (auto it = slots_.begin(); it != slots_.end();) {
      if (now - it->second.last_used >= idle_timeout_) {
        expired.push_back(std::move(it->second.env));
        it = slots_.erase(it);
      } else {
        ++it;
      }
    }
  }
  const std::size_t count = expired.size();
  expired.clear();  // stops their backends, outside the lock
  if (count > 0) log_info(std::to_string(count) + " idle environment(s) expired");
  return count;
}

std::size_t EnvTable::size() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

// Wakes a few times per idle timeout (at least every 10 ms, at most every
// second), so an environment expires within a fraction of its timeout.
void EnvTable::reap_until_stopped() {
  const auto period =
      std::clamp(idle_timeout_ / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    lock.unlock();
    expire_idle();
    lock.lock();
  }
}

}  // namespace mcpgym::proxy
