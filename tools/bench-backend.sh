#!/usr/bin/env bash
# Measures the reference backend for docs/performance.md, for each game: data-plane
# round trips per second (lake_move, cliff_move, taxi_move; wrk, 1 connection and 8 sessions
# on 8 connections) against a bare cpp-httplib endpoint with the same server
# settings in the same run, then start-up time and memory (mcpgym-bench-backend).
# usage: tools/bench-backend.sh BIN_DIR [SECONDS_PER_RUN]
set -euo pipefail
bin=${1:?usage: tools/bench-backend.sh BIN_DIR [SECONDS_PER_RUN]}
secs=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
lua="$here/bench/move.lua"

workdir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT

# start NAME CMD...: runs a server, waits for its readiness line, sets $url.
start() {
  local name=$1; shift
  mkfifo "$workdir/$name.ready"
  "$@" >"$workdir/$name.ready" 2>"$workdir/$name.log" &
  pids+=($!)
  local line
  if ! read -r -t 10 line <"$workdir/$name.ready"; then
    echo "bench: $name printed no readiness line within 10 s" >&2; cat "$workdir/$name.log" >&2; exit 1
  fi
  url=${line#listening on }
}

new_session() {  # prints a fresh session id of the server at $1
  curl -s -D - -o /dev/null "$1" -H 'Accept: application/json, text/event-stream' \
    -H 'Content-Type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"0","_extra":{"seed":42}}}}' |
    tr -d '\r' | awk 'tolower($1)=="mcp-session-id:"{print $2}'
}

# run_wrk URL CONNECTIONS SESSIONS -> requests/s (fails on any non-2xx answer)
run_wrk() {
  local out
  out=$(MCPGYM_TOOL=${tool:-lake_move} MCPGYM_ACTION=${action:-LEFT} MCPGYM_SESSIONS=$3 wrk -t"$2" -c"$2" -d"${secs}s" -s "$lua" "$1")
  if grep -q "Non-2xx" <<<"$out"; then echo "bench: non-2xx answers from $1:" >&2; echo "$out" >&2; exit 1; fi
  awk '/Requests\/sec/{print $2}' <<<"$out"
}

start bare "$bin/mcpgym-bench-bare"
bare_url=$url
bare1=$(run_wrk "$bare_url" 1 x)
bare8=$(run_wrk "$bare_url" 8 x)

# bench_game GAME TOOL [ACTION]: the backend serving GAME, measured beside the bare
# endpoint, every request one ACTION (default LEFT).
bench_game() {
  local game=$1
  tool=$2
  action=${3:-LEFT}
  start "backend-$game" "$bin/mcpgym-frozenlake" --game "$game" --port 0 --log-level error
  local backend_url=$url one eight back1 back8
  one=$(new_session "$backend_url")
  eight=$(for i in 1 2 3 4 5 6 7 8; do new_session "$backend_url"; done | paste -sd,)
  [ -n "$one" ] && [ "$(tr ',' '\n' <<<"$eight" | grep -c .)" = 8 ] || { echo "bench: could not open $game sessions" >&2; exit 1; }
  back1=$(run_wrk "$backend_url" 1 "$one")
  back8=$(run_wrk "$backend_url" 8 "$eight")
  echo "$game: throughput of $tool (requests/s, ${secs} s per run, wrk on the same 2 cores)"
  printf '  %-28s %10s %10s %7s\n' "" bare backend ratio
  printf '  %-28s %10.0f %10.0f %6.0f%%\n' "1 connection" "$bare1" "$back1" "$(echo "100*$back1/$bare1" | bc -l)"
  printf '  %-28s %10.0f %10.0f %6.0f%%\n' "8 sessions on 8 connections" "$bare8" "$back8" "$(echo "100*$back8/$bare8" | bc -l)"
  echo
  echo "$game: start-up and memory"
  "$bin/mcpgym-bench-backend" --binary "$bin/mcpgym-frozenlake" --game "$game" | sed 's/^/  /'
  echo
}

bench_game frozenlake lake_move
bench_game cliffwalking cliff_move
bench_game taxi taxi_move WEST
# Blackjack: STICK ends each session's episode on its first request; the rest are
# refused moves after the end (tools/bench/move.lua).
bench_game blackjack blackjack_move STICK
