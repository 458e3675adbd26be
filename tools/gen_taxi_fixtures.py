#!/usr/bin/python3
"""Writes the Taxi model fixtures, with numpy as the oracle.

Usage: gen_taxi_fixtures.py OUT_DIR

Run with Debian's /usr/bin/python3 (numpy 1.24). gymnasium is not a dependency:
TaxiEnv is transcribed below from gymnasium 1.0.0
(gymnasium/envs/toy_text/taxi.py, gymnasium/envs/toy_text/utils.py,
gymnasium/utils/seeding.py, gymnasium/utils/colorize.py) and run on numpy's
real Generator, PCG64, SeedSequence, cumsum and argmax so that numpy alone
decides every value. Writes, one JSON object a line:

OUT_DIR/taxi_rollouts.jsonl, one episode a line:
  {"seed", "policy", "initial_state", "initial_mask", "initial_grid",
   "steps": [{"action", "state", "reward", "terminated", "prob", "action_mask"}...],
   "final_grid"}
OUT_DIR/taxi_table.jsonl, one state a line (all 500):
  {"state", "taxi_row", "taxi_col", "passenger_location", "destination",
   "initial_prob", "action_mask", "grid", "transitions": [[prob, next, reward, terminated] x 6]}

`reward` is written as a float although gymnasium's is a Python int: the
values are the same and MCP-Gym sends rewards as JSON floats. The grids are
gymnasium's ansi render with the colour escape codes removed and without the
last-action line, lines joined by "\\n" with no trailing newline.

The output is deterministic: every input comes from fixed seeds and every line
is written with sorted keys and json.dumps' shortest round-trip floats.
"""

import random
import re
import sys
from io import StringIO

import numpy as np

from fixturegen import categorical_sample, dumps, np_random, write_outputs

# --- gymnasium 1.0.0, transcribed ----------------------------------------------

MAP = [
    "+---------+",
    "|R: | : :G|",
    "| : | : : |",
    "| : : : : |",
    "| | : | : |",
    "|Y| : |B: |",
    "+---------+",
]

color2num = dict(gray=30, red=31, green=32, yellow=33, blue=34, magenta=35, cyan=36, white=37, crimson=38)


def colorize(string, color, bold=False, highlight=False):
    """gymnasium.utils.colorize."""
    attr = []
    num = color2num[color]
    if highlight:
        num += 10
    attr.append(str(num))
    if bold:
        attr.append("1")
    attrs = ";".join(attr)
    return f"\x1b[{attrs}m{string}\x1b[0m"


