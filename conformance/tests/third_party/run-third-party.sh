#!/usr/bin/env bash
# Runs mcpgym-conform against a third-party Node.js server from fixtures/servers/.
#
#   run-third-party.sh NAME MCPGYM_CONFORM FIXTURE_DIR [ERA]
#
# NAME is ts-frozenlake (the FrozenLake MCP-Gym server on the official TypeScript SDK,
# profile backend), ts-frozenlake-v2 (the same game on the TypeScript SDK v2, profile backend,
# judged in ERA: legacy, modern or both, with FIXTURE_DIR/conformance-baseline.yml) or
# server-everything (@modelcontextprotocol/server-everything in its Streamable HTTP mode,
# profile mcp, with FIXTURE_DIR/conformance-baseline.yml).
#
# The fixture's package.json, package-lock.json and .mjs sources (with the shared game module
# of fixtures/servers/ts-frozenlake-game/ beside them) are copied to a fresh temporary
# directory, installed there with `npm ci`, and judged from there. The temporary directory is
# always removed; the suite stops the servers it starts. Exit status:
# the suite's (0 when every MUST passes, or only baselined checks fail), 77 (ctest's
# SKIP_RETURN_CODE) when Node.js or npm is missing, or, for server-everything, when npm cannot
# reach the registry; 1 for any other trouble.
set -u

readonly kSkip=77

if [ "$#" -lt 3 ] || [ "$#" -gt 4 ]; then
  echo "usage: $0 ts-frozenlake|ts-frozenlake-v2|server-everything MCPGYM_CONFORM FIXTURE_DIR [ERA]" >&2
  exit 2
fi
name=$1
conform=$2
fixture=$3
era=${4:-}

case "$name" in
  ts-frozenlake | server-everything) ;;
  ts-frozenlake-v2)
    case "$era" in
      legacy | modern | both) ;;
      *)
        echo "run-third-party.sh: ts-frozenlake-v2 needs ERA legacy, modern or both, got '$era'" >&2
        exit 2
        ;;
    esac
    ;;
  *)
    echo "run-third-party.sh: unknown server '$name'" >&2
    exit 2
    ;;
esac

if [ ! -x "$conform" ]; then
  echo "run-third-party.sh: $conform is not an executable (build the mcpgym-conform target)" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: Node.js and npm are not installed: the $name run needs them (apt-get install nodejs npm)"
  exit "$kSkip"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mcpgym-third-party-$name.XXXXXX") || exit 1
suite_pid=
cleanup() {
  if [ -n "$suite_pid" ]; then
    kill -TERM "$suite_pid" 2>/dev/null
    wait "$suite_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

now_ms() { date +%s%3N; }
seconds_since() { # start_ms -> "S.mmm"
  local d=$(($(now_ms) - $1))
  printf '%d.%03d' $((d / 1000)) $((d % 1000))
}

# The fixture's package files and .mjs sources, and beside them the shared game module the
# TypeScript examples import (../ts-frozenlake-game/), so relative imports resolve as in the
# repository.
copy_sources() { # from_dir to_dir
  mkdir -p "$2" || exit 1
  for f in "$1"/package.json "$1"/package-lock.json "$1"/*.mjs; do
    if [ -f "$f" ]; then
      cp "$f" "$2/" || exit 1
    fi
  done
}
app="$tmp/$(basename "$fixture")"
copy_sources "$fixture" "$app"
shared_game="$(dirname "$fixture")/ts-frozenlake-game"
if [ -d "$shared_game" ]; then
  copy_sources "$shared_game" "$tmp/ts-frozenlake-game"
fi

started=$(now_ms)
npm_log="$tmp/npm-ci.log"
(cd "$app" && timeout 180 npm ci --no-audit --no-fund --loglevel=error) >"$npm_log" 2>&1
npm_status=$?
echo "npm ci: exit $npm_status in $(seconds_since "$started") s"
if [ "$npm_status" -ne 0 ]; then
  tail -n 30 "$npm_log"
  if [ "$name" = server-everything ] &&
     grep -Eqi 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|fetch failed|socket hang up' "$npm_log"; then
    echo "SKIP: npm ci could not reach the registry; the $name run needs it (or a warm npm cache)"
    exit "$kSkip"
  fi
  echo "FAIL: npm ci failed in $app"
  exit 1
fi

# The suite starts the server in the app's directory (profile working_directory).
case "$name" in
  ts-frozenlake)
    cat >"$tmp/profile.json" <<EOF
{
  "name": "ts-frozenlake (official TypeScript SDK)",
  "kind": "backend",
  "command": "node server.mjs --port {port}",
  "working_directory": "$app",
  "control_plane": "both",
  "features": ["truncation"]
}
EOF
    baseline=()
    limits=(--timeout 240)
    ;;
  ts-frozenlake-v2)
    # Both eras on one endpoint; the SDK's documented departures (README.md there) are the
    # baseline, the same file for every era (a baselined check that is skipped says nothing).
    cat >"$tmp/profile.json" <<EOF
{
  "name": "ts-frozenlake-v2 (TypeScript SDK v2, era $era)",
  "kind": "backend",
  "command": "node server.mjs --port {port}",
  "working_directory": "$app",
  "control_plane": "both",
  "features": ["truncation"],
  "era": "$era",
  "ready_timeout_ms": 60000
}
EOF
    baseline=(--baseline "$fixture/conformance-baseline.yml")
    # Node starts slowly on a loaded machine, and the session-id checks open 1000 sessions
    # through the SDK's transport: deadlines against hangs, not speed targets.
    limits=(--check-timeout 120 --timeout 900)
    ;;
  server-everything)
    # PORT from the environment, `streamableHttp` as its argument; it logs readiness to
    # stderr only, so the suite waits until initialize succeeds (empty ready_pattern).
    cat >"$tmp/profile.json" <<EOF
{
  "name": "@modelcontextprotocol/server-everything (streamableHttp)",
  "kind": "mcp",
  "command": "/usr/bin/env PORT={port} node node_modules/@modelcontextprotocol/server-everything/dist/index.js streamableHttp",
  "working_directory": "$app",
  "ready_pattern": ""
}
EOF
    baseline=(--baseline "$fixture/conformance-baseline.yml")
    limits=(--timeout 240)
    ;;
esac

started=$(now_ms)
"$conform" --profile-file "$tmp/profile.json" "${baseline[@]}" "${limits[@]}" \
  --report-dir "$tmp/report" --work-dir "$tmp/work" --quiet &
suite_pid=$!
wait "$suite_pid"
status=$?
suite_pid=
echo "mcpgym-conform: exit $status in $(seconds_since "$started") s"
if [ -f "$tmp/report/report.md" ]; then
  echo
  cat "$tmp/report/report.md"
fi
if [ "$status" -ne 0 ] && [ -d "$tmp/work" ]; then
  # The servers' own logs, since the directory goes away with this script.
  find "$tmp/work" -type f \( -name '*.log' -o -name '*.err' -o -name '*stderr*' \) 2>/dev/null |
    head -n 5 | while read -r log; do
      echo
      echo "--- ${log#"$tmp"/} (last 20 lines)"
      tail -n 20 "$log"
    done
fi
exit "$status"
