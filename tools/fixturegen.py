"""What every fixture generator in tools/ shares: gymnasium's seeding and
categorical sampling transcribed onto numpy's real Generator, the canonical
JSON line format, and the command line that writes named files to OUT_DIR.

Each gen_<game>_fixtures.py transcribes its own environment from gymnasium
1.0.0 and imports these, so numpy alone decides every random value.
"""

import json
import os
import sys

import numpy as np


def np_random(seed):
    """gymnasium.utils.seeding.np_random."""
    seed_seq = np.random.SeedSequence(seed)
    return np.random.Generator(np.random.PCG64(seed_seq))


def categorical_sample(prob_n, rng):
    """gymnasium.envs.toy_text.utils.categorical_sample."""
    prob_n = np.asarray(prob_n)
    csprob_n = np.cumsum(prob_n)
    return np.argmax(csprob_n > rng.random())


def dumps(obj):
    """One fixture line: sorted keys, no spaces, json's shortest round-trip floats."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def write_outputs(argv, outputs):
    """The generators' command line: `PROG OUT_DIR`; `outputs` maps each file
    name to a function returning its text. Returns the exit status."""
    prog = os.path.basename(argv[0]) if argv else "generator"
    if len(argv) != 2:
        sys.stderr.write(f"usage: {prog} OUT_DIR\n")
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name, text_of in outputs.items():
        with open(os.path.join(out_dir, name), "w", encoding="ascii", newline="\n") as f:
            f.write(text_of())
    return 0
