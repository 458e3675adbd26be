#!/usr/bin/env bash
# Proves the golden recordings are reproducible: regenerates them into a
# temporary directory and requires the same files, byte for byte.
# usage: tools/check-golden.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: tools/check-golden.sh BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
golden="$here/../fixtures/golden"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
"$here/regen-golden.sh" "$bin" "$fresh"
status=0
for name in $( (cd "$golden" && ls -- *.jsonl; cd "$fresh" && ls -- *.jsonl) | sort -u); do
  if [ ! -f "$golden/$name" ]; then echo "check-golden: $name is generated but not committed" >&2; status=1
  elif [ ! -f "$fresh/$name" ]; then echo "check-golden: $name is committed but no longer generated" >&2; status=1
  elif ! cmp -s "$golden/$name" "$fresh/$name"; then
    echo "check-golden: $name differs from a fresh regeneration:" >&2
    "$bin/mcpgym-diff" "$golden/$name" "$fresh/$name" >&2 || true
    status=1
  fi
done
[ $status -eq 0 ] && echo "check-golden: $(ls "$golden"/*.jsonl | wc -l) golden recordings regenerate byte-identically"
exit $status
