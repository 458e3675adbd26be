#!/usr/bin/python3
"""Writes the CliffWalking model fixtures, with numpy as the oracle.

Usage: gen_cliffwalking_fixtures.py OUT_DIR

Run with Debian's /usr/bin/python3 (numpy 1.24). gymnasium is not a dependency:
CliffWalkingEnv is transcribed below from gymnasium 1.0.0
(gymnasium/envs/toy_text/cliffwalking.py, gymnasium/envs/toy_text/utils.py,
gymnasium/utils/seeding.py) and run on numpy's real Generator, PCG64,
SeedSequence, ravel_multi_index, cumsum and argmax so that numpy alone decides
every value. Writes OUT_DIR/cliffwalking_rollouts.jsonl, one episode a line:

  {"seed", "is_slippery", "policy", "initial_position", "initial_grid",
   "steps": [{"action", "position", "reward", "terminated", "prob"}...],
   "final_grid"}

`reward` is written as a float although gymnasium's is a Python int (-1 or
-100): the values are the same and MCP-Gym sends rewards as JSON floats. The
grids are gymnasium's ansi render with the padding spaces and the final newline
removed (one character per cell), as MCP-Gym shows it.

The output is deterministic: every input comes from fixed seeds and every line
is written with sorted keys and json.dumps' shortest round-trip floats.
"""

import random
import sys
from io import StringIO

import numpy as np

from fixturegen import categorical_sample, dumps, np_random, write_outputs

# --- gymnasium 1.0.0, transcribed ----------------------------------------------


UP = 0
RIGHT = 1
DOWN = 2
LEFT = 3

POSITION_MAPPING = {UP: [-1, 0], RIGHT: [0, 1], DOWN: [1, 0], LEFT: [0, -1]}


class CliffWalkingEnv:
    """gymnasium CliffWalkingEnv: __init__'s tables, reset, step and the ansi render."""

    def __init__(self, is_slippery=False):
        self.shape = (4, 12)
        self.start_state_index = np.ravel_multi_index((3, 0), self.shape)
        self.nS = np.prod(self.shape)
        self.nA = 4
        self.is_slippery = is_slippery
        self._cliff = np.zeros(self.shape, dtype=bool)
        self._cliff[3, 1:-1] = True
        self.P = {}
        for s in range(self.nS):
            position = np.unravel_index(s, self.shape)
            self.P[s] = {a: [] for a in range(self.nA)}
            self.P[s][UP] = self._calculate_transition_prob(position, UP)
            self.P[s][RIGHT] = self._calculate_transition_prob(position, RIGHT)
            self.P[s][DOWN] = self._calculate_transition_prob(position, DOWN)
            self.P[s][LEFT] = self._calculate_transition_prob(position, LEFT)
        self.initial_state_distrib = np.zeros(self.nS)
        self.initial_state_distrib[self.start_state_index] = 1.0

    def _limit_coordinates(self, coord):
        coord[0] = min(coord[0], self.shape[0] - 1)
        coord[0] = max(coord[0], 0)
        coord[1] = min(coord[1], self.shape[1] - 1)
        coord[1] = max(coord[1], 0)
        return coord

    def _calculate_transition_prob(self, current, move):
        if not self.is_slippery:
            deltas = [POSITION_MAPPING[move]]
        else:
            deltas = [POSITION_MAPPING[act] for act in [(move - 1) % 4, move, (move + 1) % 4]]
        outcomes = []
        for delta in deltas:
            new_position = np.array(current) + np.array(delta)
            new_position = self._limit_coordinates(new_position).astype(int)
            new_state = np.ravel_multi_index(tuple(new_position), self.shape)
            if self._cliff[tuple(new_position)]:
                outcomes.append((1 / len(deltas), self.start_state_index, -100, False))
            else:
                terminal_state = (self.shape[0] - 1, self.shape[1] - 1)
                is_terminated = tuple(new_position) == terminal_state
                outcomes.append((1 / len(deltas), new_state, -1, is_terminated))
        return outcomes

    def step(self, a):
        transitions = self.P[self.s][a]
        i = categorical_sample([t[0] for t in transitions], self.np_random)
        p, s, r, t = transitions[i]
        self.s = s
        self.lastaction = a
        return int(s), r, t, False, {"prob": p}

    def reset(self, seed):
        self.np_random = np_random(seed)
        self.s = categorical_sample(self.initial_state_distrib, self.np_random)
        self.lastaction = None
        return int(self.s), {"prob": 1}

    def _render_text(self):
        outfile = StringIO()
        for s in range(self.nS):
            position = np.unravel_index(s, self.shape)
            if self.s == s:
                output = " x "
            elif position == (3, 11):
                output = " T "
            elif self._cliff[position]:
                output = " C "
            else:
                output = " o "
            if position[1] == 0:
                output = output.lstrip()
            if position[1] == self.shape[1] - 1:
                output = output.rstrip()
                output += "\n"
            outfile.write(output)
        outfile.write("\n")
        return outfile.getvalue()


# --- MCP-Gym's grid ------------------------------------------------------------


