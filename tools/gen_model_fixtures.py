#!/usr/bin/python3
"""Writes the FrozenLake model fixtures, with numpy as the oracle.

Usage: gen_model_fixtures.py OUT_DIR

Run with Debian's /usr/bin/python3 (numpy 1.24). gymnasium is not a dependency:
the few functions the model must match are transcribed below from gymnasium 0.29.1
(gymnasium/envs/toy_text/frozen_lake.py, gymnasium/envs/toy_text/utils.py,
gymnasium/utils/seeding.py, gymnasium/wrappers/time_limit.py), unchanged in
behaviour up to gymnasium 1.0, and run on numpy's real Generator, PCG64,
SeedSequence, choice, cumsum and argmax so that numpy alone decides every value.

The output is deterministic: every input comes from fixed seeds and every file
is written with sorted keys and json.dumps' shortest round-trip floats.
"""

import json
import random
import sys

import numpy as np

from fixturegen import categorical_sample, dumps, np_random, write_outputs

# --- gymnasium 0.29.1, transcribed ----------------------------------------------


def is_valid(board, max_size):
    """gymnasium.envs.toy_text.frozen_lake.is_valid."""
    frontier, discovered = [], set()
    frontier.append((0, 0))
    while frontier:
        r, c = frontier.pop()
        if not (r, c) in discovered:
            discovered.add((r, c))
            directions = [(1, 0), (0, 1), (-1, 0), (0, -1)]
            for x, y in directions:
                r_new = r + x
                c_new = c + y
                if r_new < 0 or r_new >= max_size or c_new < 0 or c_new >= max_size:
                    continue
                if board[r_new][c_new] == "G":
                    return True
                if board[r_new][c_new] != "H":
                    frontier.append((r_new, c_new))
    return False


def generate_random_map(size=8, p=0.8, seed=None):
    """gymnasium.envs.toy_text.frozen_lake.generate_random_map."""
    valid = False
    board = []
    rng = np_random(seed)
    while not valid:
        p = min(1, p)
        board = rng.choice(["F", "H"], (size, size), p=[p, 1 - p])
        board[0][0] = "S"
        board[-1][-1] = "G"
        valid = is_valid(board, size)
    return ["".join(x) for x in board]


MAPS = {
    "4x4": ["SFFF", "FHFH", "FFFH", "HFFG"],
    "8x8": [
        "SFFFFFFF",
        "FFFFFFFF",
        "FFFHFFFF",
        "FFFFFHFF",
        "FFFHFFFF",
        "FHHFFFHF",
        "FHFFHFHF",
        "FFFHFFFG",
    ],
}

LEFT, DOWN, RIGHT, UP = 0, 1, 2, 3


class FrozenLakeEnv:
    """gymnasium FrozenLakeEnv (transition table, reset, step) plus TimeLimit."""

    def __init__(self, desc, is_slippery, max_episode_steps):
        self.desc = desc = np.asarray(desc, dtype="c")
        self.nrow, self.ncol = nrow, ncol = desc.shape
        self.max_episode_steps = max_episode_steps
        n_s = nrow * ncol
        self.initial_state_distrib = np.array(desc == b"S").astype("float64").ravel()
        self.initial_state_distrib /= self.initial_state_distrib.sum()
        self.P = {s: {a: [] for a in range(4)} for s in range(n_s)}

        def to_s(row, col):
            return row * ncol + col

        def inc(row, col, a):
            if a == LEFT:
                col = max(col - 1, 0)
            elif a == DOWN:
                row = min(row + 1, nrow - 1)
            elif a == RIGHT:
                col = min(col + 1, ncol - 1)
            elif a == UP:
                row = max(row - 1, 0)
            return (row, col)

        def update_probability_matrix(row, col, action):
            new_row, new_col = inc(row, col, action)
            new_state = to_s(new_row, new_col)
            new_letter = desc[new_row, new_col]
            terminated = bytes(new_letter) in b"GH"
            reward = float(new_letter == b"G")
            return new_state, reward, terminated

        for row in range(nrow):
            for col in range(ncol):
                s = to_s(row, col)
                for a in range(4):
                    li = self.P[s][a]
                    letter = desc[row, col]
                    if letter in b"GH":
                        li.append((1.0, s, 0, True))
                    else:
                        if is_slippery:
                            for b in [(a - 1) % 4, a, (a + 1) % 4]:
                                li.append((1.0 / 3.0, *update_probability_matrix(row, col, b)))
                        else:
                            li.append((1.0, *update_probability_matrix(row, col, a)))

    def reset(self, seed):
        self.np_random = np_random(seed)
        self.elapsed_steps = 0
        self.s = categorical_sample(self.initial_state_distrib, self.np_random)
        return int(self.s)

    def step(self, a):
        transitions = self.P[self.s][a]
        i = categorical_sample([t[0] for t in transitions], self.np_random)
        p, s, r, t = transitions[i]
        self.s = s
        self.elapsed_steps += 1
        truncated = self.max_episode_steps is not None and (
            self.elapsed_steps >= self.max_episode_steps
        )
        return int(s), float(r), bool(t), bool(truncated), float(p)


