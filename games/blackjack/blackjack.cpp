#include "games/blackjack/blackjack.hpp"

#include <algorithm>
#include <array>
#include <numeric>

#include "games/numpy/bounded.hpp"

namespace mcpgym::blackjack {

namespace {

// gymnasium's deck: 1 = ace, 2-10, and jack, queen, king worth 10.
constexpr std::array<int, 13> kDeck = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10};
const std::array<std::string, 4> kSuits = {"C", "D", "H", "S"};
const std::array<std::string, 3> kFaces = {"J", "Q", "K"};

int total(const Hand& hand) {
  return std::accumulate(hand.begin(), hand.end(), 0);
}

// gymnasium's cmp(a, b): float(a > b) - float(a < b).
double compare(int a, int b) {
  return static_cast<double>(a > b) - static_cast<double>(a < b);
}

}  // namespace

bool usable_ace(const Hand& hand) {
  return std::find(hand.begin(), hand.end(), 1) != hand.end() && total(hand) + 10 <= 21;
}

int sum_hand(const Hand& hand) {
  return usable_ace(hand) ? total(hand) + 10 : total(hand);
}

bool is_bust(const Hand& hand) {
  return sum_hand(hand) > 21;
}

int score(const Hand& hand) {
  return is_bust(hand) ? 0 : sum_hand(hand);
}

// sorted(hand) == [1, 10]: two cards only, so a hand that has hit is not one.
bool is_natural(const Hand& hand) {
  Hand sorted = hand;
  std::sort(sorted.begin(), sorted.end());
  return sorted == Hand{1, 10};
}

Blackjack::Blackjack(Rules rules, std::uint64_t seed) : Blackjack(rules, numpy::Pcg64(seed)) {}

Blackjack::Blackjack(Rules rules, numpy::Pcg64 rng) : rng_(rng), rules_(rules) {
  deal();
}

int Blackjack::draw_card() {
  return numpy::choice(rng_, kDeck);
}

// reset's draws, in gymnasium's order.
void Blackjack::deal() {
  dealer_ = {draw_card(), draw_card()};
  player_ = {draw_card(), draw_card()};
  dealer_suit_ = numpy::choice(rng_, kSuits);
  dealer_face_ = draw_face(dealer_.front());
}

// The shown card's face: only a ten draws one (and always does).
std::string Blackjack::draw_face(int shown) {
  if (shown == 1) return std::string("A");
  if (shown == 10) return numpy::choice(rng_, kFaces);
  return std::to_string(shown);
}

double Blackjack::stick_reward() const {
  const double reward = compare(score(player_), score(dealer_));
  if (rules_.sab && is_natural(player_) && !is_natural(dealer_)) return 1.0;
  if (!rules_.sab && rules_.natural && is_natural(player_) && reward == 1.0) return 1.5;
  return reward;
}

StepResult Blackjack::step(Action action) {
  StepResult result;
  if (action == Action::kHit) {
    player_.push_back(draw_card());
    result.terminated = is_bust(player_);
    result.reward = result.terminated ? -1.0 : 0.0;
  } else {
    while (sum_hand(dealer_) < 17)
      dealer_.push_back(draw_card());
    result.terminated = true;
    result.reward = stick_reward();
  }
  result.observation = observation();
  return result;
}

Observation Blackjack::observation() const {
  return Observation{.player_sum = sum_hand(player_),
                     .dealer_card = dealer_.front(),
                     .usable_ace = usable_ace(player_) ? 1 : 0};
}

Action stick_on_17(const Observation& observation) {
  return observation.player_sum >= 17 ? Action::kStick : Action::kHit;
}

}  // namespace mcpgym::blackjack
