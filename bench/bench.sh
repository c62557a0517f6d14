#!/usr/bin/env bash
# Benchmarks pretense against gitleaks on a real repository, in the same run
# (so both see the same machine load), and prints medians and ratios.
#
#   bench/bench.sh git    REPO [RUNS]   pretense scan --git  vs  gitleaks git
#   bench/bench.sh staged REPO [RUNS]   pretense scan --staged with ten staged
#                                       files (on a copy of REPO) vs gitleaks git --staged
#   bench/bench.sh dir    REPO [RUNS]   pretense scan PATH   vs  gitleaks dir
#   bench/bench.sh all    REPO [RUNS]
#   bench/bench.sh corpus [SEED]        recall/precision on a generated corpus
#
# Each measurement runs RUNS times (default 3; the two tools alternate) under
# /usr/bin/time -v; the table shows the median wall time, the median peak
# RSS and pretense's ratio to gitleaks. The reports of the last run are kept
# in $BENCH_OUT (default /tmp/pretense-bench), unredacted, for comparing
# findings (they hold whatever the scanned history holds: keep them local):
#   bench/compare.py $BENCH_OUT/git-gitleaks.json $BENCH_OUT/git-pretense.json
#
# Environment: PRETENSE (binary; built from this checkout when unset),
# GITLEAKS (default: gitleaks on PATH, then $(go env GOPATH)/bin/gitleaks).
# The repository is never modified: the staged benchmark works on a copy.
#
# Another script can source this file and call bench_dir, bench_git or
# bench_staged REPO [RUNS] itself (the functions build or find the tools on
# first use); sourcing does not change the caller's shell options.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${BENCH_OUT:-/tmp/pretense-bench}
mkdir -p "$out"

die() { echo "bench: $*" >&2; exit 2; }

tools() {
	[ -z "${tools_ready:-}" ] || return 0
	tools_ready=1
	if [ -z "${PRETENSE:-}" ]; then
		PRETENSE=$out/pretense
		(cd "$here/.." && go build -o "$PRETENSE" ./cmd/pretense) || die "cannot build pretense"
	fi
	if [ -z "${GITLEAKS:-}" ]; then
		GITLEAKS=$(command -v gitleaks || echo "$(go env GOPATH)/bin/gitleaks")
	fi
	[ -x "$GITLEAKS" ] || die "gitleaks not found (set GITLEAKS)"
	[ -x /usr/bin/time ] || die "/usr/bin/time is needed for peak memory"
}

# measure NAME CMD...: runs CMD once, appends "wall_s rss_kb" to $out/NAME.times.
# Exit codes 0 and 1 (findings) are both a completed run.
measure() {
	local name=$1
	shift
	local tf=$out/$name.time
	set +e
	/usr/bin/time -v -o "$tf" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"
	local rc=$?
	set -e
	if [ $rc -gt 1 ]; then
		echo "bench: $name exited $rc:" >&2
		tail -5 "$out/$name.stderr" >&2
		exit 3
	fi
	awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
		/Maximum resident set size/ { rss = $2 }
		/User time/ { u = $2 } /System time/ { sy = $2 }
		END { printf "%.3f %d %.2f\n", wall, rss, u + sy }' "$tf" >>"$out/$name.times"
}

# median FILE COLUMN
median() {
	sort -n -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { m = int((NR + 1) / 2); print v[m] }'
}

# report LABEL PRETENSE_NAME GITLEAKS_NAME
report() {
	local pw pr pc gw gr gc
	pw=$(median "$out/$2.times" 1); pr=$(median "$out/$2.times" 2); pc=$(median "$out/$2.times" 3)
	gw=$(median "$out/$3.times" 1); gr=$(median "$out/$3.times" 2); gc=$(median "$out/$3.times" 3)
	awk -v l="$1" -v pw="$pw" -v pr="$pr" -v pc="$pc" -v gw="$gw" -v gr="$gr" -v gc="$gc" 'BEGIN {
		printf "%-8s pretense %8.3f s %7.1f MB %7.2f cpu-s | gitleaks %8.3f s %7.1f MB %7.2f cpu-s | %5.1fx faster, %4.2fx memory\n",
			l, pw, pr / 1024, pc, gw, gr / 1024, gc, (pw > 0 ? gw / pw : 0), (gr > 0 ? pr / gr : 0) }'
}