def grid(env):
    """gymnasium's ansi render, one character per cell, lines joined by "\\n"."""
    lines = env._render_text().rstrip("\n").split("\n")
    return "\n".join(line.replace(" ", "") for line in lines)


# --- policies --------------------------------------------------------------------

N_ROWS, N_COLS, GOAL = 4, 12, 47


def moved(position, action):
    row, col = divmod(position, N_COLS)
    d_row, d_col = POSITION_MAPPING[action]
    row = min(max(row + d_row, 0), N_ROWS - 1)
    col = min(max(col + d_col, 0), N_COLS - 1)
    return row * N_COLS + col


def is_cliff(position):
    return 37 <= position <= 46


def distances_to_goal():
    """Moves to the goal over non-cliff cells, breadth first from the goal."""
    distance = {GOAL: 0}
    queue = [GOAL]
    while queue:
        cell = queue.pop(0)
        for action in (UP, RIGHT, DOWN, LEFT):
            nxt = moved(cell, action)
            if not is_cliff(nxt) and nxt not in distance:
                distance[nxt] = distance[cell] + 1
                queue.append(nxt)
    return distance


DISTANCE = distances_to_goal()


def safe_action(position):
    """The first action, in index order, onto the non-cliff neighbour nearest the goal."""
    best = None
    for action in (UP, RIGHT, DOWN, LEFT):
        nxt = moved(position, action)
        if is_cliff(nxt):
            continue
        if best is None or DISTANCE[nxt] < DISTANCE[moved(position, best)]:
            best = action
    return best


# Weighted action pools: goalward climbs off the bottom row and heads right;
# cliffward hugs the bottom row, so it falls again and again.
POOLS = {
    "uniform": [UP, RIGHT, DOWN, LEFT],
    "goalward": [UP, UP, RIGHT, RIGHT, RIGHT, RIGHT, DOWN, DOWN, LEFT],
    "cliffward": [RIGHT, RIGHT, RIGHT, DOWN, UP],
}


def choose(policy, position, picker):
    if policy == "safe":
        return safe_action(position)
    return picker.choice(POOLS.get(policy))


# --- fixture writers ---------------------------------------------------------------

EDGE_SEEDS = [0, 1, 2**32 - 1, 2**32, 2**53 - 1]
POLICIES = ["uniform", "goalward", "cliffward", "safe"]


def rollout(seed, is_slippery, policy, max_steps, picker, stop_at_goal=True):
    env = CliffWalkingEnv(is_slippery=is_slippery)
    initial, _ = env.reset(seed)
    record = {
        "seed": seed,
        "is_slippery": is_slippery,
        "policy": policy,
        "initial_position": initial,
        "initial_grid": grid(env),
    }
    steps = []
    position = initial
    while len(steps) < max_steps:
        action = choose(policy, position, picker)
        position, reward, terminated, _, info = env.step(action)
        steps.append(
            {
                "action": action,
                "position": position,
                "reward": float(reward),
                "terminated": bool(terminated),
                "prob": float(info["prob"]),
            }
        )
        if terminated and stop_at_goal:
            break
    record["steps"] = steps
    record["final_grid"] = grid(env)
    return record


def rollout_specs(picker):
    """(seed, is_slippery, policy, max_steps): 176 episodes. One in nine is long, and the
    safe policy goes on until the goal, which slipping makes take hundreds of steps."""
    seeds = list(EDGE_SEEDS) + list(range(2, 2 + 100))
    while len(seeds) < 176:
        seed = picker.randrange(2**53)
        if seed not in seeds:
            seeds.append(seed)
    specs = []
    for n, seed in enumerate(seeds):
        is_slippery = n % 2 == 1
        policy = POLICIES[(n // 2) % 4]
        max_steps = 400 if n % 9 == 8 or policy == "safe" else 40
        specs.append((seed, is_slippery, policy, max_steps))
    return specs


class ScriptedPicker:
    """Stands in for random.Random in rollout(): hands out a fixed action list in order."""

    def __init__(self, actions):
        self.actions = list(actions)

    def choice(self, _pool):
        return self.actions.pop(0)


def scripted_rollouts():
    """The safe path to the goal and beyond it (gymnasium's table has a row for 47)."""
    lines = []
    beyond = [RIGHT, DOWN, UP, DOWN, LEFT, UP]
    path = [UP] + [RIGHT] * 11 + [DOWN]
    for seed in (5, 2**53 - 1):
        picker = ScriptedPicker(path + beyond)
        record = rollout(seed, False, "scripted", len(path) + len(beyond), picker, False)
        lines.append(dumps(record))
    return lines


def rollouts_fixture():
    picker = random.Random(20261206)
    lines = []
    for seed, is_slippery, policy, max_steps in rollout_specs(picker):
        lines.append(dumps(rollout(seed, is_slippery, policy, max_steps, picker)))
    lines += scripted_rollouts()
    return "\n".join(lines) + "\n"


def main(argv):
    return write_outputs(argv, {"cliffwalking_rollouts.jsonl": rollouts_fixture})


if __name__ == "__main__":
    sys.exit(main(sys.argv))
