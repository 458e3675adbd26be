#!/usr/bin/python3
"""Writes the fixtures of numpy's Generator.choice, with numpy as the oracle.

Usage: gen_choice_fixtures.py OUT_DIR

Run with Debian's /usr/bin/python3 (numpy 1.24). Writes OUT_DIR/numpy_choice.jsonl,
one case a line:

  {"case", "start": {"seed"} or {"state"}, "ops": [{"op", "n", "value"}...],
   "final_state"}

A state is numpy's bit_generator.state: {"state_high", "state_low", "inc_high",
"inc_low", "has_uint32", "uinteger"} (the 128-bit numbers split in halves). An
op is {"op": "choice", "n", "value"} (Generator.choice(range(n)) on a list, as
gymnasium's Blackjack calls it) or {"op": "random", "value"} (Generator.random()).
Integers above 2^53 are written as decimal strings.

Besides seeded runs, the crafted cases start from states no seed reaches in
practice, chosen so that choice's rejection branch runs: a pending 32-bit half
(has_uint32) that must be redrawn, and 128-bit states whose next 64-bit output
has a rejected low half, a rejected high half, both, or a leftover below n but
not below the threshold (no redraw). numpy draws every recorded value; the
generator only checks that each crafted state does what its name says.

The output is deterministic: fixed seeds, sorted keys, shortest round-trip floats.
"""

import random
import sys

import numpy as np

from fixturegen import dumps, np_random, write_outputs

MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645
MASK128 = (1 << 128) - 1
MASK64 = (1 << 64) - 1
EDGE_SEEDS = [0, 1, 2**32 - 1, 2**32, 2**53 - 1]
# Blackjack's deck, suits and faces; a power of two (never redraws); sizes whose
# threshold 2^32 mod n is large, so seeded runs redraw often.
SIZES = [13, 4, 3, 2, 1, 7, 10, 2**31 + 1, 3 * 2**30 + 1, 2**32 - 1]


def u64(value):
    value = int(value)
    return str(value) if value > 2**53 else value


def state_of(bit_generator):
    s = bit_generator.state
    state, inc = s["state"]["state"], s["state"]["inc"]
    return {
        "state_high": u64(state >> 64),
        "state_low": u64(state & MASK64),
        "inc_high": u64(inc >> 64),
        "inc_low": u64(inc & MASK64),
        "has_uint32": bool(s["has_uint32"]),
        "uinteger": int(s["uinteger"]),
    }


def generator_at(state, inc, has_uint32, uinteger):
    bit_generator = np.random.PCG64()
    bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": state, "inc": inc},
        "has_uint32": has_uint32,
        "uinteger": uinteger,
    }
    return np.random.Generator(bit_generator)


def run(generator, ops):
    """Performs ops, a list of ("choice", n) or ("random", None), on numpy."""
    recorded = []
    for op, n in ops:
        if op == "choice":
            value = int(generator.choice(list(range(n)) if n <= 16 else n))
            recorded.append({"op": "choice", "n": n, "value": value})
        else:
            recorded.append({"op": "random", "value": float(generator.random())})
    return recorded


def seeded_cases(picker):
    cases = []
    seeds = EDGE_SEEDS + [picker.randrange(2**53) for _ in range(25)]
    for i, seed in enumerate(seeds):
        n = SIZES[i % len(SIZES)]
        ops = []
        for _ in range(40):
            roll = picker.random()
            if roll < 0.6:
                ops.append(("choice", n))
            elif roll < 0.8:
                ops.append(("choice", picker.choice(SIZES)))
            else:
                ops.append(("random", None))
        generator = np_random(seed)
        recorded = run(generator, ops)
        cases.append(
            {
                "case": f"seed {seed}, mostly n={n}",
                "start": {"seed": u64(seed)},
                "ops": recorded,
                "final_state": state_of(generator.bit_generator),
            }
        )
    return cases


def words_below(n, limit):
    """32-bit words w whose leftover (w * n) mod 2^32 is below limit."""
    words = [0]
    for k in range(1, n):
        w = -(-(k << 32) // n)  # ceil(k * 2^32 / n)
        if w < 2**32 and (w * n) % 2**32 < limit:
            words.append(w)
    return words


def threshold(n):
    return 2**32 % n


def rotl64(x, r):
    return ((x << r) | (x >> (64 - r))) & MASK64 if r else x


def state_before_output(output, high, inc):
    """The 128-bit state whose next PCG64 step outputs `output`, the stepped
    state's high word being `high`: XSL-RR inverted, then the LCG step."""
    low = high ^ rotl64(output, high >> 58)
    stepped = (high << 64) | low
    return ((stepped - inc) * pow(MULTIPLIER, -1, 1 << 128)) & MASK128


def crafted_case(name, picker, n, low_word, high_word, has_uint32=False, uinteger=0, extra=3):
    inc = (picker.getrandbits(127) << 1) | 1
    output = (high_word << 32) | low_word
    state = state_before_output(output, picker.getrandbits(64), inc)
    check = generator_at(state, inc, False, 0).bit_generator.random_raw()
    assert int(check) == output, name
    generator = generator_at(state, inc, has_uint32, uinteger)
    start = state_of(generator.bit_generator)
    ops = [("choice", n)] + [("choice", n)] * extra + [("random", None), ("choice", n)]
    recorded = run(generator, ops)
    return {
        "case": name,
        "start": {"state": start},
        "ops": recorded,
        "final_state": state_of(generator.bit_generator),
    }


def accepted_word(picker, n):
    while True:
        w = picker.getrandbits(32)
        if (w * n) % 2**32 >= n:
            return w


def crafted_cases(picker):
    cases = []
    for n in (13, 4 + 1, 3, 2**31 + 1):
        rejected = words_below(n, threshold(n)) if n < 2**31 else [0, 1, 2, 3]
        if n >= 2**31:
            rejected = [w for w in range(0, 8) if (w * n) % 2**32 < threshold(n)]
        good = accepted_word(picker, n)
        for r in rejected[:3]:
            cases.append(crafted_case(f"n={n}: low half {r} redrawn", picker, n, r, good))
            cases.append(
                crafted_case(
                    f"n={n}: high half {r} redrawn", picker, n, good, r, has_uint32=True, uinteger=good
                )
            )
            cases.append(crafted_case(f"n={n}: both halves {r} redrawn", picker, n, r, r))
            cases.append(
                crafted_case(
                    f"n={n}: pending half {r} redrawn", picker, n, good, good, has_uint32=True, uinteger=r
                )
            )
        # A leftover below n but not below the threshold: numpy's cheap bound
        # passes, the exact test does not redraw.
        near = [w for w in words_below(n, n) if (w * n) % 2**32 >= threshold(n)] if n < 2**31 else []
        for w in near[:2]:
            cases.append(crafted_case(f"n={n}: leftover below n, kept ({w})", picker, n, w, good))
    return cases


def choice_fixture():
    picker = random.Random(20261206)
    cases = seeded_cases(picker) + crafted_cases(picker)
    return "\n".join(dumps(c) for c in cases) + "\n"


def main(argv):
    return write_outputs(argv, {"numpy_choice.jsonl": choice_fixture})


if __name__ == "__main__":
    sys.exit(main(sys.argv))
