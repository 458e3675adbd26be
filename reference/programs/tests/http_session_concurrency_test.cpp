// SESS-010: one server serves many sessions at once. Eight threads, each with
// its own connection and session, play a scripted slippery episode at the
// same time; every transcript equals the one a single thread records alone.
#include <gtest/gtest.h>

#include <array>
#include <barrier>
#include <string>
#include <thread>
#include <vector>

#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpConcurrency = HttpFixture;

constexpr int kThreads = 8;
const std::array<const char*, 4> kScript = {"RIGHT", "DOWN", "RIGHT", "DOWN"};

// The whole episode as the wire shows it: each step's observation and the
// control plane read right after it, in both forms.
std::vector<json> play_episode(RawHttpClient& client, std::uint64_t seed) {
  const std::string session = open(
      client,
      seeded_extra(seed, {{"map_name", "8x8"}, {"is_slippery", true}, {"max_episode_steps", 40}}));
  std::vector<json> transcript = {read_payload(client, session, "game://initial_state")};
  for (std::size_t step = 0; step < 60; ++step) {
    json moved = lake_move(client, session, kScript[step % kScript.size()]);
    transcript.push_back(moved);
    if (moved.value("isError", false)) break;  // ended: the episode-over error closes it
    transcript.push_back(read_payload(client, session, "control://reward"));
    transcript.push_back(read_payload(client, session, "control://status"));
    transcript.push_back(control_payload(client, session, "info"));
    transcript.push_back(control_payload(client, session, "status"));
  }
  const auto deleted = delete_session(client, session);
  if (deleted.status != 200) throw WireFailure("DELETE failed: " + describe(deleted));
  return transcript;
}

TEST_F(HttpConcurrency, EightConcurrentSessionsMatchSingleThreadedRuns_SESS010) {
  std::vector<std::vector<json>> expected(kThreads);
  {
    auto client = Client();
    for (int t = 0; t < kThreads; ++t) {
      expected[static_cast<std::size_t>(t)] =
          play_episode(client, 100 + static_cast<std::uint64_t>(t));
    }
  }
  // Different seeds give different episodes, so a mix-up between sessions shows.
  EXPECT_NE(expected[0], expected[1]);

  std::vector<std::vector<json>> actual(kThreads);
  std::vector<std::string> errors(kThreads);
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto i = static_cast<std::size_t>(t);
      try {
        auto client = Client();
        start.arrive_and_wait();
        actual[i] = play_episode(client, 100 + static_cast<std::uint64_t>(t));
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (std::size_t i = 0; i < kThreads; ++i) {
    EXPECT_EQ(errors[i], "") << "thread " << i;
    EXPECT_EQ(actual[i], expected[i]) << "thread " << i << " (seed " << 100 + i << ")";
  }
  EXPECT_EQ(Server().sessions().size(), 0U);
}

}  // namespace
}  // namespace mcpgym::wiretest
