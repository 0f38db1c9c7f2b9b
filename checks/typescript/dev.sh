#!/usr/bin/env bash
# Grades a TypeScript level's sources the way `workshop check` will, so the
# Rust grader can copy the steps:
#
#   checks/typescript/dev.sh <level> <src-dir> [scratch-workspace]
#
#  1. workspace: <scratch>/package.json + package-lock.json (the pinned ones
#     from checks/typescript/), `npm ci` when node_modules is missing or stale;
#  2. the learner's level folder: <scratch>/<level>/src/ (a copy of <src-dir>);
#  3. a build dir <scratch>/.workshop/build/<level>/ holding harness.ts, gen.ts,
#     <level>/*.ts (the checks), <level>/learner.ts (generated re-export of the
#     learner's src/index.ts), entry.ts and a strict tsconfig.json;
#  4. tsc --noEmit over learner src + checks: errors in the learner's files stop
#     the check; errors in <level>/types.ts fail the section they fall in; errors
#     in the other check files mean the learner broke the API;
#  5. esbuild bundles entry.ts into harness.mjs (node_modules stay external);
#  6. node runs the correctness checks in one `serve` worker and each perf
#     check in its own `run` process, then the budgets from the level's
#     levels.draft.toml are applied to the perf ratios.
#
# Prints one line per check, "<status> <id>  <message>", then
# "failed-items: <item,...>" (the checklist items with a failing check) and
# "timings: ...". Exit status: 0 when everything passed, 1 when a check failed,
# 2 when the learner's code does not type-check, 3 on a usage or setup error.
# Needs node >= 20, npm, python3 (>= 3.11, for tomllib).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 <level> <src-dir> [scratch-workspace]" >&2
  exit 3
fi
level="$1"
src="$(cd "$2" && pwd)"
ws="${3:-/tmp/workshop-ts-dev}"
checks="$here/$level"
[[ -d "$checks" ]] || { echo "no checks for level $level in $checks" >&2; exit 3; }
[[ -f "$src/index.ts" ]] || { echo "$src/index.ts does not exist" >&2; exit 3; }
case "$ws" in /work/main|/work/main/*) echo "the scratch workspace must be outside the repository (node_modules)" >&2; exit 3 ;; esac

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

# 1. The workspace and its pinned toolchain.
mkdir -p "$ws"
ws="$(cd "$ws" && pwd)"
if ! cmp -s "$here/package-lock.json" "$ws/package-lock.json" || [[ ! -d "$ws/node_modules" ]]; then
  cp "$here/package.json" "$here/package-lock.json" "$ws/"
  t0=$(now)
  (cd "$ws" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "npm ci: $(ms "$t0" "$(now)") ms" >&2
fi
bin="$ws/node_modules/.bin"

# 2. The learner's level folder.
learner="$ws/$level"
rm -rf "$learner/src"
mkdir -p "$learner"
cp -R "$src" "$learner/src"

# 3. The build dir.
build="$ws/.workshop/build/$level"
rm -rf "$build"
mkdir -p "$build/$level" "$build/records"
cp "$here/harness.ts" "$here/gen.ts" "$build/"
cp "$checks"/*.ts "$build/$level/"
printf "export * from '%s/src/index.ts';\n" "$learner" > "$build/$level/learner.ts"
printf "import { main } from './harness';\nimport { tests } from './%s/index';\nmain(tests);\n" "$level" > "$build/entry.ts"
cat > "$build/tsconfig.json" <<EOF
{
  "compilerOptions": {
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "noFallthroughCasesInSwitch": true,
    "noEmit": true,
    "target": "ES2022",
    "lib": ["ES2022"],
    "module": "ESNext",
    "moduleResolution": "Bundler",
    "isolatedModules": true,
    "allowImportingTsExtensions": true,
    "forceConsistentCasingInFileNames": true,
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["entry.ts", "harness.ts", "gen.ts", "$level/**/*.ts", "$learner/src/**/*.ts"]
}
EOF

