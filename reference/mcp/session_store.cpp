#include "reference/mcp/session_store.hpp"

#include <vector>

#include "common/random_id.hpp"

namespace mcpgym::mcp {

SessionStore::SessionStore(std::chrono::milliseconds idle_timeout, Clock clock)
    : idle_timeout_(idle_timeout), clock_(std::move(clock)) {}

std::string SessionStore::add(std::unique_ptr<Session> session, std::string protocol_version) {
  auto slot = std::make_shared<SessionSlot>(std::move(session), std::move(protocol_version));
  slot->last_used = clock_().time_since_epoch().count();
  std::lock_guard lock(mutex_);
  for (;;) {
    // 122 random bits make a collision practically impossible; checking is cheap.
    auto id = random_uuid_v4();
    if (sessions_.emplace(id, slot).second) return id;
  }
}

bool SessionStore::expired(const SessionSlot& slot, SteadyClock::time_point now) const {
  if (idle_timeout_.count() == 0) return false;
  const SteadyClock::time_point last{SteadyClock::duration{slot.last_used.load()}};
  return now - last > idle_timeout_;
}

std::shared_ptr<SessionSlot> SessionStore::find(std::string_view id) {
  std::shared_ptr<SessionSlot> doomed;  // destroyed after the lock is released
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return nullptr;
  const auto now = clock_();
  if (expired(*it->second, now)) {
    doomed = std::move(it->second);
    sessions_.erase(it);
    return nullptr;
  }
  it->second->last_used = now.time_since_epoch().count();
  return it->second;
}

bool SessionStore::erase(std::string_view id) {
  std::shared_ptr<SessionSlot> doomed;
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return false;
  // An expired session no sweep has removed yet is already gone for clients.
  const bool live = !expired(*it->second, clock_());
  doomed = std::move(it->second);
  sessions_.erase(it);
  return live;
}

std::size_t SessionStore::expire_idle() {
  std::vector<std::shared_ptr<SessionSlot>> doomed;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (expired(*it->second, now)) {
        doomed.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  return doomed.size();
}

std::size_t SessionStore::clear() {
  std::unordered_map<std::string, std::shared_ptr<SessionSlot>> doomed;
  {
    std::lock_guard lock(mutex_);
    doomed.swap(sessions_);
  }
  return doomed.size();
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace mcpgym::mcp
