#!/usr/bin/env bash
# Times what a pre-commit hook pays: the binary's own start-up with no rules
# loaded (`pretense version`: package init, the CLI model), pretense's
# start-up (a scan of a tiny directory with the full built-in rule set) and `pretense scan --staged` in
# a clone of a real repository with ten staged changed files. Two binaries
# run in turn, so both see the same machine load; the table shows the
# median CPU time (user+sys) and the median wall time of each.
#
#   bench/startup.sh [REPO] [RUNS]
#
# REPO is a git clone with a work tree (default /tmp/sqlalchemy; the
# documented figures come from github.com/sqlalchemy/sqlalchemy); it is never
# modified: the staged measurement works on a copy. RUNS defaults to 21.
#
# Environment: OLD and NEW are the two binaries. NEW defaults to a build of
# this checkout; OLD to a build of $OLD_REF (default main) from a temporary
# worktree. Output goes to $BENCH_OUT (default /tmp/pretense-startup).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=${1:-/tmp/sqlalchemy}
runs=${2:-21}
out=${BENCH_OUT:-/tmp/pretense-startup}
mkdir -p "$out"
export GOFLAGS=-buildvcs=false

die() { echo "startup: $*" >&2; exit 2; }
[ -x /usr/bin/time ] || die "/usr/bin/time is needed"
[ -d "$repo/.git" ] || die "$repo is not a git clone with a work tree"

if [ -z "${NEW:-}" ]; then
	NEW=$out/pretense-new
	(cd "$here/.." && go build -o "$NEW" ./cmd/pretense) || die "cannot build this checkout"
fi
if [ -z "${OLD:-}" ]; then
	OLD=$out/pretense-old
	ref=${OLD_REF:-main}
	wt=$(mktemp -d "$out/old.XXXXXX")
	git -C "$here/.." worktree add -q --detach "$wt" "$ref" || die "cannot check out $ref"
	(cd "$wt" && go build -o "$OLD" ./cmd/pretense) || die "cannot build $ref"
	git -C "$here/.." worktree remove --force "$wt"
fi

"$here/inputs.sh" "$out" "$repo" || die "cannot build the inputs from $repo"
tiny=$out/tiny
staged=$out/staged

# one NAME CMD...: runs CMD once; appends "cpu_s wall_s" to $out/NAME.times.
# Exit codes 0 and 1 (findings) are both a completed run.
one() {
	local name=$1 rc
	shift
	set +e
	/usr/bin/time -f '%U %S %e' -o "$out/$name.time" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"
	rc=$?
	set -e
	if [ $rc -gt 1 ]; then
		echo "startup: $name exited $rc:" >&2
		tail -5 "$out/$name.stderr" >&2
		exit 3
	fi
	# time(1) puts "Command exited with non-zero status 1" first then.
	tail -1 "$out/$name.time" | awk '{ printf "%.3f %.3f\n", $1 + $2, $3 }' >>"$out/$name.times"
}

median() { # FILE COLUMN
	awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] * 1000 }'
}

names=(version-old version-new startup-old startup-new staged-old staged-new)
for n in "${names[@]}"; do : >"$out/$n.times"; done
for _ in $(seq "$runs"); do
	one version-old "$OLD" version
	one version-new "$NEW" version
	one startup-old "$OLD" scan --path "$tiny" -q
	one startup-new "$NEW" scan --path "$tiny" -q
	one staged-old "$OLD" scan --staged --path "$staged" -q
	one staged-new "$NEW" scan --staged --path "$staged" -q
done

# Same findings from both binaries, or the comparison means nothing.
"$OLD" scan --staged --path "$staged" --format json >"$out/staged-old.json" || true
"$NEW" scan --staged --path "$staged" --format json >"$out/staged-new.json" || true
cmp -s "$out/staged-old.json" "$out/staged-new.json" || echo "startup: WARNING: --staged findings differ (see $out/staged-*.json)" >&2

echo "load: $(uptime | sed 's/.*load average: //')  runs: $runs  repo: $repo"
printf '%-14s %10s %10s\n' measurement cpu_ms wall_ms
for n in "${names[@]}"; do
	printf '%-14s %10s %10s\n' "$n" "$(median "$out/$n.times" 1)" "$(median "$out/$n.times" 2)"
done