# 4. Type-check.
t0=$(now)
set +e
(cd "$build" && "$bin/tsc" -p tsconfig.json --pretty false) > "$build/tsc.out" 2>&1
tsc_status=$?
set -e
t_tsc=$(ms "$t0" "$(now)")

# Sort tsc's errors: learner files, type sections, other check files.
python3 - "$build" "$learner" "$level" "$checks/levels.draft.toml" > "$build/types.tsv" <<'PY'
import re, sys, os, tomllib
build, learner, level, draft = sys.argv[1:5]
lines = open(os.path.join(build, "tsc.out"), encoding="utf-8").read().splitlines()
errors = []  # (abs path, line, text)
for line in lines:
    m = re.match(r"^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$", line)
    if m:
        path = os.path.normpath(os.path.join(build, m.group(1)))
        errors.append([path, int(m.group(2)), f"{m.group(4)}: {m.group(5)}"])
    elif errors and line.startswith(" "):
        errors[-1][2] += " " + line.strip()
    elif line.strip():
        errors.append(["?", 0, line.strip()])
types_file = os.path.join(build, level, "types.ts")
sections = []  # (id, first line, last line)
src = []
if os.path.exists(types_file):
    src = open(types_file, encoding="utf-8").read().splitlines()
    starts = [(i + 1, m.group(1)) for i, l in enumerate(src) if (m := re.match(r"^// check: (\S+)\s*$", l))]
    for k, (start, cid) in enumerate(starts):
        end = starts[k + 1][0] - 1 if k + 1 < len(starts) else len(src)
        sections.append((cid, start, end))
def explain(line, text):
    # What a learner can act on: the mix-up that compiled, or where `any` hides.
    here = src[line - 1].strip() if 0 < line <= len(src) else ""
    if text.startswith("TS2578") and here.startswith("// @ts-expect-error"):
        reason = here[len("// @ts-expect-error"):].strip()
        code = src[line].strip() if line < len(src) else ""
        return f"this compiles, but must not ({reason}): {code}" if reason else f"this compiles, but must not: {code}"
    m = re.search(r"Expect<HasAny<(.+)>>", here)
    if m:
        return f"`any` appears in {m.group(1).replace('typeof ', '').replace('L.', '')} (its type, a field, a parameter or the result)"
    return f"line {line}: {text}"
learner_errors, check_errors, by_section = [], [], {cid: [] for cid, _, _ in sections}
for path, line, text in errors:
    rel = os.path.relpath(path, os.path.dirname(learner)) if path.startswith(learner + os.sep) else os.path.relpath(path, build)
    if path.startswith(learner + os.sep):
        learner_errors.append(f"{rel}:{line}: {text}")
    elif path == types_file:
        owner = next((cid for cid, a, b in sections if a <= line <= b), None)
        if owner is None:
            by_section.setdefault("control", []).append(f"(preamble) line {line}: {text}")
        else:
            by_section[owner].append(explain(line, text))
    else:
        check_errors.append(f"{rel}:{line}: {text}")
for e in learner_errors:
    print(f"learner\t-\t{e}")
for e in check_errors:
    print(f"api\t-\t{e}")
control = by_section.get("control", [])
for cid, _, _ in sections:
    if cid == "control":
        continue
    if control:
        print(f"section\t{cid}\tfail\tthe control section does not compile (keep the stub's names and signatures): {control[0]}")
    elif by_section[cid]:
        print(f"section\t{cid}\tfail\t{by_section[cid][0]}")
    else:
        print(f"section\t{cid}\tpass\t")
PY

if grep -q '^learner' "$build/types.tsv"; then
  echo "your code does not type-check:"
  grep '^learner' "$build/types.tsv" | cut -f3-
  echo "timings: tsc=${t_tsc}ms"
  exit 2
fi
if grep -q '^api' "$build/types.tsv"; then
  echo "the checks do not type-check against this code (keep the stub's names and signatures):"
  grep '^api' "$build/types.tsv" | cut -f3- | head -20