class TaxiEnv:
    """gymnasium TaxiEnv: __init__'s tables, encode, decode, action_mask, reset, step, _render_text."""

    def __init__(self):
        self.desc = np.asarray(MAP, dtype="c")
        self.locs = locs = [(0, 0), (0, 4), (4, 0), (4, 3)]
        num_states = 500
        num_rows = 5
        num_columns = 5
        max_row = num_rows - 1
        max_col = num_columns - 1
        self.initial_state_distrib = np.zeros(num_states)
        num_actions = 6
        self.P = {state: {action: [] for action in range(num_actions)} for state in range(num_states)}
        for row in range(num_rows):
            for col in range(num_columns):
                for pass_idx in range(len(locs) + 1):
                    for dest_idx in range(len(locs)):
                        state = self.encode(row, col, pass_idx, dest_idx)
                        if pass_idx < 4 and pass_idx != dest_idx:
                            self.initial_state_distrib[state] += 1
                        for action in range(num_actions):
                            new_row, new_col, new_pass_idx = row, col, pass_idx
                            reward = -1
                            terminated = False
                            taxi_loc = (row, col)
                            if action == 0:
                                new_row = min(row + 1, max_row)
                            elif action == 1:
                                new_row = max(row - 1, 0)
                            if action == 2 and self.desc[1 + row, 2 * col + 2] == b":":
                                new_col = min(col + 1, max_col)
                            elif action == 3 and self.desc[1 + row, 2 * col] == b":":
                                new_col = max(col - 1, 0)
                            elif action == 4:
                                if pass_idx < 4 and taxi_loc == locs[pass_idx]:
                                    new_pass_idx = 4
                                else:
                                    reward = -10
                            elif action == 5:
                                if (taxi_loc == locs[dest_idx]) and pass_idx == 4:
                                    new_pass_idx = dest_idx
                                    terminated = True
                                    reward = 20
                                elif (taxi_loc in locs) and pass_idx == 4:
                                    new_pass_idx = locs.index(taxi_loc)
                                else:
                                    reward = -10
                            new_state = self.encode(new_row, new_col, new_pass_idx, dest_idx)
                            self.P[state][action].append((1.0, new_state, reward, terminated))
        self.initial_state_distrib /= self.initial_state_distrib.sum()

    def encode(self, taxi_row, taxi_col, pass_loc, dest_idx):
        i = taxi_row
        i *= 5
        i += taxi_col
        i *= 5
        i += pass_loc
        i *= 4
        i += dest_idx
        return i

    def decode(self, i):
        out = []
        out.append(i % 4)
        i = i // 4
        out.append(i % 5)
        i = i // 5
        out.append(i % 5)
        i = i // 5
        out.append(i)
        assert 0 <= i < 5
        return reversed(out)

    def action_mask(self, state):
        mask = np.zeros(6, dtype=np.int8)
        taxi_row, taxi_col, pass_loc, dest_idx = self.decode(state)
        if taxi_row < 4:
            mask[0] = 1
        if taxi_row > 0:
            mask[1] = 1
        if taxi_col < 4 and self.desc[taxi_row + 1, 2 * taxi_col + 2] == b":":
            mask[2] = 1
        if taxi_col > 0 and self.desc[taxi_row + 1, 2 * taxi_col] == b":":
            mask[3] = 1
        if pass_loc < 4 and (taxi_row, taxi_col) == self.locs[pass_loc]:
            mask[4] = 1
        if pass_loc == 4 and ((taxi_row, taxi_col) == self.locs[dest_idx] or (taxi_row, taxi_col) in self.locs):
            mask[5] = 1
        return mask

    def step(self, a):
        transitions = self.P[self.s][a]
        i = categorical_sample([t[0] for t in transitions], self.np_random)
        p, s, r, t = transitions[i]
        self.s = s
        self.lastaction = a
        return int(s), r, t, False, {"prob": p, "action_mask": self.action_mask(s)}

    def reset(self, seed):
        self.np_random = np_random(seed)
        self.s = categorical_sample(self.initial_state_distrib, self.np_random)
        self.lastaction = None
        return int(self.s), {"prob": 1.0, "action_mask": self.action_mask(self.s)}

    def _render_text(self):
        desc = self.desc.copy().tolist()
        outfile = StringIO()
        out = [[c.decode("utf-8") for c in line] for line in desc]
        taxi_row, taxi_col, pass_idx, dest_idx = self.decode(self.s)

        def ul(x):
            return "_" if x == " " else x

        if pass_idx < 4:
            out[1 + taxi_row][2 * taxi_col + 1] = colorize(out[1 + taxi_row][2 * taxi_col + 1], "yellow", highlight=True)
            pi, pj = self.locs[pass_idx]
            out[1 + pi][2 * pj + 1] = colorize(out[1 + pi][2 * pj + 1], "blue", bold=True)
        else:
            out[1 + taxi_row][2 * taxi_col + 1] = colorize(ul(out[1 + taxi_row][2 * taxi_col + 1]), "green", highlight=True)
        di, dj = self.locs[dest_idx]
        out[1 + di][2 * dj + 1] = colorize(out[1 + di][2 * dj + 1], "magenta")
        outfile.write("\n".join(["".join(row) for row in out]) + "\n")
        if self.lastaction is not None:
            outfile.write(f"  ({['South', 'North', 'East', 'West', 'Pickup', 'Dropoff'][self.lastaction]})\n")
        else:
            outfile.write("\n")
        return outfile.getvalue()


# --- MCP-Gym's grid ------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def grid(env):
    """gymnasium's ansi render without colour codes and without the last-action line."""
    text = ANSI.sub("", env._render_text())
    return "\n".join(text.split("\n")[:7])


# --- policies --------------------------------------------------------------------

SOUTH, NORTH, EAST, WEST, PICKUP, DROPOFF = range(6)
LOCS = [(0, 0), (0, 4), (4, 0), (4, 3)]


def moved(row, col, action):
    if action == SOUTH:
        return min(row + 1, 4), col
    if action == NORTH:
        return max(row - 1, 0), col
    if action == EAST and MAP[1 + row][2 * col + 2] == ":":
        return row, min(col + 1, 4)
    if action == WEST and MAP[1 + row][2 * col] == ":":
        return row, max(col - 1, 0)
    return row, col


def distances_to(target):
    """Moves from every cell to `target`, breadth first from it (every move reverses)."""
    distance = {target: 0}
    queue = [target]
    while queue:
        cell = queue.pop(0)
        for action in (SOUTH, NORTH, EAST, WEST):
            nxt = moved(cell[0], cell[1], action)
            if nxt not in distance:
                distance[nxt] = distance[cell] + 1
                queue.append(nxt)
    return distance


DISTANCES = [distances_to(loc) for loc in LOCS]


def towards(row, col, depot):
    distance = DISTANCES[depot]
    for action in (SOUTH, NORTH, EAST, WEST):
        if distance[moved(row, col, action)] < distance[(row, col)]:
            return action
    raise AssertionError("every cell reaches every depot")


