#!/usr/bin/env bash
# Every parse of JSON that comes from outside goes through mcpgym::parse_json
# (common/bounded_json.hpp), which refuses text too deep or too large
# before building a tree. This fails on a bare nlohmann parse anywhere else in
# the product's sources. Tests are exempt (they parse their own literals and the
# output of programs they started), and so is a parse of a raw string literal.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
hits=$(grep -rnE '(json::parse|json::sax_parse|json::from_[a-z]+)\(' \
         --include='*.cpp' --include='*.hpp' reference harness conformance tools 2>/dev/null |
       grep -vE '/tests/|^common/bounded_json\.cpp:' |
       grep -vE 'json::parse\(R"|// bounded-json-ok:' || true)
if [ -n "$hits" ]; then
  echo "[mcpgym.lint.bare_json_parse] untrusted JSON must be parsed with mcpgym::parse_json" \
       "(common/bounded_json.hpp), not with nlohmann directly:"
  echo "$hits"
  exit 1
fi
echo "lint: no bare JSON parse outside common/bounded_json.cpp"
