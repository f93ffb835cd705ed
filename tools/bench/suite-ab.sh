#!/usr/bin/env bash
# Suite speed, side by side: clone two commits of this repository, `npm ci` in each, then run
# `npm test` in them alternately (A B A B ...) and record, per round, the wall time, the CPU
# time of the whole process tree (user + sys), the 1-minute load at the start and the result
# line. Absolute times drift by 30 % on a shared machine; quote the B/A ratios of the
# interleaved rounds, and run it on a quiet machine.
#
#   tools/bench/suite-ab.sh <rev-A> [rev-B=HEAD] [rounds=1] [log=/tmp/suite-ab.log]
#
# The clones live under one temp folder, removed at the end unless a round failed.
set -uo pipefail
rev_a=${1:?usage: suite-ab.sh <rev-A> [rev-B=HEAD] [rounds=1] [log]}
rev_b=${2:-HEAD}
rounds=${3:-1}
log=${4:-/tmp/suite-ab.log}
repo=$(cd "$(dirname "$0")/../.." && pwd)
summary_awk="$repo/.ci/test-summary.awk"
work=$(mktemp -d /tmp/suite-ab.XXXXXX)
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true NX_TUI=false CI=true

clone() { # <label> <rev>
  local dir="$work/$1"
  git clone -q "$repo" "$dir" && git -C "$dir" checkout -q "$2" || return 1
  (cd "$dir" && npm ci --no-audit --no-fund >"$work/$1-npm-ci.out" 2>&1) || { echo "npm ci failed in $1: $work/$1-npm-ci.out"; return 1; }
}

clone A "$rev_a" || exit 1
clone B "$rev_b" || exit 1
echo "suite A/B: A = $(git -C "$work/A" rev-parse --short HEAD), B = $(git -C "$work/B" rev-parse --short HEAD), $rounds round(s), $(nproc) cores" | tee -a "$log"

declare -A wall cpu
failed=0
for i in $(seq 1 "$rounds"); do
  for side in A B; do
    out="$work/$side-$i.out"
    load=$(cut -d' ' -f1 /proc/loadavg)
    (cd "$work/$side" && /usr/bin/time -f '%e %U %S' -o "$out.time" npm test >"$out" 2>&1)
    rc=$?
    [ "$rc" -eq 0 ] || failed=1
    read -r secs user sys < <(tail -n 1 "$out.time")
    cpu_s=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", u + s }')
    result=$(sed 's/\x1b\[[0-9;]*m//g' "$out" | awk -f "$summary_awk")
    wall[$side]=$(awk -v a="${wall[$side]:-0}" -v b="$secs" 'BEGIN { print a + b }')
    cpu[$side]=$(awk -v a="${cpu[$side]:-0}" -v b="$cpu_s" 'BEGIN { print a + b }')
    echo "round $i $side: load at start $load, wall ${secs} s, cpu ${cpu_s} s, exit $rc: $result" | tee -a "$log"
  done
done
awk -v wa="${wall[A]}" -v wb="${wall[B]}" -v ca="${cpu[A]}" -v cb="${cpu[B]}" -v n="$rounds" 'BEGIN {
  printf "mean over %d round(s): A wall %.0f s, cpu %.0f s | B wall %.0f s, cpu %.0f s | B/A wall %.2f, cpu %.2f\n",
    n, wa / n, ca / n, wb / n, cb / n, wb / wa, cb / ca }' | tee -a "$log"
if [ "$failed" -eq 0 ]; then rm -rf "$work"; else echo "a round failed: outputs kept in $work" | tee -a "$log"; exit 1; fi
