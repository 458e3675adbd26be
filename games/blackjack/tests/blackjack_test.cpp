#include "games/blackjack/blackjack.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace mcpgym::blackjack {
namespace {

TEST(BlackjackHands, AnAceCountsElevenWhileThatStaysAtMost21) {
  EXPECT_EQ(sum_hand({1, 6}), 17);
  EXPECT_TRUE(usable_ace({1, 6}));
  EXPECT_EQ(sum_hand({1, 6, 10}), 17);
  EXPECT_FALSE(usable_ace({1, 6, 10}));
  EXPECT_EQ(sum_hand({1, 1}), 12);
}

TEST(BlackjackHands, ABustScoresZero) {
  EXPECT_TRUE(is_bust({10, 10, 2}));
  EXPECT_EQ(score({10, 10, 2}), 0);
  EXPECT_EQ(score({10, 10, 1}), 21);
}

TEST(BlackjackHands, ANaturalIsAnAceAndATenInTwoCards) {
  EXPECT_TRUE(is_natural({10, 1}));
  EXPECT_TRUE(is_natural({1, 10}));
  EXPECT_FALSE(is_natural({1, 5, 5}));
  EXPECT_FALSE(is_natural({1, 10, 10}));
}

TEST(BlackjackPolicy, SticksOn17OrMore) {
  EXPECT_EQ(stick_on_17({.player_sum = 16, .dealer_card = 10, .usable_ace = 0}), Action::kHit);
  EXPECT_EQ(stick_on_17({.player_sum = 17, .dealer_card = 10, .usable_ace = 1}), Action::kStick);
}

// A soft 17 stands, so a stick always leaves the dealer at 17 or more, or bust.
RC_GTEST_PROP(Blackjack, StickEndsWithTheDealerAtLeast17,
              (std::uint64_t seed, bool natural, bool sab)) {
  Blackjack env({.natural = natural, .sab = sab}, seed);
  const StepResult r = env.step(Action::kStick);
  RC_ASSERT(r.terminated);
  RC_ASSERT(sum_hand(env.dealer()) >= 17);
  RC_ASSERT(env.dealer().size() == 2 ||
            sum_hand({env.dealer().begin(), env.dealer().end() - 1}) < 17);
}

RC_GTEST_PROP(Blackjack, HitEndsOnlyOnABust, (std::uint64_t seed)) {
  Blackjack env({}, seed);
  const StepResult r = env.step(Action::kHit);
  RC_ASSERT(r.terminated == is_bust(env.player()));
  RC_ASSERT(r.reward == (r.terminated ? -1.0 : 0.0));
  RC_ASSERT(env.player().size() == 3U);
}

}  // namespace
}  // namespace mcpgym::blackjack
