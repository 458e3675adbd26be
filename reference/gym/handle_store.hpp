#pragma once
// The modern era's environments by handle (docs/spec.md HANDLE-002,
// HANDLE-005, HANDLE-006): handles are random UUIDs from the same CSPRNG
// generator as session ids (common/random_id.hpp), looked up concurrently,
// and expired after an idle timeout. A lookup returns a shared_ptr, so an
// environment closed or expired mid-call finishes that call first; calls into
// one environment are serialized on its Episode::mutex.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mcpgym::gym {

class Episode;

class HandleStore {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // idle_timeout zero: handles never expire.
  explicit HandleStore(std::chrono::milliseconds idle_timeout,
                       Clock clock = std::chrono::steady_clock::now);

  // Mints a fresh handle for `episode` (122 random bits, visible ASCII).
  std::string add(std::shared_ptr<Episode> episode);
  // Stores `episode` under a handle the caller chose, replacing any episode
  // there. Only the handle-from-seed and unknown-handle-creates faults do this.
  void put(const std::string& handle, std::shared_ptr<Episode> episode);
  // Marks the handle used. Null when unknown, closed or expired (an expired
  // handle is removed).
  std::shared_ptr<Episode> find(std::string_view handle);
  // False when unknown, closed or already expired.
  bool erase(std::string_view handle);
  // Removes every idle handle; returns how many.
  std::size_t expire_idle();
  std::size_t size() const;
  std::chrono::milliseconds idle_timeout() const { return idle_timeout_; }

 private:
  struct Slot {
    std::shared_ptr<Episode> episode;
    std::chrono::steady_clock::time_point last_used;
  };
  bool expired(const Slot& slot, std::chrono::steady_clock::time_point now) const;
  void sweep_now_and_then(std::chrono::steady_clock::time_point now);

  const std::chrono::milliseconds idle_timeout_;
  const Clock clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Slot> slots_;
  std::chrono::steady_clock::time_point last_sweep_;
};

}  // namespace mcpgym::gym
