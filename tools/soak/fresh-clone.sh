#!/usr/bin/env bash
# Fresh-clone soak: clone the repository N times in a row (the newest commit of the given
# branch each time) and run `.ci/run` (npm ci + npm test) in each clone, recording the commit,
# the 1-minute load average at the start, the wall time and the result line of every round.
#
#   tools/soak/fresh-clone.sh [rounds=5] [log=/tmp/fresh-clone-soak.log] [branch=main]
#
# It stops at the first red round and leaves that clone in place for a look; green clones
# are removed. The repository to clone is the one this script lives in.
set -uo pipefail
rounds=${1:-5}
log=${2:-/tmp/fresh-clone-soak.log}
branch=${3:-main}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/fresh-clone-soak.XXXXXX)

echo "fresh-clone soak of $repo ($branch), $rounds rounds, clones under $work" | tee -a "$log"
for i in $(seq 1 "$rounds"); do
  dir="$work/round-$i"
  git clone -q --branch "$branch" "$repo" "$dir" || { echo "round $i: clone failed" | tee -a "$log"; exit 1; }
  commit=$(git -C "$dir" rev-parse --short HEAD)
  load=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s)
  (cd "$dir" && bash .ci/run) > "$dir.out" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  result=$(tail -n 1 "$dir.out")
  echo "round $i: commit $commit, load at start $load, ${secs} s, exit $rc: $result" | tee -a "$log"
  if [ "$rc" -ne 0 ]; then
    echo "round $i is red: output in $dir.out, clone kept in $dir" | tee -a "$log"
    exit 1
  fi
  rm -rf "$dir"
done
echo "all $rounds rounds green" | tee -a "$log"
