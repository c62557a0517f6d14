#!/usr/bin/env bash
# Median CPU time (perf's task-clock, in ms, finer than time(1)'s 10 ms)
# and page faults of one command run by each of several binaries in turn,
# so all see the same machine load. On a VM first-touch page faults can
# dominate a short process's CPU time (~15 us each where the figures in
# docs/git-scanning.md were measured), so both are printed.
#
#   bench/cpufaults.sh RUNS BINARY... -- ARGS...
#
# e.g. bench/cpufaults.sh 21 /tmp/pretense-old /tmp/pretense-new -- scan --path /tmp/tiny -q
set -euo pipefail
command -v perf >/dev/null || { echo "cpufaults: perf is needed" >&2; exit 2; }
runs=$1
shift
bins=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do bins+=("$1"); shift; done
[ $# -gt 0 ] || { echo "usage: cpufaults.sh RUNS BINARY... -- ARGS..." >&2; exit 2; }
shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for _ in $(seq "$runs"); do
	for i in "${!bins[@]}"; do
		# A scan's exit status 1 (findings) is a completed run too.
		{ perf stat -x, -e task-clock,page-faults "${bins[$i]}" "$@" 2>&1 >/dev/null || true; } |
			awk -F, '/task-clock/ { t = $1 } /page-faults/ { f = $1 } END { print t, f }' >>"$out/$i"
	done
done
echo "load: $(uptime | sed 's/.*load average: //')  runs: $runs  args: $*"
printf '%-40s %8s %8s\n' binary cpu_ms faults
for i in "${!bins[@]}"; do
	sort -n "$out/$i" | awk -v b="${bins[$i]}" '{ t[NR] = $1; f[NR] = $2 } END { m = int((NR + 1) / 2); printf "%-40s %8.1f %8d\n", b, t[m], f[m] }'
done
