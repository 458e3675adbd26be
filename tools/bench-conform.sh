#!/usr/bin/env bash
# Wall time of the whole conformance suite against the reference backend and
# against the reference proxy (target: under 20 s each), median of RUNS runs:
# with the default era (auto: both eras of a dual-era server), then each era
# alone (--era legacy, --era modern; issue 12).
# usage: tools/bench-conform.sh BIN_DIR [RUNS]
set -euo pipefail
bin=${1:?usage: tools/bench-conform.sh BIN_DIR [RUNS]}
runs=${2:-3}
ref_features=slippery,truncation,gymnasium-maps,8x8

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {  # name, then the mcpgym-conform flags
  local name=$1 times=() status
  shift
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    status=0
    "$bin/mcpgym-conform" --quiet "$@" >/dev/null || status=$?
    end=$(date +%s%N)
    [ "$status" -eq 0 ] || { echo "  $name: the suite did not pass (exit $status); not timed" >&2; return 1; }
    times+=($(( (end - start) / 1000000 )))
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | median)
  printf '  %-22s median %5d ms over %d runs (%s)\n' "$name" "$med" "$runs" "${times[*]}"
}

echo "conformance suite wall time (target < 20 s each):"
backend=(--profile backend --cmd "$bin/mcpgym-frozenlake --port {port}" --control-plane both
  --features "$ref_features")
proxy=(--profile proxy
  --cmd "$bin/mcpgym-proxy --port {port} --server-script {backend} --interpreter /bin/sh --max-envs 8"
  --control-plane both --features "$ref_features" --max-envs 8)
measure "reference backend" "${backend[@]}"
measure "reference proxy" "${proxy[@]}"
for era in legacy modern; do
  measure "backend, $era" "${backend[@]}" --era "$era"
  measure "proxy, $era" "${proxy[@]}" --era "$era"
done
