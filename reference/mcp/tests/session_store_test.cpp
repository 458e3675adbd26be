#include "reference/mcp/session_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "reference/mcp/tests/fakes.hpp"

namespace mcpgym::mcp {
namespace {

using namespace std::chrono_literals;
using testing::EchoSession;

// A steady clock the test moves by hand, so expiry needs no real waiting. It starts far
// from the epoch so "last used at 0" can never pass for a real timestamp.
struct FakeClock {
  SteadyClock::time_point now{SteadyClock::duration{1'000'000'000'000}};
  SessionStore::Clock fn() {
    return [this] { return now; };
  }
};

// Sets a flag when destroyed, to see exactly when the store lets go of a session.
class FlagSession : public EchoSession {
 public:
  explicit FlagSession(bool* destroyed) : destroyed_(destroyed) {}
  ~FlagSession() override { *destroyed_ = true; }

 private:
  bool* destroyed_;
};

std::unique_ptr<Session> echo() {
  return std::make_unique<EchoSession>();
}

TEST(SessionStore, AddThenFindReturnsTheSessionAndItsVersion) {
  SessionStore store(10s);
  auto session = std::make_unique<EchoSession>();
  Session* raw = session.get();
  const std::string id = store.add(std::move(session), "2025-06-18");
  EXPECT_EQ(store.size(), 1u);
  auto slot = store.find(id);
  ASSERT_NE(slot, nullptr);
  EXPECT_EQ(slot->session.get(), raw);
  EXPECT_EQ(slot->protocol_version, "2025-06-18");
  // Same id, same slot (SESS-007).
  EXPECT_EQ(store.find(id), slot);
}

TEST(SessionStore, UnknownIdIsNotFound_SESS005) {
  SessionStore store(10s);
  store.add(echo(), "2025-11-25");
  EXPECT_EQ(store.find("not-a-session"), nullptr);
  EXPECT_EQ(store.find(""), nullptr);
  EXPECT_EQ(store.size(), 1u);
}

TEST(SessionStore, EraseRemovesOnce_SESS006) {
  SessionStore store(10s);
  const std::string id = store.add(echo(), "2025-11-25");
  EXPECT_TRUE(store.erase(id));
  EXPECT_EQ(store.find(id), nullptr);
  EXPECT_FALSE(store.erase(id));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_FALSE(store.erase("never-added"));
}

TEST(SessionStore, EraseLeavesOtherSessions_SESS008) {
  SessionStore store(10s);
  const std::string a = store.add(echo(), "2025-11-25");
  const std::string b = store.add(echo(), "2025-11-25");
  EXPECT_TRUE(store.erase(a));
  EXPECT_NE(store.find(b), nullptr);
  EXPECT_EQ(store.size(), 1u);
}

// An expired session that no sweep has removed yet is already gone for clients, so ending it
// reports "unknown" (SESS-005, SESS-006) while still releasing it.
TEST(SessionStore, EraseOfAnExpiredSessionReportsUnknownAndReleasesIt_SESS005_SESS009) {
  bool destroyed = false;
  FakeClock clock;
  SessionStore store(10s, clock.fn());
  const std::string id = store.add(std::make_unique<FlagSession>(&destroyed), "2025-11-25");
  clock.now += 10s + SteadyClock::duration{1};
  EXPECT_FALSE(store.erase(id));
  EXPECT_TRUE(destroyed);
  EXPECT_EQ(store.size(), 0u);
}

TEST(SessionStore, EraseAtExactlyTheTimeoutStillEndsALiveSession_SESS006_SESS009) {
  FakeClock clock;
  SessionStore store(10s, clock.fn());
  const std::string id = store.add(echo(), "2025-11-25");
  clock.now += 10s;
  EXPECT_TRUE(store.erase(id));
  EXPECT_EQ(store.size(), 0u);
}

TEST(SessionStore, IdsAreDistinctVersion4Uuids_SESS002_SESS003_SESS012) {
  SessionStore store(0ms);
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    const std::string id = store.add(echo(), "2025-11-25");
    EXPECT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4') << id;
    for (char c : id)
      EXPECT_TRUE(c >= 0x21 && c <= 0x7e) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_EQ(store.size(), 200u);
}

TEST(SessionStore, IdleExactlyTheTimeoutIsStillAlive_SESS009) {
  FakeClock clock;
  SessionStore store(10s, clock.fn());
  const std::string id = store.add(echo(), "2025-11-25");
  clock.now += 10s;  // idle == timeout: not "longer than"
  EXPECT_NE(store.find(id), nullptr);
}

TEST(SessionStore, IdleOneTickLongerThanTheTimeoutExpires_SESS009) {
  FakeClock clock;
  SessionStore store(10s, clock.fn());
  const std::string id = store.add(echo(), "2025-11-25");
  clock.now += 10s + SteadyClock::duration{1};
  EXPECT_EQ(store.find(id), nullptr);
  // find() removed it, so it stays gone even if the clock went back.
  EXPECT_EQ(store.size(), 0u);
  clock.now -= 1h;
  EXPECT_EQ(store.find(id), nullptr);
}

TEST(SessionStore, FindRefreshesLastUse_SESS009) {
  FakeClock clock;
  SessionStore store(10s, clock.fn());
  const std::string id = store.add(echo(), "2025-11-25");
  clock.now += 8s;
  ASSERT_NE(store.find(id), nullptr);
  clock.now += 8s;  // 16 s since add, 8 s since the last use
  ASSERT_NE(store.find(id), nullptr);
  clock.now += 10s;
  EXPECT_EQ(store.expire_idle(), 0u);
  clock.now += SteadyClock::duration{1};
  EXPECT_EQ(store.expire_idle(), 1u);
  EXPECT_EQ(store.find(id), nullptr);
}

TEST(SessionStore, ExpireIdleCountsOnlyIdleSessions_SESS009) {
  FakeClock clock;
  SessionStore store(10s, clock.fn());
  const std::string a = store.add(echo(), "2025-11-25");
  const std::string b = store.add(echo(), "2025-11-25");
  clock.now += 5s;
  const std::string c = store.add(echo(), "2025-11-25");
  clock.now += 5s;
  ASSERT_NE(store.find(a), nullptr);  // a used at +10 s
  clock.now += 6s;                    // +16 s: b idle 16 s, c 11 s, a 6 s
  EXPECT_EQ(store.expire_idle(), 2u);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_NE(store.find(a), nullptr);
  EXPECT_EQ(store.find(b), nullptr);
  EXPECT_EQ(store.find(c), nullptr);
  EXPECT_EQ(store.expire_idle(), 0u);
}

// Sessions and handles share one idle expiry (IdleStore): add() frees what
// nobody used for longer than the timeout, at most once per quarter of it, so
// a store with no sweeper thread does not keep abandoned sessions for ever.
TEST(SessionStore, AddSweepsIdleSessionsNowAndThen_SESS009) {
  FakeClock clock;
  SessionStore store(10s, clock.fn());
  store.add(echo(), "2025-11-25");
  clock.now += 11s;
  const std::string fresh = store.add(echo(), "2025-11-25");
  EXPECT_EQ(store.size(), 1u);
  EXPECT_NE(store.find(fresh), nullptr);
}

TEST(SessionStore, ZeroTimeoutNeverExpires_SESS009) {
  FakeClock clock;
  SessionStore store(0ms, clock.fn());
  EXPECT_EQ(store.idle_timeout(), 0ms);
  const std::string id = store.add(echo(), "2025-11-25");
  clock.now += 24h * 365;
  EXPECT_EQ(store.expire_idle(), 0u);
  EXPECT_NE(store.find(id), nullptr);
}

TEST(SessionStore, DestructorWaitsForTheRequestHoldingTheSlot) {
  bool destroyed = false;
  SessionStore store(10s);
  const std::string id = store.add(std::make_unique<FlagSession>(&destroyed), "2025-11-25");
  auto in_flight = store.find(id);  // a request still running in this session
  ASSERT_TRUE(store.erase(id));
  EXPECT_FALSE(destroyed);
  EXPECT_EQ(store.find(id), nullptr);
  in_flight.reset();
  EXPECT_TRUE(destroyed);
}

TEST(SessionStore, DestructorRunsOnEraseWhenNothingHoldsTheSlot) {
  bool destroyed = false;
  SessionStore store(10s);
  const std::string id = store.add(std::make_unique<FlagSession>(&destroyed), "2025-11-25");
  ASSERT_TRUE(store.erase(id));
  EXPECT_TRUE(destroyed);
}

TEST(SessionStore, ExpiredSessionHeldByARequestIsDestroyedAfterIt) {
  bool destroyed = false;
  FakeClock clock;
  SessionStore store(10s, clock.fn());
  const std::string id = store.add(std::make_unique<FlagSession>(&destroyed), "2025-11-25");
  auto in_flight = store.find(id);
  clock.now += 11s;
  EXPECT_EQ(store.expire_idle(), 1u);
  EXPECT_FALSE(destroyed);
  in_flight.reset();
  EXPECT_TRUE(destroyed);
}

TEST(SessionStore, StoreDestructorDestroysRemainingSessions) {
  bool destroyed = false;
  {
    SessionStore store(10s);
    store.add(std::make_unique<FlagSession>(&destroyed), "2025-11-25");
  }
  EXPECT_TRUE(destroyed);
}

// A session's destructor may be slow (the proxy's ends a backend process), so the store runs
// it outside its lock. Here it calls back into the store from another thread: under the lock
// that call would block, and the bounded wait reports it instead of deadlocking.
class ReentrantSession : public EchoSession {
 public:
  ReentrantSession(SessionStore* store, std::thread* helper, bool* store_was_free)
      : store_(store), helper_(helper), store_was_free_(store_was_free) {}
  ~ReentrantSession() override {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    // The test joins the helper once erase() has returned, when the store lock is free for sure.
    *helper_ = std::thread([store = store_, done] {
      (void)store->size();
      done->set_value();
    });
    *store_was_free_ = finished.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  }

 private:
  SessionStore* store_;
  std::thread* helper_;
  bool* store_was_free_;
};

TEST(SessionStore, SessionDestructorRunsOutsideTheStoreLock) {
  SessionStore store(10s);
  std::thread helper;
  bool store_was_free = false;
  const std::string id =
      store.add(std::make_unique<ReentrantSession>(&store, &helper, &store_was_free), "2025-11-25");
  EXPECT_TRUE(store.erase(id));
  if (helper.joinable()) helper.join();
  EXPECT_TRUE(store_was_free);
}

TEST(SessionStore, ConcurrentAddFindEraseKeepCountsConsistent_SESS010) {
  SessionStore store(0ms);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::atomic<int> lost{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, &lost] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = store.add(echo(), "2025-11-25");
        if (store.find(id) == nullptr) ++lost;
        if (i % 2 == 0 && !store.erase(id)) ++lost;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(lost.load(), 0);
  EXPECT_EQ(store.size(), static_cast<std::size_t>(kThreads * kPerThread / 2));
}

}  // namespace
}  // namespace mcpgym::mcp
