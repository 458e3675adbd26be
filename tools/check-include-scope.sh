#!/usr/bin/env bash
# Proves that the build enforces include scopes (cmake/McpgymTargets.cmake,
# mcpgym_stage_headers): builds tools/layering/include_probe, a tiny project on
# the project's own CMake functions, where a program that links a library may
# include its header and a program that does not link it must fail to compile.
# usage: check-include-scope.sh SOURCE_DIR [CXX_COMPILER]
set -euo pipefail
source_dir=${1:?usage: check-include-scope.sh SOURCE_DIR [CXX_COMPILER]}
compiler=${2:-c++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake -S "$source_dir/tools/layering/include_probe" -B "$work" -DMCPGYM_ROOT="$source_dir" \
  -DCMAKE_CXX_COMPILER="$compiler" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work" --target probe_declared >"$work/declared.log" 2>&1 ||
  { cat "$work/declared.log"; echo "FAIL: a program could not include the header of a library it links"; exit 1; }
if cmake --build "$work" --target probe_undeclared >"$work/undeclared.log" 2>&1; then
  echo "FAIL: a program included the header of a library it does not link (include scopes not enforced)"
  exit 1
fi
grep -q 'upper/upper.hpp: No such file or directory' "$work/undeclared.log" ||
  { cat "$work/undeclared.log"; echo "FAIL: the undeclared include failed for another reason"; exit 1; }
echo "include scopes: a linked library's header compiles, an unlinked one's does not"
