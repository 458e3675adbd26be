#!/usr/bin/env bash
# Installs the suite from a build tree into a temporary prefix, configures
# conformance/tests/consumer against it with find_package, and runs its ctest:
# proof that another CMake project can add the suite to its own tests.
# usage: consumer.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=${1:?usage: consumer.sh SOURCE_DIR BUILD_DIR}
build_dir=${2:?usage: consumer.sh SOURCE_DIR BUILD_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/conformance/tests/consumer" -B "$work/build" \
  -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
cd "$work/build"
ctest --output-on-failure -L conformance
# The areas asked for, and only those, ran: one ctest test each, with JUnit XML.
expected="my_server.lifecycle my_server.termination"
actual=$(ctest -N -L conformance | sed -n 's/^ *Test *#[0-9]*: //p' | xargs)
[ "$actual" = "$expected" ] || { echo "expected tests '$expected', got '$actual'"; exit 1; }
for area in lifecycle termination; do
  [ -s "conformance-junit/my_server.$area.xml" ] ||
    { echo "no JUnit XML for $area"; exit 1; }
done
echo "consumer project: find_package(mcpgym-conformance) and mcpgym_add_conformance_test work"