fi

# 5. Bundle.
t0=$(now)
(cd "$build" && "$bin/esbuild" entry.ts --bundle --platform=node --format=esm --target=node20 \
  --packages=external --sourcemap --outfile=harness.mjs --log-level=warning)
t_esbuild=$(ms "$t0" "$(now)")

# 6. Run. The kinds and budgets come from the level's draft checks list.
python3 - "$checks/levels.draft.toml" > "$build/kinds.tsv" <<'PY'
import sys, tomllib
data = tomllib.load(open(sys.argv[1], "rb"))
for c in data.get("checks", []):
    print(f"{c['id']}\t{c.get('kind', 'test')}\t{c['item']}\t{c.get('budget', '')}")
PY
mapfile -t all_ids < <(cd "$build" && node --enable-source-maps harness.mjs --list)
checks_ids=()
perf_ids=()
for id in "${all_ids[@]}"; do
  kind="$(awk -F'\t' -v id="$id" '$1 == id { print $2 }' "$build/kinds.tsv")"
  [[ -n "$kind" ]] || { echo "check $id is not in $checks/levels.draft.toml" >&2; exit 3; }
  if [[ "$kind" == perf ]]; then perf_ids+=("$id"); else checks_ids+=("$id"); fi
done

records="$build/records"
t0=$(now)
done_lines=$(printf '%s\n' "${checks_ids[@]}" | (cd "$build" && node --enable-source-maps harness.mjs serve "$records") | grep -c '^@@workshop done ' || true)
t_serve=$(ms "$t0" "$(now)")
[[ "$done_lines" == "${#checks_ids[@]}" ]] || echo "serve reported $done_lines of ${#checks_ids[@]} checks done" >&2

perf_times=""
for id in "${perf_ids[@]}"; do
  t0=$(now)
  (cd "$build" && node --enable-source-maps harness.mjs run "$id" "$records/$id.json") || true
  perf_times+=" $id=$(ms "$t0" "$(now)")ms"
done

# Report.
set +e
python3 - "$build" "$checks/levels.draft.toml" "${all_ids[@]}" <<'PY'
import json, os, sys, tomllib
build, draft, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
meta = {c["id"]: c for c in tomllib.load(open(draft, "rb")).get("checks", [])}
results = []
for id in ids:
    path = os.path.join(build, "records", f"{id}.json")
    if not os.path.exists(path):
        results.append((id, "crash", "no record: the worker died or hung"))
        continue
    r = json.load(open(path, encoding="utf-8"))
    status, message = r["status"], r["message"]
    perf = r.get("perf")
    if status == "pass" and perf is not None:
        budget = float(meta[id]["budget"])
        line = f"{perf['candidate']} / {perf['baseline']}: ratio {perf['ratio']:.2f} (budget {budget}), null {perf['null_ratio']:.2f}, {perf['baseline_ns']:.0f} ns vs {perf['candidate_ns']:.0f} ns"
        status, message = ("pass" if perf["ratio"] <= budget else "fail"), line
    results.append((id, status, message))
for line in open(os.path.join(build, "types.tsv"), encoding="utf-8"):
    parts = line.rstrip("\n").split("\t")
    if parts[0] == "section":
        results.append((parts[1], parts[2], parts[3]))
failed = set()
for id, status, message in results:
    first = message.splitlines()[0] if message else ""
    print(f"{status:5} {id}  {first}")
    if status != "pass":
        failed.add(meta.get(id, {}).get("item", "?"))
known = set(meta)
for id in known - {r[0] for r in results}:
    print(f"missing {id}  (in levels.draft.toml, but neither a test nor a types.ts section)")
    failed.add(meta[id]["item"])
print("failed-items: " + ",".join(sorted(failed)))
sys.exit(1 if failed else 0)
PY
status=$?
echo "timings: tsc=${t_tsc}ms esbuild=${t_esbuild}ms serve(${#checks_ids[@]} checks)=${t_serve}ms${perf_times}"
exit $status
