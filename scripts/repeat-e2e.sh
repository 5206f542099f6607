#!/usr/bin/env bash
# Runs one e2e file N times in a row and counts the runs that passed, e.g. `bash scripts/repeat-e2e.sh aurora-restore 10`.
# Each run's output is kept in .cache/repeat-<pattern>-<i>.out.
set -uo pipefail
cd "$(dirname "$0")/.."
pattern=${1:?usage: repeat-e2e.sh <e2e file pattern> [runs]}
runs=${2:-10}
mkdir -p .cache
passed=0
for i in $(seq 1 "$runs"); do
  out=.cache/repeat-$pattern-$i.out
  start=$(date +%s)
  if npx uvu test/e2e "$pattern" -i "fixture|harness" --no-color >"$out" 2>&1; then
    passed=$((passed + 1))
    verdict=passed
  else
    verdict="FAILED (see $out)"
  fi
  echo "run $i/$runs: $verdict in $(($(date +%s) - start)) s"
done
echo "$passed passed, $((runs - passed)) failed"
[ "$passed" -eq "$runs" ]