# --- fixture writers ---------------------------------------------------------------

EDGE_SEEDS = [0, 1, 2**32 - 1, 2**32, 2**53 - 1]


def pcg64_fixture():
    seeds = [0, 1, 2, 7, 42, 123, 456, 2024, 2**31, 2**32 - 1, 2**32, 2**32 + 1]
    seeds += [12345678901234, 2**53 - 1, 2**53, 2**63, 2**64 - 1]
    cases = []
    for seed in seeds:
        seq = np.random.SeedSequence(seed)
        raw_gen = np.random.PCG64(np.random.SeedSequence(seed))
        dbl_gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        cases.append(
            {
                "seed": str(seed),
                "pool": [int(w) for w in seq.pool],
                "state32": [int(w) for w in seq.generate_state(4, np.uint32)],
                "state64": [str(int(w)) for w in seq.generate_state(4, np.uint64)],
                "raw": [str(int(w)) for w in raw_gen.random_raw(16)],
                "doubles": [float(d) for d in dbl_gen.random(16)],
            }
        )
    return json.dumps({"cases": cases}, sort_keys=True, indent=1) + "\n"


def map_cases():
    picker = random.Random(20240611)
    cases = []
    for size in (4, 8):
        seeds = list(EDGE_SEEDS) + list(range(2, 2 + 470))
        while len(seeds) < 520:
            seed = picker.randrange(2**53)
            if seed not in seeds:
                seeds.append(seed)
        cases += [(seed, size, 0.8) for seed in seeds]
    for size in (2, 3, 4, 5, 8, 12):
        for p in (0.5, 0.6, 0.9, 1.0):
            for seed in (0, 1, 99, 2**53 - 1):
                cases.append((seed, size, p))
    return cases


def maps_fixture():
    lines = []
    for seed, size, p in map_cases():
        rows = generate_random_map(size=size, p=p, seed=seed)
        lines.append(dumps({"seed": seed, "size": size, "p": p, "map": rows}))
    return "\n".join(lines) + "\n"


# Maps with several start cells exercise the reset draw over more than one 'S'.
MULTI_START_MAPS = [
    ["SFS", "FHF", "SFG"],
    ["SSSS", "SHSH", "SSSH", "HSSG"],
    ["SFFFF", "FHFHS", "FSFFF", "HFSFH", "FFFSG"],
]


def rollout_specs():
    specs = []
    for i in range(120):
        size = 4 if i % 2 == 0 else 8
        seed = i if i < 60 else 2**32 + 7919 * i
        specs.append((generate_random_map(size=size, p=0.8, seed=seed), seed))
    for seed in list(EDGE_SEEDS) + list(range(10, 50)):
        specs.append((MAPS["4x4"], seed))
        specs.append((MAPS["8x8"], seed))
    for i, rows in enumerate(MULTI_START_MAPS):
        for seed in range(5 * i, 5 * i + 5):
            specs.append((rows, seed))
    return specs


