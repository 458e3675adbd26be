#!/usr/bin/env bash
# Checks the library graph the configure step writes (build/mcpgym-library-graph.txt,
# one line per library: "<library> <top-level folder> <linked library>...") against
# the layering of docs/design.md: the folders' dependency graph has no cycle,
# harness never links reference, common links nothing else of the project, and
# games links nothing of reference, harness or conformance.
# usage: check-layering.sh GRAPH_FILE
set -euo pipefail
graph=${1:?usage: check-layering.sh GRAPH_FILE}
[ -s "$graph" ] || { echo "check-layering: no library graph at $graph"; exit 2; }

declare -A folder_of edges
while read -r library folder _; do folder_of[$library]=$folder; done <"$graph"

failures=0
forbid() {  # forbid FROM TO REASON: the folder FROM must not link the folder TO
  echo "layering: $1 -> $2 is forbidden ($3): $4"
  failures=$((failures + 1))
}
while read -r library folder deps; do
  for dep in $deps; do
    to=${folder_of[$dep]:-}
    [ -n "$to" ] && [ "$to" != "$folder" ] || continue
    edges[$folder]="${edges[$folder]:-} $to"
    case "$folder:$to" in
      harness:reference) forbid "$folder" "$to" "the reference proxy builds on the harness" "$library links $dep" ;;
      common:*) forbid "$folder" "$to" "common is below everything" "$library links $dep" ;;
      games:reference | games:harness | games:conformance)
        forbid "$folder" "$to" "games are pure models" "$library links $dep" ;;
    esac
  done
done <"$graph"

# Depth-first search over folders; a grey folder met again closes a cycle.
declare -A colour
path=()
visit() {
  local folder=$1 next
  colour[$folder]=grey
  path+=("$folder")
  for next in $(tr ' ' '\n' <<<"${edges[$folder]:-}" | sort -u); do
    if [ "${colour[$next]:-white}" = grey ]; then
      local cycle="" started=0 f
      for f in "${path[@]}"; do
        [ "$f" = "$next" ] && started=1
        [ $started = 1 ] && cycle+="$f -> "
      done
      echo "layering: folder cycle: ${cycle}$next"
      failures=$((failures + 1))
    elif [ "${colour[$next]:-white}" = white ]; then
      visit "$next"
    fi
  done
  unset 'path[${#path[@]}-1]'
  colour[$folder]=black
}
for folder in $(printf '%s\n' "${folder_of[@]}" | sort -u); do
  [ "${colour[$folder]:-white}" = white ] && visit "$folder"
done

[ $failures -eq 0 ] || exit 1
echo "layering: ${#folder_of[@]} libraries, no folder cycle, no forbidden link"
