#!/bin/sh
# The API fuzz suite (apps/workbench/test/api-fuzz.spec.ts) as a long soak: many more requests
# than `npm test` runs, with a fresh seed each time (printed, so a failure can be replayed).
#
#   tools/fuzz/api-soak.sh                 # 20000 requests, random seed
#   tools/fuzz/api-soak.sh 5000 1234       # 5000 requests, seed 1234 (replays a reported failure)
#
# fast-check shrinks a failing request to a minimal one and prints it with the seed and path.
set -eu
runs=${1:-20000}
seed=${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
cd "$(dirname "$0")/../../apps/workbench"
echo "api soak: $runs requests, seed $seed"
WORKBENCH_FUZZ_RUNS=$runs WORKBENCH_FUZZ_SEED=$seed exec npx vitest run test/api-fuzz.spec.ts
