#!/usr/bin/env bash
# Proves a TypeScript level's checks, through dev.sh (the grader's steps):
#
#   checks/typescript/prove.sh <level> [scratch-workspace] [fixture-name...]
#
# - the stub (exercises/typescript/<level>/src) fails every check;
# - the solution (solutions/typescript/<level>/src) passes every check;
# - each wrong fixture (tests/fixtures/typescript/<level>/*.toml, applied to the
#   solution, each `find` exactly once) fails exactly the checklist items in
#   its `rejected_by`.
# With fixture names, only those fixtures run (no stub, no solution).
# Exit status 0 when everything is as it should be.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
level="${1:?usage: $0 <level> [scratch-workspace] [fixture-name...]}"
ws="${2:-/tmp/workshop-ts-dev}"
shift $(( $# >= 2 ? 2 : 1 ))
only=("$@")
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bad=0

if [[ ${#only[@]} -eq 0 ]]; then
  out="$("$here/dev.sh" "$level" "$repo/exercises/typescript/$level/src" "$ws" 2>&1)"
  passing="$(grep -E '^pass ' <<<"$out" || true)"
  if [[ -z "$passing" ]] && grep -q '^failed-items: ' <<<"$out"; then
    echo "ok   stub fails every check ($(grep -cE '^(fail|panic|crash|missing)' <<<"$out") checks)"
  else
    echo "FAIL the stub passes: ${passing:-$(tail -3 <<<"$out")}"; bad=1
  fi

  out="$("$here/dev.sh" "$level" "$repo/solutions/typescript/$level/src" "$ws" 2>&1)"
  if grep -qx 'failed-items: ' <<<"$out"; then
    echo "ok   solution passes every check ($(grep -c '^pass ' <<<"$out") checks)  $(grep '^timings' <<<"$out")"
  else
    echo "FAIL the solution fails:"; grep -vE '^pass ' <<<"$out"; bad=1
  fi
fi

for fixture in "$repo/tests/fixtures/typescript/$level"/*.toml; do
  name="$(basename "$fixture" .toml)"
  if [[ ${#only[@]} -gt 0 ]] && [[ ! " ${only[*]} " == *" $name "* ]]; then continue; fi
  src="$tmp/$name/src"
  expected="$(python3 - "$fixture" "$repo/solutions/typescript/$level" "$src" <<'PY'
import os, shutil, sys, tomllib
fixture, solution, out = sys.argv[1:4]
f = tomllib.load(open(fixture, "rb"))
shutil.copytree(os.path.join(solution, "src"), out)
for i, edit in enumerate(f["edit"], 1):
    path = os.path.join(os.path.dirname(out), edit["file"])
    text = open(path, encoding="utf-8").read()
    n = text.count(edit["find"])
    if n != 1:
        sys.exit(f"edit {i}: `find` occurs {n} times in {edit['file']} (it must occur once)")
    open(path, "w", encoding="utf-8").write(text.replace(edit["find"], edit["replace"], 1))
print(",".join(sorted(f["rejected_by"])))
PY
)" || { echo "FAIL $name: $expected"; bad=1; continue; }
  out="$("$here/dev.sh" "$level" "$src" "$ws" 2>&1)"
  got="$(sed -n 's/^failed-items: //p' <<<"$out")"
  if grep -q '^your code does not type-check' <<<"$out"; then got="(does not type-check)"; fi
  failing="$(grep -E '^(fail|panic|crash|missing) ' <<<"$out" | awk '{print $2}' | tr '\n' ' ')"
  if [[ "$got" == "$expected" ]]; then
    printf 'ok   %-32s rejected by %-45s %s\n' "$name" "$expected" "[$failing]"
  else
    printf 'FAIL %-32s expected %s, got %s\n' "$name" "$expected" "$got"
    grep -E '^(fail|panic|crash|missing) |^your code|^  ' <<<"$out" | head -20
    bad=1
  fi
done
exit $bad
