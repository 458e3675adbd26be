#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "games/numpy/pcg64.hpp"

namespace mcpgym::blackjack {

// gymnasium's action indices.
enum class Action { kStick = 0, kHit = 1 };

// gymnasium's BlackjackEnv(natural=..., sab=...) options.
struct Rules {
  bool natural = false;  // a natural win pays 1.5 (ignored under sab)
  bool sab = false;      // Sutton and Barto: a natural beats a non-natural dealer outright
};

// gymnasium's observation (sum_hand(player), dealer[0], usable_ace(player)).
struct Observation {
  int player_sum = 0;
  int dealer_card = 0;
  int usable_ace = 0;  // 0 or 1
  bool operator==(const Observation&) const = default;
};

struct StepResult {
  Observation observation;
  double reward = 0.0;  // -1.0, 0.0, 1.0, or 1.5 for a natural win with `natural`
  bool terminated = false;
};

using Hand = std::vector<int>;

// gymnasium's helpers on a hand of card values (1 is an ace, 10 any ten).
bool usable_ace(const Hand& hand);
int sum_hand(const Hand& hand);
bool is_bust(const Hand& hand);
int score(const Hand& hand);
bool is_natural(const Hand& hand);

// gymnasium 1.0 BlackjackEnv after reset(seed=seed): an infinite deck, every
// card np_random.choice(deck). reset draws the dealer's two cards, the
// player's two, then the dealer's shown suit (choice of 4) and, only when the
// dealer's first card is 10, its face (choice of 3): those last draws are
// made whether or not anything renders, and shift every later card.
class Blackjack {
 public:
  Blackjack(Rules rules, std::uint64_t seed);
  // The same reset from a generator in any state (tests reach numpy's
  // rejection branch this way).
  Blackjack(Rules rules, numpy::Pcg64 rng);

  // HIT draws one card; STICK plays out the dealer (drawing while under 17, a
  // soft 17 stands) and scores. Stepping an ended episode does what
  // gymnasium does: HIT draws again, STICK scores again.
  StepResult step(Action action);

  Observation observation() const;
  const Hand& player() const { return player_; }
  const Hand& dealer() const { return dealer_; }
  const Rules& rules() const { return rules_; }
  // The shown card's suit ("C", "D", "H", "S") and face ("A", "2".."10",
  // "J", "Q", "K"), as gymnasium keeps them for rendering.
  const std::string& dealer_suit() const { return dealer_suit_; }
  const std::string& dealer_face() const { return dealer_face_; }

 private:
  void deal();
  int draw_card();
  std::string draw_face(int shown);
  double stick_reward() const;

  numpy::Pcg64 rng_;
  Rules rules_;
  Hand dealer_;
  Hand player_;
  std::string dealer_suit_;
  std::string dealer_face_;
};

// The harness policy: stick on 17 or more, else hit.
Action stick_on_17(const Observation& observation);

}  // namespace mcpgym::blackjack
