#!/usr/bin/env bash
# `npm run test:e2e [-- file ...]`: each e2e file in its own process (no module state shared between files),
# E2E_JOBS of them at once (default 2: the suite mostly waits on pods, elections and timeouts, not on CPU), the
# longest first so the queues end together. Ends with uvu's "Total/Passed/Skipped" lines summed over the files;
# a file that did not report counts as one failure. Per-file output and wall times are kept in .cache/e2e/.
set -uo pipefail
cd "$(dirname "$0")/.."
# the project's Node (the `node` devDependency), also when the script is run directly
export PATH="$PWD/node_modules/.bin:$PATH"
jobs=${E2E_JOBS:-2}
out=.cache/e2e
rm -rf "$out"
mkdir -p "$out"

# measured wall times, longest first; files not listed (new ones) run after these in name order
LONGEST=(aurora-restore scaling restore-safety backup-shipping backup-store-faults infra-faults backup-rehearsal
  chart-install bootstrap-from-backup restore-impact scheduler-pod-logs version-rollout security leader-watch idle-quiet
  transient-faults storage-not-ready diagnostics log-init-guard zk-conflict aurora-cluster fuzz-admission)

order=()
if [ $# -gt 0 ]; then
  for f in "$@"; do order+=("$(basename "$f" .test.ts)"); done
else
  for f in "${LONGEST[@]}"; do [ -f "test/e2e/$f.test.ts" ] && order+=("$f"); done
  for path in test/e2e/*.test.ts; do
    f=$(basename "$path" .test.ts)
    [[ " ${LONGEST[*]} " == *" $f "* ]] || order+=("$f")
  done
fi

run_one() {
  local f=$1 start=$SECONDS code
  npx uvu test/e2e "^$f\\.test\\.ts\$" -i "fixture|harness" --no-color >"$out/$f.out" 2>&1
  code=$?
  echo "$code $((SECONDS - start))" >"$out/$f.rc"
  # one file's output at a time, whole, as soon as it ends
  flock "$out/.print" bash -c "echo '== e2e $f (exit $code, $((SECONDS - start)) s)'; cat '$out/$f.out'"
}

for f in "${order[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  run_one "$f" &
done
wait

total=0
passed=0
skipped=0
code=0
echo
echo "e2e wall time per file (s):"
for f in "${order[@]}"; do
  read -r rc secs <"$out/$f.rc" 2>/dev/null || { rc=1 secs=?; }
  t=$(sed -n 's/^ *Total: *\([0-9]*\).*/\1/p' "$out/$f.out" | tail -1)
  p=$(sed -n 's/^ *Passed: *\([0-9]*\).*/\1/p' "$out/$f.out" | tail -1)
  s=$(sed -n 's/^ *Skipped: *\([0-9]*\).*/\1/p' "$out/$f.out" | tail -1)
  if [ -z "$t" ]; then
    echo "  $f: $secs (did not report results, exit $rc)"
    total=$((total + 1))
    code=1
    continue
  fi
  echo "  $f: $secs ($p/$t passed)"
  total=$((total + t))
  passed=$((passed + p))
  skipped=$((skipped + s))
  if [ "$rc" -ne 0 ] || [ "$p" -ne "$t" ]; then code=1; fi
done
echo
echo "  Total:     $total"
echo "  Passed:    $passed"
echo "  Skipped:   $skipped"
exit $code