# Drawn from for half the rollouts: leaning DOWN and RIGHT reaches the goal far more often.
GOALWARD_ACTIONS = [LEFT, DOWN, DOWN, DOWN, RIGHT, RIGHT, RIGHT, UP]


def rollout(rows, seed, is_slippery, max_episode_steps, picker, action_pool):
    env = FrozenLakeEnv(rows, is_slippery, max_episode_steps)
    initial = env.reset(seed)
    actions, steps = [], []
    # The cap only bounds fixture size; a rollout normally ends on H, G or truncation.
    while len(steps) < 120:
        action = picker.choice(action_pool)
        position, reward, terminated, truncated, prob = env.step(action)
        actions.append(action)
        steps.append(
            {
                "position": position,
                "reward": reward,
                "terminated": terminated,
                "truncated": truncated,
                "prob": prob,
            }
        )
        if terminated or truncated:
            break
    return {
        "seed": seed,
        "map": rows,
        "is_slippery": is_slippery,
        "max_episode_steps": max_episode_steps,
        "initial_position": initial,
        "actions": actions,
        "steps": steps,
    }


def shortest_path_actions(rows):
    """Actions of a shortest non-slippery walk from (0, 0) to the goal, avoiding holes."""
    size = len(rows)
    moves = [(LEFT, 0, -1), (DOWN, 1, 0), (RIGHT, 0, 1), (UP, -1, 0)]
    came_from = {(0, 0): None}
    queue = [(0, 0)]
    while queue:
        r, c = queue.pop(0)
        if rows[r][c] == "G":
            actions = []
            while came_from[(r, c)] is not None:
                (r, c), action = came_from[(r, c)]
                actions.append(action)
            return actions[::-1]
        for action, dr, dc in moves:
            nr, nc = r + dr, c + dc
            if 0 <= nr < size and 0 <= nc < size and rows[nr][nc] != "H":
                if (nr, nc) not in came_from:
                    came_from[(nr, nc)] = ((r, c), action)
                    queue.append((nr, nc))
    raise ValueError("no path")


def scripted_rollouts():
    """Walks that reach the goal, the last ones exactly at the step limit (both flags)."""
    lines = []
    maps = [MAPS["4x4"], MAPS["8x8"]] + [generate_random_map(8, 0.8, s) for s in (3, 2**53 - 1)]
    for n, rows in enumerate(maps):
        actions = shortest_path_actions(rows)
        for limit in (None, len(actions)):
            picker = ScriptedPicker(actions)
            lines.append(dumps(rollout(rows, 1000 + n, False, limit, picker, actions)))
    return lines


class ScriptedPicker:
    """Stands in for random.Random in rollout(): hands out a fixed action list in order."""

    def __init__(self, actions):
        self.actions = list(actions)

    def choice(self, _pool):
        return self.actions.pop(0)


def rollouts_fixture():
    picker = random.Random(7)
    lines = []
    for n, (rows, seed) in enumerate(rollout_specs()):
        is_slippery = n % 2 == 1
        # Every third rollout gets a short limit so truncation actually happens.
        max_episode_steps = (None, 3, 100)[n % 3]
        action_pool = GOALWARD_ACTIONS if n % 4 >= 2 else [LEFT, DOWN, RIGHT, UP]
        lines.append(
            dumps(rollout(rows, seed, is_slippery, max_episode_steps, picker, action_pool))
        )
    lines += scripted_rollouts()
    return "\n".join(lines) + "\n"


def main(argv):
    return write_outputs(argv, {
        "pcg64.json": pcg64_fixture,
        "maps.jsonl": maps_fixture,
        "rollouts.jsonl": rollouts_fixture,
    })


if __name__ == "__main__":
    sys.exit(main(sys.argv))
