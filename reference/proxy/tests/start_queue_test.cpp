// StartQueue, the proxy's burst admission: at most `slots` backends start at
// once, the rest wait in line first come first served, a wait ends at its
// deadline, and the log hears when a line forms and when it drains.
#include "reference/proxy/start_queue.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace mcpgym::proxy {
namespace {

using namespace std::chrono_literals;
using Clock = StartQueue::Clock;

// Events as the queue reports them, for the assertions.
struct Events {
  std::mutex mutex;
  std::vector<StartQueueEvent> seen;
  std::function<void(const StartQueueEvent&)> sink() {
    return [this](const StartQueueEvent& e) {
      std::lock_guard lock(mutex);
      seen.push_back(e);
    };
  }
  std::vector<StartQueueEvent> all() {
    std::lock_guard lock(mutex);
    return seen;
  }
};

// Waits (bounded) until `queue` has `n` initializes in line.
bool line_reaches(const StartQueue& queue, int n) {
  const auto deadline = Clock::now() + 10s;
  while (queue.waiting() != n) {
    if (Clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(StartQueue, AdmitsAtMostItsSlotsAtOnce) {
  StartQueue queue(2);
  auto first = queue.enter(Clock::now() + 10s);
  auto second = queue.enter(Clock::now() + 10s);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(queue.starting(), 2);
  // A third waits until its deadline, then gives up and leaves the line.
  EXPECT_FALSE(queue.enter(Clock::now() + 20ms));
  EXPECT_EQ(queue.waiting(), 0);
  first.reset();
  EXPECT_EQ(queue.starting(), 1);
  EXPECT_TRUE(queue.enter(Clock::now()));
}

TEST(StartQueue, AFreedSlotGoesToTheFirstInLine) {
  Events events;
  StartQueue queue(1, events.sink());
  auto held = queue.enter(Clock::now() + 10s);
  ASSERT_TRUE(held);
  std::mutex order_mutex;
  std::vector<char> order;
  auto waiter = [&](char name) {
    auto slot = queue.enter(Clock::now() + 30s);
    std::lock_guard lock(order_mutex);
    order.push_back(slot ? name : '!');
  };
  std::thread a(waiter, 'A');
  ASSERT_TRUE(line_reaches(queue, 1));
  std::thread b(waiter, 'B');
  ASSERT_TRUE(line_reaches(queue, 2));
  held.reset();
  a.join();
  b.join();
  EXPECT_EQ(order, (std::vector<char>{'A', 'B'}));
  EXPECT_EQ(queue.starting(), 0);

  const auto seen = events.all();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0].kind, StartQueueEvent::Kind::kQueued);
  EXPECT_EQ(describe(seen[0], 1),
            "backend starts queued: 1 starting, 1 initialize(s) waiting (--max-starting 1)");
  EXPECT_EQ(seen[1].kind, StartQueueEvent::Kind::kDrained);
  EXPECT_EQ(seen[1].waited, 2);
  EXPECT_EQ(seen[1].waiting, 2);
  const std::string drained = describe(seen[1], 1);
  EXPECT_EQ(drained.substr(0, drained.find(" the longest")),
            "backend start queue drained: 2 initialize(s) waited, at most 2 at once,");
}

TEST(StartQueue, AWaitThatTimesOutDrainsTheLine) {
  Events events;
  StartQueue queue(1, events.sink());
  auto held = queue.enter(Clock::now() + 10s);
  ASSERT_TRUE(held);
  EXPECT_FALSE(queue.enter(Clock::now() + 10ms));
  const auto seen = events.all();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[1].kind, StartQueueEvent::Kind::kDrained);
  EXPECT_EQ(seen[1].waited, 1);
  EXPECT_GE(seen[1].longest_wait, 10ms);
}

TEST(StartQueue, ManyThreadsNeverExceedTheSlots) {
  StartQueue queue(3);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&] {
      auto slot = queue.enter(Clock::now() + 30s);
      if (!slot) return;
      ++admitted;
      const int now = ++inside;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::yield();
      --inside;
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(admitted.load(), 32);
  EXPECT_LE(most.load(), 3);
  EXPECT_EQ(queue.starting(), 0);
  EXPECT_EQ(queue.waiting(), 0);
}

}  // namespace
}  // namespace mcpgym::proxy
