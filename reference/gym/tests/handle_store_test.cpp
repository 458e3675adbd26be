// The modern era's handle store on its own: minting, lookup, close and idle
// expiry against an injected clock (no sleeping).
#include "reference/gym/handle_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "reference/gym/episode.hpp"

namespace mcpgym::gym {
namespace {

using namespace std::chrono_literals;
using Time = std::chrono::steady_clock::time_point;

// A clock the test moves by hand.
struct ManualClock {
  std::shared_ptr<Time> now = std::make_shared<Time>(Time{} + 1h);
  HandleStore::Clock clock() const {
    return [now = now] { return *now; };
  }
  void advance(std::chrono::milliseconds by) const { *now += by; }
};

// The store never looks inside an episode: one of a game that does nothing.
class StillEnv final : public GameEnv {
 public:
  GameStep step(int) override { return {}; }
  json observation() const override { return json::object(); }
  json initial_state() const override { return json::object(); }
};

std::shared_ptr<Episode> an_episode() {
  static const GameInfo kInfo;
  return std::make_shared<Episode>(
      kInfo, SessionSetup{0, std::nullopt, std::make_unique<StillEnv>()}, Faults{});
}

bool is_uuid_v4(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = text[i];
    if (dash != (c == '-')) return false;
    if (!dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return text[14] == '4' && std::string("89ab").find(text[19]) != std::string::npos;
}

TEST(HandleStore, MintsDistinctVersion4UuidsThatFindTheirEpisode_HANDLE002) {
  HandleStore store(0ms);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto episode = an_episode();
    const std::string handle = store.add(episode);
    EXPECT_TRUE(is_uuid_v4(handle)) << handle;  // 122 random bits, visible ASCII
    EXPECT_TRUE(seen.insert(handle).second) << handle;
    EXPECT_EQ(store.find(handle), episode);
  }
  EXPECT_EQ(store.size(), 200u);
}

TEST(HandleStore, EraseClosesAHandleOnce_HANDLE005) {
  HandleStore store(0ms);
  const std::string handle = store.add(an_episode());
  EXPECT_TRUE(store.erase(handle));
  EXPECT_FALSE(store.erase(handle));
  EXPECT_FALSE(store.erase("never-minted"));
  EXPECT_EQ(store.size(), 0u);
}

TEST(HandleStore, FindOfAnUnknownHandleIsNull_HANDLE005) {
  HandleStore store(0ms);
  EXPECT_EQ(store.find("nope"), nullptr);
}

TEST(HandleStore, IdleHandlesExpireAndUseKeepsThemAlive_HANDLE006) {
  ManualClock time;
  HandleStore store(1000ms, time.clock());
  const std::string idle = store.add(an_episode());
  const std::string used = store.add(an_episode());
  time.advance(900ms);
  store.find(used);
  time.advance(200ms);  // idle: 1100 ms; used: 200 ms
  EXPECT_FALSE(store.erase(idle));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.erase(used));
}

TEST(HandleStore, AnExpiredHandleIsGoneForFind_HANDLE006) {
  ManualClock time;
  HandleStore store(1000ms, time.clock());
  const std::string handle = store.add(an_episode());
  time.advance(1000ms);  // exactly the timeout: still alive
  EXPECT_EQ(store.size(), 1u);
  store.find(handle);
  time.advance(1001ms);
  EXPECT_EQ(store.find(handle), nullptr);
  EXPECT_EQ(store.size(), 0u);
}

TEST(HandleStore, ExpireIdleAndAddSweepIdleHandles_HANDLE006) {
  ManualClock time;
  HandleStore store(1000ms, time.clock());
  store.add(an_episode());
  store.add(an_episode());
  time.advance(1500ms);
  EXPECT_EQ(store.expire_idle(), 2u);
  store.add(an_episode());
  time.advance(1500ms);
  store.add(an_episode());  // sweeps the idle one on the way
  EXPECT_EQ(store.size(), 1u);
}

TEST(HandleStore, ZeroTimeoutNeverExpires_HANDLE006) {
  ManualClock time;
  HandleStore store(0ms, time.clock());
  const std::string handle = store.add(an_episode());
  time.advance(std::chrono::hours(24 * 365));
  EXPECT_EQ(store.expire_idle(), 0u);
  EXPECT_TRUE(store.erase(handle));
}

TEST(HandleStore, PutStoresUnderTheCallersHandleReplacingAnyThere) {
  HandleStore store(0ms);
  auto first = an_episode();
  auto second = an_episode();
  store.put("chosen", first);
  store.put("chosen", second);
  EXPECT_EQ(store.find("chosen"), second);
  EXPECT_EQ(store.size(), 1u);
}

}  // namespace
}  // namespace mcpgym::gym