reset_times() { for n in "$@"; do : >"$out/$n.times"; done; }

bench_git() {
	local repo=$1 runs=${2:-3}
	tools
	reset_times git-pretense git-gitleaks
	for _ in $(seq "$runs"); do
		measure git-pretense "$PRETENSE" scan --git --path "$repo" --format json --no-redact -o "$out/git-pretense.json" -q
		measure git-gitleaks "$GITLEAKS" git "$repo" --no-banner --log-level error \
			--report-format json --report-path "$out/git-gitleaks.json"
	done
	report git git-pretense git-gitleaks
}

bench_staged() {
	local repo=$1 runs=${2:-5} copy
	tools
	copy=$(mktemp -d "$out/staged.XXXXXX")
	# The same ten staged edits as bench/floor.sh and bench/startup.sh time.
	"$here/inputs.sh" "$copy" "$repo" >/dev/null || die "cannot build the staged copy of $repo"
	reset_times staged-pretense staged-gitleaks
	for _ in $(seq "$runs"); do
		measure staged-pretense "$PRETENSE" scan --staged --path "$copy/staged" -q
		measure staged-gitleaks "$GITLEAKS" git "$copy/staged" --staged --no-banner --log-level error
	done
	report staged staged-pretense staged-gitleaks
	rm -rf "$copy"
}

bench_dir() {
	local repo=$1 runs=${2:-3}
	tools
	reset_times dir-pretense dir-gitleaks
	for _ in $(seq "$runs"); do
		measure dir-pretense "$PRETENSE" scan --path "$repo" --format json --no-redact -o "$out/dir-pretense.json" -q
		measure dir-gitleaks "$GITLEAKS" dir "$repo" --no-banner --log-level error \
			--report-format json --report-path "$out/dir-gitleaks.json"
	done
	report dir dir-pretense dir-gitleaks
}

# bench_corpus SEED: recall and precision of both tools on a generated
# corpus of planted secrets and decoys (internal/testgen/corpusgen).
bench_corpus() {
	local seed=${1:-1}
	tools
	local dir=$out/corpus-$seed
	rm -rf "$dir" "$dir.labels.json"
	mkdir -p "$out"
	(cd "$here/.." && go run ./internal/testgen/corpusgen -out "$dir/corpus" -seed "$seed") || die "corpusgen failed"
	(cd "$dir" && "$PRETENSE" scan corpus --format json -o pretense.json -q) || true
	(cd "$dir" && "$GITLEAKS" dir corpus --no-banner --log-level error --report-format json --report-path gitleaks.json) || true
	(cd "$here/.." && go run ./internal/testgen/corpusgen score "$dir/corpus.labels.json" "$dir/pretense.json" "$dir/gitleaks.json")
}

main() {
	if [ "${1:-}" = corpus ]; then
		tools
		bench_corpus "${2:-1}"
		return
	fi
	[ $# -ge 2 ] || die "usage: bench.sh git|staged|dir|all REPO [RUNS] | bench.sh corpus [SEED]"
	local what=$1 repo=$2 runs=${3:-}
	[ -d "$repo" ] || die "$repo: not a directory"
	repo=$(cd "$repo" && pwd)
	tools
	echo "bench: $(nproc) CPU(s), load $(cut -d' ' -f1-3 /proc/loadavg), repo $repo"
	case $what in
	git) bench_git "$repo" "$runs" ;;
	staged) bench_staged "$repo" "$runs" ;;
	dir) bench_dir "$repo" "$runs" ;;
	all)
		bench_staged "$repo" "$runs"
		bench_git "$repo" "$runs"
		bench_dir "$repo" "$runs"
		;;
	*) die "unknown benchmark $what" ;;
	esac
}

# Sourcing the file gives the functions (bench_dir, bench_git, bench_staged)
# to another script; running it runs main.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	main "$@"
fi
