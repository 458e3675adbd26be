#!/usr/bin/python3
"""Writes the Blackjack model fixtures, with numpy as the oracle.

Usage: gen_blackjack_fixtures.py OUT_DIR

Run with Debian's /usr/bin/python3 (numpy 1.24). gymnasium is not a dependency:
BlackjackEnv is transcribed below from gymnasium 1.0.0
(gymnasium/envs/toy_text/blackjack.py, gymnasium/utils/seeding.py) and run on
numpy's real Generator, whose choice() draws every card. Writes
OUT_DIR/blackjack_rollouts.jsonl, one episode a line:

  {"seed" or "state", "natural", "sab", "policy", "initial", "dealer", "player",
   "dealer_suit", "dealer_face",
   "steps": [{"action", "observation", "reward", "terminated"}...],
   "final_dealer", "final_player"}

An observation is {"player_sum", "dealer_card", "usable_ace"}. "state" (numpy's
bit_generator.state, as in numpy_choice.jsonl) replaces "seed" in the episodes
that start with a pending 32-bit word that choice must redraw. Scripted
episodes go on stepping after the end, as gymnasium lets them.

The output is deterministic: fixed seeds, sorted keys, shortest round-trip floats.
"""

import random
import sys

from fixturegen import dumps, np_random, write_outputs
from gen_choice_fixtures import generator_at, state_of, u64

# --- gymnasium 1.0.0, transcribed ----------------------------------------------


def cmp(a, b):
    return float(a > b) - float(a < b)


deck = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10]


def draw_card(np_random):
    return int(np_random.choice(deck))


def draw_hand(np_random):
    return [draw_card(np_random), draw_card(np_random)]


def usable_ace(hand):
    return int(1 in hand and sum(hand) + 10 <= 21)


def sum_hand(hand):
    if usable_ace(hand):
        return sum(hand) + 10
    return sum(hand)


def is_bust(hand):
    return sum_hand(hand) > 21


def score(hand):
    return 0 if is_bust(hand) else sum_hand(hand)


def is_natural(hand):
    return sorted(hand) == [1, 10]


class BlackjackEnv:
    """gymnasium BlackjackEnv: step, _get_obs and reset (with its suit and face draws)."""

    def __init__(self, natural=False, sab=False):
        self.natural = natural
        self.sab = sab

    def step(self, action):
        if action:
            self.player.append(draw_card(self.np_random))
            if is_bust(self.player):
                terminated = True
                reward = -1.0
            else:
                terminated = False
                reward = 0.0
        else:
            terminated = True
            while sum_hand(self.dealer) < 17:
                self.dealer.append(draw_card(self.np_random))
            reward = cmp(score(self.player), score(self.dealer))
            if self.sab and is_natural(self.player) and not is_natural(self.dealer):
                reward = 1.0
            elif not self.sab and self.natural and is_natural(self.player) and reward == 1.0:
                reward = 1.5
        return self._get_obs(), reward, terminated, False, {}

    def _get_obs(self):
        return (sum_hand(self.player), self.dealer[0], usable_ace(self.player))

    def reset(self, np_random):
        self.np_random = np_random
        self.dealer = draw_hand(self.np_random)
        self.player = draw_hand(self.np_random)
        _, dealer_card_value, _ = self._get_obs()
        suits = ["C", "D", "H", "S"]
        self.dealer_top_card_suit = self.np_random.choice(suits)
        if dealer_card_value == 1:
            self.dealer_top_card_value_str = "A"
        elif dealer_card_value == 10:
            self.dealer_top_card_value_str = self.np_random.choice(["J", "Q", "K"])
        else:
            self.dealer_top_card_value_str = str(dealer_card_value)
        return self._get_obs(), {}


# --- rollouts --------------------------------------------------------------------

STICK, HIT = 0, 1
EDGE_SEEDS = [0, 1, 2**32 - 1, 2**32, 2**53 - 1]
POLICIES = ["stick17", "random", "hit_until_bust", "stick"]
OPTIONS = [(False, False), (True, False), (False, True), (True, True)]


def observation(obs):
    player_sum, dealer_card, ace = obs
    return {"player_sum": int(player_sum), "dealer_card": int(dealer_card), "usable_ace": int(ace)}


