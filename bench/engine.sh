#!/usr/bin/env bash
# Rule-engine throughput, old against new in one run: builds the rules test
# binary at two revisions and runs BenchmarkScanClean (cpu-MB/s: bytes per
# second of user+system CPU) with GOMAXPROCS=1, alternating the two ROUNDS
# times so both see the same machine load. The "Engine throughput" figures
# of docs/proxy.md come from it.
#
#   bench/engine.sh [OLD [NEW]]     (default: b7ceeba, the benchmark's first commit, and HEAD)
#
# OLD may be "revert:C1,C2,…": NEW with those commits reverted, which
# compares the engine changes alone on the same rule set (the rule count
# grows between revisions, and more rules cost more).
#
# BENCH (default ScanClean), BENCHTIME (default 300x) and ROUNDS (default 3)
# adjust the run.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:-b7ceeba}
new=${2:-HEAD}
bench=${BENCH:-ScanClean}
benchtime=${BENCHTIME:-300x}
rounds=${ROUNDS:-3}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
# shellcheck source=bench/revs.sh
. bench/revs.sh
build "$old" go test -c -o "$work/old.test" ./rules
build "$new" go test -c -o "$work/new.test" ./rules
uptime
for r in $(seq "$rounds"); do
  for v in old new; do
    GOMAXPROCS=1 "$work/$v.test" -test.run '^$' -test.bench "$bench" -test.benchtime "$benchtime" |
      awk -v v="$v" -v r="$r" '/^Benchmark/ { for (i = 1; i <= NF; i++) if ($(i+1) == "cpu-MB/s") printf "%s round %s %-60s %8.1f cpu-MB/s\n", v, r, $1, $i }'
  done
done
uptime