def planned_action(state):
    """The harness's breadth-first planner: to the passenger, PICKUP, to the destination, DROPOFF."""
    dest = state % 4
    passenger = (state // 4) % 5
    col = (state // 20) % 5
    row = state // 100
    here = LOCS.index((row, col)) if (row, col) in LOCS else -1
    if passenger == 4:
        return DROPOFF if here == dest else towards(row, col, dest)
    return PICKUP if here == passenger else towards(row, col, passenger)


def choose(policy, state, mask, picker):
    if policy == "planner":
        return planned_action(state)
    if policy == "masked":
        return picker.choice([a for a in range(6) if mask[a]])
    if policy == "pickup_dropoff":  # many PICKUP and DROPOFF attempts, legal or not
        return picker.choice([SOUTH, NORTH, EAST, WEST, PICKUP, PICKUP, DROPOFF, DROPOFF])
    return picker.choice(range(6))


# --- fixture writers ---------------------------------------------------------------

EDGE_SEEDS = [0, 1, 2**32 - 1, 2**32, 2**53 - 1]
POLICIES = ["uniform", "masked", "pickup_dropoff", "planner"]


def step_record(action, env_step):
    state, reward, terminated, _, info = env_step
    return {
        "action": action,
        "state": state,
        "reward": float(reward),
        "terminated": bool(terminated),
        "prob": float(info["prob"]),
        "action_mask": [int(m) for m in info["action_mask"]],
    }


def rollout(seed, policy, max_steps, picker, stop_at_goal=True):
    env = TaxiEnv()
    initial, info = env.reset(seed)
    record = {
        "seed": seed,
        "policy": policy,
        "initial_state": initial,
        "initial_mask": [int(m) for m in info["action_mask"]],
        "initial_grid": grid(env),
    }
    steps = []
    state, mask = initial, info["action_mask"]
    while len(steps) < max_steps:
        action = choose(policy, state, mask, picker)
        step = step_record(action, env.step(action))
        steps.append(step)
        state, mask = step["state"], step["action_mask"]
        if step["terminated"] and stop_at_goal:
            break
    record["steps"] = steps
    record["final_grid"] = grid(env)
    return record


def rollout_specs(picker):
    """(seed, policy, max_steps): 180 episodes; the planner goes on until delivery."""
    seeds = list(EDGE_SEEDS) + list(range(2, 2 + 100))
    while len(seeds) < 180:
        seed = picker.randrange(2**53)
        if seed not in seeds:
            seeds.append(seed)
    specs = []
    for n, seed in enumerate(seeds):
        policy = POLICIES[n % 4]
        max_steps = 250 if n % 9 == 8 or policy == "planner" else 60
        specs.append((seed, policy, max_steps))
    return specs


class ScriptedPicker:
    """Stands in for random.Random in rollout(): hands out a fixed action list in order."""

    def __init__(self, actions):
        self.actions = list(actions)

    def choice(self, _pool):
        return self.actions.pop(0)


def scripted_rollouts():
    """From seed 5's start: a PICKUP while aboard, a DROPOFF at another depot, and steps after
    a delivery (gymnasium's table has rows for the delivered states)."""
    env = TaxiEnv()
    lines = []
    for seed in (5, 2**53 - 1):
        state, _ = env.reset(seed)
        actions = []
        while True:
            a = planned_action(state)
            actions.append(a)
            state, _, terminated, _, _ = env.step(a)
            if a == PICKUP:
                actions += [PICKUP]  # already aboard: -10
                env.step(PICKUP)
            if terminated:
                break
        actions += [PICKUP, DROPOFF, NORTH, DROPOFF, SOUTH, PICKUP]
        picker = ScriptedPicker(actions)
        lines.append(dumps(rollout(seed, "scripted", len(actions), picker, False)))
    return lines


def rollouts_fixture():
    picker = random.Random(20261206)
    lines = []
    for seed, policy, max_steps in rollout_specs(picker):
        lines.append(dumps(rollout(seed, policy, max_steps, picker)))
    lines += scripted_rollouts()
    return "\n".join(lines) + "\n"


def table_fixture():
    env = TaxiEnv()
    lines = []
    for state in range(500):
        row, col, passenger, dest = env.decode(state)
        env.s = state
        env.lastaction = None
        lines.append(
            dumps(
                {
                    "state": state,
                    "taxi_row": int(row),
                    "taxi_col": int(col),
                    "passenger_location": int(passenger),
                    "destination": int(dest),
                    "initial_prob": float(env.initial_state_distrib[state]),
                    "action_mask": [int(m) for m in env.action_mask(state)],
                    "grid": grid(env),
                    "transitions": [
                        [float(p), int(s), float(r), bool(t)] for a in range(6) for (p, s, r, t) in env.P[state][a]
                    ],
                }
            )
        )
    return "\n".join(lines) + "\n"


def main(argv):
    return write_outputs(argv, {"taxi_rollouts.jsonl": rollouts_fixture, "taxi_table.jsonl": table_fixture})


if __name__ == "__main__":
    sys.exit(main(sys.argv))
