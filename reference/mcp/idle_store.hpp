#pragma once
// Live things under random ids, expired after an idle timeout: the legacy
// era's sessions (SessionStore, SESS-009) and the modern era's environments
// by handle (gym::HandleStore, HANDLE-006) are both this, so idle expiry is
// one piece of code. Ids are random UUIDs from the CSPRNG generator of
// common/random_id.hpp (122 random bits, visible ASCII). A lookup returns a
// shared_ptr, so a value removed or expired mid-call finishes that call
// first; a value the store lets go of is destroyed outside its lock (the
// proxy's sessions end a backend process on destruction).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/random_id.hpp"

namespace mcpgym::mcp {

using SteadyClock = std::chrono::steady_clock;

template <typename T>
class IdleStore {
 public:
  using Clock = std::function<SteadyClock::time_point()>;

  // idle_timeout zero: nothing ever expires.
  explicit IdleStore(std::chrono::milliseconds idle_timeout, Clock clock = SteadyClock::now)
      : idle_timeout_(idle_timeout), clock_(std::move(clock)), last_sweep_(clock_()) {}

  // Stores `value` under a freshly minted id. Sweeps idle values now and
  // then, so that nobody's leftovers pile up without a timer thread.
  std::string add(std::shared_ptr<T> value) {
    std::vector<std::shared_ptr<T>> doomed;
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    if (now - last_sweep_ >= idle_timeout_ / 4) sweep(now, doomed);
    for (;;) {
      // 122 random bits make a collision practically impossible; checking is cheap.
      auto id = random_uuid_v4();
      if (entries_.emplace(id, Entry{value, now}).second) return id;
    }
  }

  // Stores `value` under an id the caller chose, replacing any value there.
  void put(const std::string& id, std::shared_ptr<T> value) {
    std::shared_ptr<T> replaced;
    std::lock_guard lock(mutex_);
    Entry& entry = entries_[id];
    replaced = std::exchange(entry.value, std::move(value));
    entry.last_used = clock_();
  }

  // Marks the id used. Null when unknown or expired (an expired value is removed).
  std::shared_ptr<T> find(std::string_view id) {
    std::shared_ptr<T> doomed;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(std::string(id));
    if (it == entries_.end()) return nullptr;
    const auto now = clock_();
    if (expired(it->second, now)) {
      doomed = std::move(it->second.value);
      entries_.erase(it);
      return nullptr;
    }
    it->second.last_used = now;
    return it->second.value;
  }

  // Removes the id. False when unknown or already expired: an expired value
  // no sweep has removed yet is already gone for clients.
  bool erase(std::string_view id) {
    std::shared_ptr<T> doomed;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(std::string(id));
    if (it == entries_.end()) return false;
    const bool live = !expired(it->second, clock_());
    doomed = std::move(it->second.value);
    entries_.erase(it);
    return live;
  }

  // Removes every idle value; returns how many.
  std::size_t expire_idle() {
    std::vector<std::shared_ptr<T>> doomed;
    std::lock_guard lock(mutex_);
    sweep(clock_(), doomed);
    return doomed.size();
  }

  // Removes everything (a server shutting down); returns how many.
  std::size_t clear() {
    std::unordered_map<std::string, Entry> doomed;
    std::lock_guard lock(mutex_);
    doomed.swap(entries_);
    return doomed.size();
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }
  std::chrono::milliseconds idle_timeout() const { return idle_timeout_; }

 private:
  struct Entry {
    std::shared_ptr<T> value;
    SteadyClock::time_point last_used;
  };

  // Idle for longer than the timeout; idle exactly the timeout is still alive.
  bool expired(const Entry& entry, SteadyClock::time_point now) const {
    return idle_timeout_.count() != 0 && now - entry.last_used > idle_timeout_;
  }

  // Under the lock: moves every idle value into `doomed`, which the caller
  // declared before taking the lock so that they die after it is released.
  void sweep(SteadyClock::time_point now, std::vector<std::shared_ptr<T>>& doomed) {
    last_sweep_ = now;
    if (idle_timeout_.count() == 0) return;
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (expired(it->second, now)) {
        doomed.push_back(std::move(it->second.value));
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }

  const std::chrono::milliseconds idle_timeout_;
  const Clock clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  SteadyClock::time_point last_sweep_;
};

}  // namespace mcpgym::mcp
