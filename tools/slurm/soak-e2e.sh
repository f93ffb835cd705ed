#!/usr/bin/env bash
# Runs the Slurm end-to-end test (apps/workbench/test/slurm-e2e.spec.ts) N times in a row and
# counts the failures: the check that it does not flake. Needs what the test needs (root, Debian
# slurm-wlm + munge); each run starts and stops its own local cluster.
#
#   tools/slurm/soak-e2e.sh 20 /tmp/slurm-soak.log   # every run's full output goes to the log
#
# Prints one line per run (passed/failed, seconds, the steps the jobs were interrupted at) and
# exits non-zero when any run failed.
set -uo pipefail

n=${1:-20}
log=${2:-slurm-soak.log}
root=$(cd "$(dirname "$0")/../.." && pwd)
: >"$log"
failed=0
for i in $(seq 1 "$n"); do
  start=$(date +%s)
  echo "=== run $i/$n $(date -Is) load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$log"
  (cd "$root/apps/workbench" && npx vitest run test/slurm-e2e.spec.ts) >>"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  # the test prints "slurm-e2e: job 0 requeued at step N/ITERS, job 1 cancelled at step M/ITERS"
  steps=$(tail -n 200 "$log" | grep -ao 'slurm-e2e: .*' | tail -n 1)
  if [ "$rc" -eq 0 ] && grep -q 'Tests  *1 passed' <(tail -n 20 "$log" | sed 's/\x1b\[[0-9;]*m//g'); then
    echo "run $i/$n: passed in ${secs}s  ${steps#slurm-e2e: }"
  else
    failed=$((failed + 1))
    echo "run $i/$n: FAILED (exit $rc) in ${secs}s, see $log"
  fi
done
echo "$((n - failed)) of $n passed, $failed failed (log: $log)"
[ "$failed" -eq 0 ]
