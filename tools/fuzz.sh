#!/usr/bin/env bash
# Runs the libFuzzer targets of a MCPGYM_FUZZ=ON build one after another, each
# for <seconds> on a fresh copy of its committed corpus (fuzz/corpus/<name>/),
# and prints per target the executions and any finding. Exits 1 when any
# target found something (crash, sanitizer report, broken property, timeout,
# out of memory), naming the input libFuzzer wrote and how to replay it.
#
# usage: tools/fuzz.sh <fuzz build dir> <seconds per target> [target...]   (default: all)
set -euo pipefail

build=${1:?usage: tools/fuzz.sh <fuzz build dir> <seconds> [target...]}
seconds=${2:?usage: tools/fuzz.sh <fuzz build dir> <seconds> [target...]}
shift 2
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for bin in "$build"/fuzz/mcpgym-fuzz-*; do
    [ -x "$bin" ] && targets+=("${bin##*/mcpgym-fuzz-}")
  done
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no targets in $build/fuzz (was it built with -DMCPGYM_FUZZ=ON?)" >&2
  exit 2
fi

# One input may take this long, and the whole process this much memory, before
# libFuzzer calls it a finding (a hang or an unbounded allocation).
per_input_timeout=${FUZZ_INPUT_TIMEOUT:-25}
rss_limit_mb=${FUZZ_RSS_LIMIT_MB:-2048}

findings=0
for name in "${targets[@]}"; do
  bin="$build/fuzz/mcpgym-fuzz-$name"
  seeds="$source_dir/fuzz/corpus/$name"
  if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
    echo "fuzz $name: no binary $bin or no corpus $seeds" >&2
    exit 2
  fi
  run="$build/fuzz-run/$name"
  rm -rf "$run"
  mkdir -p "$run/findings"
  cp -r "$seeds" "$run/corpus"
  seed_count=$(find "$run/corpus" -type f | wc -l)
  status=0
  "$bin" -max_total_time="$seconds" -timeout="$per_input_timeout" -rss_limit_mb="$rss_limit_mb" \
    -print_final_stats=1 -artifact_prefix="$run/findings/" "$run/corpus" >"$run/log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -n 1)
  corpus_count=$(find "$run/corpus" -type f | wc -l)
  found=$(find "$run/findings" -type f | head -n 1)
  if [ "$status" -eq 0 ] && [ -z "$found" ]; then
    echo "fuzz $name: ${executions:-?} executions in ${seconds} s, corpus $seed_count -> $corpus_count inputs, no finding"
    continue
  fi
  findings=$((findings + 1))
  echo "fuzz $name: FINDING after ${executions:-?} executions (libFuzzer exit status $status)"
  echo "  input:     ${found:-(none written; see the log)}"
  echo "  log:       $run/log"
  if [ -n "$found" ]; then
    echo "  reproduce: $bin $found"
    echo "             (or, without clang: build/fuzz/mcpgym-fuzz-$name $found)"
    echo "  then add it to fuzz/corpus/$name/ with the fix, so every make test replays it"
  fi
  grep -E 'ERROR: |SUMMARY: |fuzz property broken|runtime error|ALARM|out-of-memory|deadly signal' \
    "$run/log" | head -n 8 | sed 's/^/  | /'
done

if [ "$findings" -gt 0 ]; then
  echo "fuzz: $findings of ${#targets[@]} target(s) found something" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s), ${seconds} s each, no finding"
