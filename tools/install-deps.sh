#!/usr/bin/env bash
# Installs the Debian packages this project needs, and only the missing ones.
# Idempotent and silent when everything is already there, so `make test` and
# `make conform` can call it on every run.
#
# usage: tools/install-deps.sh [build|fixtures|bench|fuzz]...   (default: build)
set -euo pipefail

build_pkgs=(
  g++ cmake make pkg-config
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  libboost1.81-dev libcpp-httplib-dev nlohmann-json3-dev
  libssl-dev zlib1g-dev libbrotli-dev
)
fixtures_pkgs=(python3 python3-numpy)
bench_pkgs=(wrk curl bc)
# make fuzz: clang++ and its runtime libraries (libFuzzer, ASan, UBSan).
fuzz_pkgs=(clang libclang-rt-14-dev)

wanted=()
for profile in "${@:-build}"; do
  case "$profile" in
    build) wanted+=("${build_pkgs[@]}") ;;
    fixtures) wanted+=("${fixtures_pkgs[@]}") ;;
    bench) wanted+=("${bench_pkgs[@]}") ;;
    fuzz) wanted+=("${fuzz_pkgs[@]}") ;;
    *) echo "install-deps: unknown profile '$profile' (expected build, fixtures, bench or fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing missing Debian packages: ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo=(sudo); else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
