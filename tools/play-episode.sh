#!/usr/bin/env bash
# `make play`: start the reference backend on a free port, wait for its
# readiness line, play a short seeded episode against it, and stop it,
# whatever happens.
# usage: tools/play-episode.sh BIN_DIR [mcpgym-play flags...]
set -euo pipefail
bin=${1:?usage: tools/play-episode.sh BIN_DIR [mcpgym-play flags...]}
shift

workdir=$(mktemp -d)
backend_pid=""
cleanup() {
  [ -n "$backend_pid" ] && kill "$backend_pid" 2>/dev/null && wait "$backend_pid" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT

mkfifo "$workdir/ready"
"$bin/mcpgym-frozenlake" --port 0 >"$workdir/ready" 2>"$workdir/backend.log" &
backend_pid=$!

# Wait for the one readiness line, with a deadline rather than a sleep.
if ! read -r -t 10 line <"$workdir/ready"; then
  echo "play-episode: the backend printed no 'listening on' line within 10 s; its log:" >&2
  cat "$workdir/backend.log" >&2
  exit 1
fi
url=${line#listening on }
echo "reference backend: $url (pid $backend_pid)"
"$bin/mcpgym-play" --url "$url" "$@"
