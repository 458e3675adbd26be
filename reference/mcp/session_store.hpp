#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "reference/mcp/application.hpp"

namespace mcpgym::mcp {

using SteadyClock = std::chrono::steady_clock;

// A live session: the application's Session plus what the core tracks about it.
struct SessionSlot {
  SessionSlot(std::unique_ptr<Session> s, std::string version)
      : session(std::move(s)), protocol_version(std::move(version)) {}

  std::mutex mutex;  // serializes calls into `session`
  const std::unique_ptr<Session> session;
  const std::string protocol_version;
  std::atomic<SteadyClock::rep> last_used{0};
};

// Maps session ids (random UUIDs) to live sessions, and expires idle ones.
// Requests hold a shared_ptr, so a session deleted or expired mid-request
// finishes that request before its destructor runs (outside any lock).
class SessionStore {
 public:
  using Clock = std::function<SteadyClock::time_point()>;

  // idle_timeout zero: sessions never expire.
  explicit SessionStore(std::chrono::milliseconds idle_timeout, Clock clock = SteadyClock::now);

  std::string add(std::unique_ptr<Session> session, std::string protocol_version);
  // Marks the session used. Null when unknown or expired (an expired session is removed).
  std::shared_ptr<SessionSlot> find(std::string_view id);
  // False when unknown or already expired.
  bool erase(std::string_view id);
  std::size_t expire_idle();
  // Ends every session (a server shutting down); returns how many.
  std::size_t clear();
  std::size_t size() const;
  std::chrono::milliseconds idle_timeout() const { return idle_timeout_; }

 private:
  bool expired(const SessionSlot& slot, SteadyClock::time_point now) const;

  const std::chrono::milliseconds idle_timeout_;
  const Clock clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<SessionSlot>> sessions_;
};

}  // namespace mcpgym::mcp
