#include "reference/gym/handle_store.hpp"

#include <utility>

#include "common/random_id.hpp"
#include "reference/gym/episode.hpp"

namespace mcpgym::gym {

HandleStore::HandleStore(std::chrono::milliseconds idle_timeout, Clock clock)
    : idle_timeout_(idle_timeout), clock_(std::move(clock)), last_sweep_(clock_()) {}

std::string HandleStore::add(std::shared_ptr<Episode> episode) {
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  sweep_now_and_then(now);
  for (;;) {
    // 122 random bits make a collision practically impossible; checking is cheap.
    auto handle = random_uuid_v4();
    if (slots_.emplace(handle, Slot{episode, now}).second) return handle;
  }
}

void HandleStore::put(const std::string& handle, std::shared_ptr<Episode> episode) {
  std::shared_ptr<Episode> replaced;  // destroyed after the lock is released
  std::lock_guard lock(mutex_);
  Slot& slot = slots_[handle];
  replaced = std::exchange(slot.episode, std::move(episode));
  slot.last_used = clock_();
}

bool HandleStore::expired(const Slot& slot, std::chrono::steady_clock::time_point now) const {
  return idle_timeout_.count() != 0 && now - slot.last_used > idle_timeout_;
}

// Environments nobody calls any more are freed without a timer thread: every
// add() sweeps, at most once per quarter of the timeout.
void HandleStore::sweep_now_and_then(std::chrono::steady_clock::time_point now) {
  if (idle_timeout_.count() == 0 || now - last_sweep_ < idle_timeout_ / 4) return;
  last_sweep_ = now;
  std::erase_if(slots_, [&](const auto& entry) { return expired(entry.second, now); });
}

std::shared_ptr<Episode> HandleStore::find(std::string_view handle) {
  std::shared_ptr<Episode> doomed;
  std::lock_guard lock(mutex_);
  auto it = slots_.find(std::string(handle));
  if (it == slots_.end()) return nullptr;
  const auto now = clock_();
  if (expired(it->second, now)) {
    doomed = std::move(it->second.episode);
    slots_.erase(it);
    return nullptr;
  }
  it->second.last_used = now;
  return it->second.episode;
}

bool HandleStore::erase(std::string_view handle) {
  std::shared_ptr<Episode> doomed;
  std::lock_guard lock(mutex_);
  auto it = slots_.find(std::string(handle));
  if (it == slots_.end()) return false;
  // An expired handle no sweep has removed yet is already gone for clients.
  const bool live = !expired(it->second, clock_());
  doomed = std::move(it->second.episode);
  slots_.erase(it);
  return live;
}

std::size_t HandleStore::expire_idle() {
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  last_sweep_ = now;
  return std::erase_if(slots_, [&](const auto& entry) { return expired(entry.second, now); });
}

std::size_t HandleStore::size() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

}  // namespace mcpgym::gym