def choose(policy, obs, picker):
    if policy == "stick17":
        return STICK if obs[0] >= 17 else HIT
    if policy == "hit_until_bust":
        return HIT
    if policy == "stick":
        return STICK
    return picker.choice([STICK, HIT])


def rollout(start, generator, natural, sab, policy, picker, extra_steps=0):
    env = BlackjackEnv(natural=natural, sab=sab)
    obs, _ = env.reset(generator)
    record = dict(start)
    record.update(
        {
            "natural": natural,
            "sab": sab,
            "policy": policy,
            "initial": observation(obs),
            "dealer": list(env.dealer),
            "player": list(env.player),
            "dealer_suit": str(env.dealer_top_card_suit),
            "dealer_face": str(env.dealer_top_card_value_str),
        }
    )
    steps = []
    terminated = False
    beyond = 0
    while not terminated or beyond < extra_steps:
        if terminated:
            beyond += 1
        action = choose(policy, obs, picker)
        obs, reward, done, _, _ = env.step(action)
        terminated = terminated or done
        steps.append(
            {"action": action, "observation": observation(obs), "reward": float(reward), "terminated": bool(done)}
        )
    record["steps"] = steps
    record["final_dealer"] = list(env.dealer)
    record["final_player"] = list(env.player)
    return record


def seeded_rollouts(picker):
    seeds = list(EDGE_SEEDS) + list(range(2, 2 + 100))
    while len(seeds) < 200:
        seed = picker.randrange(2**53)
        if seed not in seeds:
            seeds.append(seed)
    lines = []
    for n, seed in enumerate(seeds):
        natural, sab = OPTIONS[n % 4]
        policy = POLICIES[(n // 4) % 4]
        record = rollout({"seed": u64(seed)}, np_random(seed), natural, sab, policy, picker)
        lines.append(dumps(record))
    return lines


def beyond_the_end_rollouts(picker):
    lines = []
    for n, seed in enumerate([7, 8, 9, 2**53 - 1]):
        natural, sab = OPTIONS[n % 4]
        record = rollout({"seed": u64(seed)}, np_random(seed), natural, sab, "random", picker, extra_steps=4)
        lines.append(dumps(record))
    return lines


def forced_redraw_rollouts(picker):
    """Episodes whose first card comes from a pending word of 0, which
    choice(13) rejects: the redraw takes a fresh 64-bit output."""
    lines = []
    for n, seed in enumerate([3, 4, 5, 6]):
        seeded = np_random(seed).bit_generator.state["state"]
        generator = generator_at(seeded["state"], seeded["inc"], True, 0)
        start = {"state": state_of(generator.bit_generator)}
        natural, sab = OPTIONS[n % 4]
        lines.append(dumps(rollout(start, generator, natural, sab, "stick17", picker)))
    return lines


def natural_seeds(wanted):
    """The first seeds whose deal gives the player a natural, by what the
    dealer makes after a stick: a natural too, 21 with three or more cards
    (where sab alone decides), or anything else."""
    found = {"two naturals": [], "dealer 21 drawn": [], "natural only": []}
    seed = 0
    while any(len(seeds) < wanted for seeds in found.values()):
        env = BlackjackEnv()
        env.reset(np_random(seed))
        if is_natural(env.player):
            env.step(STICK)
            if is_natural(env.dealer):
                kind = "two naturals"
            elif sum_hand(env.dealer) == 21:
                kind = "dealer 21 drawn"
            else:
                kind = "natural only"
            if len(found[kind]) < wanted:
                found[kind].append(seed)
        seed += 1
    return [seed for seeds in found.values() for seed in seeds]


def natural_rollouts(picker):
    """Player naturals under every option: 1.5 with natural, sab's outright
    win, and the draws of two naturals."""
    lines = []
    for seed in natural_seeds(2):
        for natural, sab in OPTIONS:
            lines.append(dumps(rollout({"seed": u64(seed)}, np_random(seed), natural, sab, "stick", picker)))
    return lines


def rollouts_fixture():
    picker = random.Random(20261206)
    lines = seeded_rollouts(picker) + beyond_the_end_rollouts(picker) + forced_redraw_rollouts(picker)
    lines += natural_rollouts(picker)
    return "\n".join(lines) + "\n"


def main(argv):
    return write_outputs(argv, {"blackjack_rollouts.jsonl": rollouts_fixture})


if __name__ == "__main__":
    sys.exit(main(sys.argv))
