#!/usr/bin/env bash
# Where a one-file scan's start-up goes, for the figures in
# docs/git-scanning.md ("Fifth pass"): a CPU profile of RUNS starts of a
# binary (share of samples, callees included, for the frames that matter
# at start-up), the position of internal/hugeheap among the package inits,
# and the collections the start runs.
#
#   bench/startprofile.sh [CMD] [RUNS]
#
# CMD: pretense-scan (default) or pretense, built from this checkout
# without stripping, as the release builds it otherwise. Needs perf
# (apt-get install linux-perf); kernel frames need
# /proc/sys/kernel/perf_event_paranoid at -1. Output in $BENCH_OUT
# (default /tmp/pretense-startprofile).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmd=${1:-pretense-scan}
runs=${2:-60}
out=${BENCH_OUT:-/tmp/pretense-startprofile}
command -v perf >/dev/null || { echo "startprofile: needs perf (apt-get install linux-perf)" >&2; exit 2; }
mkdir -p "$out/one"
printf 'greeting = "hello"\n' >"$out/one/a.txt"
bin=$out/$cmd
(cd "$here/.." && CGO_ENABLED=0 go build -trimpath -o "$bin" "./cmd/$cmd")
args=(--path "$out/one" -q)
[ "$cmd" = pretense ] && args=(scan "${args[@]}")

perf record -q -o "$out/perf.data" -F 20000 -g -- sh -c "for i in \$(seq $runs); do '$bin' ${args[*]}; done" >/dev/null 2>&1
echo "share of $cmd's samples (callees included), $runs starts:"
perf report -i "$out/perf.data" --comm "$(basename "$bin" | cut -c1-15)" --children --sort sym --stdio -g none 2>/dev/null |
	grep -E '\] (runtime\.main|runtime\.doInit1|runtime\.schedinit|runtime\.gcBgMarkWorker|github\.com/alecthomas/kong\.New|github\.com/pretense/pretense/(internal/cli\.compileRules|rules\.Compile|rules\.Builtin|rules\.BuiltinForScan|rules\.cloneRules|rules\.newKWMatcher|internal/hugeheap\.init\.0))$' |
	awk '{print "  " $1 "  " $4}'
echo "internal/hugeheap's place among the package inits:"
GODEBUG=inittrace=1 "$bin" "${args[@]}" 2>&1 | awk '/^init /{n++; if ($2 ~ /internal\/hugeheap$/) h=n} END{print "  " h " of " n}'
echo "collections during the start (GODEBUG=gctrace=1):"
GODEBUG=gctrace=1 "$bin" "${args[@]}" 2>&1 | grep -c '^gc ' | sed 's/^/  /'
