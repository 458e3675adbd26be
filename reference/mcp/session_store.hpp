#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "reference/mcp/application.hpp"
#include "reference/mcp/idle_store.hpp"

namespace mcpgym::mcp {

// A live session: the application's Session plus what the core tracks about it.
struct SessionSlot {
  SessionSlot(std::unique_ptr<Session> s, std::string version)
      : session(std::move(s)), protocol_version(std::move(version)) {}

  std::mutex mutex;  // serializes calls into `session`
  const std::unique_ptr<Session> session;
  const std::string protocol_version;
};

// Maps session ids (random UUIDs) to live sessions, and expires idle ones
// (SESS-009); the ids, lookup and expiry are IdleStore's, shared with the
// modern era's handles. Requests hold a shared_ptr, so a session deleted or
// expired mid-request finishes that request before its destructor runs
// (outside any lock).
class SessionStore : public IdleStore<SessionSlot> {
 public:
  using IdleStore::add;
  using IdleStore::IdleStore;

  std::string add(std::unique_ptr<Session> session, std::string protocol_version) {
    return add(std::make_shared<SessionSlot>(std::move(session), std::move(protocol_version)));
  }
};

}  // namespace mcpgym::mcp
