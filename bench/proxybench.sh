#!/usr/bin/env bash
# Proxy request-path CPU and latency, old against new in one run: builds
# the proxy test binary at two revisions and alternates them ROUNDS times
# over the request-path benchmarks, so both see the same machine load, then
# prints each metric's median per side and new/old. The issue-17 table of
# docs/proxy.md ("Request path: where it stands") comes from it.
#
#   bench/proxybench.sh [OLD [NEW]]     (default: 51929ca, HEAD)
#
# Benchmarks (proxy/bench_test.go): RewriteRequest64KB (cpu-ms/op on the
# request path: cold, never-seen on a warm proxy, resent), Sequential64KB
# (one client, added latency over httputil.ReverseProxy) and Overhead64KB
# (32 concurrent clients, the same). ROUNDS defaults to 5; BENCH narrows
# the set (a -test.bench pattern); KEEP=FILE keeps every run's value there
# ("side benchmark metric value" lines).
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:-51929ca}
new=${2:-HEAD}
rounds=${ROUNDS:-5}
bench=${BENCH:-RewriteRequest64KB|Sequential64KB|Overhead64KB}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
# shellcheck source=bench/revs.sh
. bench/revs.sh
build "$old" go test -c -o "$work/old.test" ./proxy
build "$new" go test -c -o "$work/new.test" ./proxy
cd proxy # the benchmarks read testdata relative to the package
uptime
for ((r = 0; r < rounds; r++)); do
  for v in old new; do
    for b in ${bench//|/ }; do
      case $b in
      RewriteRequest64KB) bt=300x ;;
      Sequential64KB) bt=100x ;;
      *) bt=10x ;;
      esac
      "$work/$v.test" -test.run '^$' -test.bench "^Benchmark$b\$" -test.benchtime "$bt" |
        awk -v v="$v" '/^Benchmark/ { for (i = 3; i < NF; i += 2) if ($(i+1) ~ /(cpu-ms\/op|added-p50-ms|added-p99-ms)$/) print v, $1, $(i+1), $i }' >>"$work/all"
    done
  done
done
uptime
[ -z "${KEEP:-}" ] || cp "$work/all" "$KEEP"
# Medians per side and metric, and new/old.
printf "%-44s %-14s %10s %10s %8s\n" benchmark metric old new new/old
sort "$work/all" | awk '
  { k = $2 " " $3; vals[$1, k] = vals[$1, k] " " $4; keys[k] = 1 }
  function median(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (k in keys) {
      split(k, p, " "); o = median(vals["old", k]); n = median(vals["new", k])
      printf "%-44s %-14s %10.3f %10.3f %8.2f\n", p[1], p[2], o, n, (o != 0 ? n / o : 0)
    }
  }' | sort
