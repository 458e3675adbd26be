#!/usr/bin/env bash
# Regenerates every golden recording in fixtures/golden/ from the reference
# backend: the one command for it (make golden). check-golden.sh runs the same
# cases into a temporary directory and requires byte-identical files.
# usage: tools/regen-golden.sh BIN_DIR [OUT_DIR]
set -euo pipefail
bin=${1:?usage: tools/regen-golden.sh BIN_DIR [OUT_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-"$here/../fixtures/golden"}
mkdir -p "$out"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
backend="$bin/mcpgym-frozenlake --port {port} --log-level warn"

record() {
  local name=$1; shift
  if ! "$bin/mcpgym-record" --cmd "$backend" --log-dir "$logs" --out "$out/$name.jsonl" "$@" \
      2>"$logs/$name.err"; then
    echo "regen-golden: recording $name failed:" >&2; cat "$logs/$name.err" >&2; exit 1
  fi
}

# 4x4 maps: the shortest path reaches G; RRDD falls into holes on some seeds.
record 4x4-shortest --seeds 42,123,456 --policy shortest
record 4x4-scripted --seeds 42,123,456 --policy scripted:RRDD --max-steps 20
# 8x8 seeded maps.
record 8x8-shortest --seeds 1,2,3 --config '{"map_name":"8x8"}' --policy shortest
# Slippery dynamics driven by a seeded random policy.
record slippery-random --seeds 7,8,9 --config '{"is_slippery":true}' --policy random:1 --max-steps 40
# Truncation: LEFT forever from the start cell never ends the episode by itself.
record truncated --seeds 42 --config '{"max_episode_steps":5}' --policy scripted:L

# CliffWalking (--game cliffwalking): the safe path along the top of the cliff's row;
# a walk that steps into the cliff twice (back to 36, -100.0, not terminated); slippery
# dynamics under a seeded random policy; truncation.
backend="$bin/mcpgym-frozenlake --game cliffwalking --port {port} --log-level warn"
record cliffwalking-shortest --seeds 42,123 --policy shortest
record cliffwalking-cliff --seeds 42 --policy scripted:RIGHT,RIGHT,UP,UP,RIGHT --max-steps 5
record cliffwalking-slippery-random --seeds 7,8 --config '{"is_slippery":true}' --policy random:1 --max-steps 40
record cliffwalking-truncated --seeds 42 --config '{"max_episode_steps":3}' --policy scripted:L

# Taxi (--game taxi): the planner picks up and delivers; from seed 42's start (taxi at
# (3, 4), passenger at G, destination Y) a PICKUP and a DROPOFF with nobody to move (-10.0),
# north to G, a PICKUP, a PICKUP while aboard (-10.0), a DROPOFF at G, which is not the
# destination (-1.0, the passenger stays at G), and a PICKUP again; a seeded random policy;
# truncation.
backend="$bin/mcpgym-frozenlake --game taxi --port {port} --log-level warn"
record taxi-shortest --seeds 42,123 --policy shortest
record taxi-illegal --seeds 42 --policy scripted:PICKUP,DROPOFF,NORTH,NORTH,NORTH,PICKUP,PICKUP,DROPOFF,PICKUP --max-steps 9
record taxi-random --seeds 7,8 --policy random:1 --max-steps 25
record taxi-truncated --seeds 42 --config '{"max_episode_steps":3}' --policy scripted:NORTH
# Blackjack (--game blackjack): stick on 17 or more over a few deals; player naturals
# under natural (5: 1.5; 25: the dealer draws to 21, 0.0; 446: two naturals, 0.0) and
# under sab (25, 1270: the natural wins 1.0 against a drawn 21); a seeded random policy
# that hits past 17; truncation on the first HIT.
backend="$bin/mcpgym-frozenlake --game blackjack --port {port} --log-level warn"
record blackjack-stick17 --seeds 0,42,123,456 --policy shortest
record blackjack-natural --seeds 5,25,446 --config '{"natural":true}' --policy scripted:S
record blackjack-sab --seeds 25,1270 --config '{"sab":true}' --policy scripted:S
record blackjack-random --seeds 7,8,9 --config '{"natural":true,"sab":false}' --policy random:1 --max-steps 10
record blackjack-truncated --seeds 42 --config '{"max_episode_steps":1}' --policy scripted:H
