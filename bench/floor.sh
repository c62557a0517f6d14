#!/usr/bin/env bash
# The pre-commit path's floor and pretense on it, in one run: a hello-world
# Go binary, `gitleaks version` (when GITLEAKS names a binary), git listing
# the staged files, and for each pretense binary `version`, a scan of a
# one-file directory (start-up with the full rule set) and `scan --staged`
# in a copy of a real repository with ten staged edits; the same with
# pretense-scan (the commit hook's lean binary) where the checkout has it. Each command runs
# RUNS times, all in turn, so all see the same load; bench/runtimes prints
# the median wall time, CPU time (rusage, microseconds) and minor faults.
#
#   bench/floor.sh [REPO] [RUNS]
#
# REPO: a git clone with a work tree (default /tmp/sqlalchemy), never
# modified. Environment: NEW (default: a build of this checkout) and OLD
# (default: a build of $OLD_REF, default main) are the two pretense
# binaries; EXTRA="label=/path/to/binary ..." adds more (e.g. an
# experimental build); GITLEAKS is a gitleaks binary. Builds use the
# release's flags (CGO_ENABLED=0 -trimpath -ldflags=-s -w) unless
# BUILD_CGO=1 (what `go install`, and so pre-commit, does where a C
# compiler is installed). Output in $BENCH_OUT (default /tmp/pretense-floor).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=${1:-/tmp/sqlalchemy}
runs=${2:-21}
out=${BENCH_OUT:-/tmp/pretense-floor}
mkdir -p "$out"
export GOFLAGS=-buildvcs=false
die() { echo "floor: $*" >&2; exit 2; }
[ -d "$repo/.git" ] || die "$repo is not a git clone with a work tree"

build() { # DIR OUT: pretense, and pretense-scan as OUT-scan where DIR has it
	local cmd
	for cmd in pretense pretense-scan; do
		[ -d "$1/cmd/$cmd" ] || continue
		if [ "${BUILD_CGO:-0}" = 1 ]; then
			(cd "$1" && go build -o "$2${cmd#pretense}" "./cmd/$cmd") || return 1
		else
			(cd "$1" && CGO_ENABLED=0 go build -trimpath -ldflags=-s\ -w -o "$2${cmd#pretense}" "./cmd/$cmd") || return 1
		fi
	done
}
if [ -z "${NEW:-}" ]; then
	NEW=$out/pretense-new
	build "$here/.." "$NEW" || die "cannot build this checkout"
fi
if [ -z "${OLD:-}" ]; then
	OLD=$out/pretense-old
	wt=$(mktemp -d "$out/old.XXXXXX")
	git -C "$here/.." worktree add -q --detach "$wt" "${OLD_REF:-main}" || die "cannot check out ${OLD_REF:-main}"
	build "$wt" "$OLD" || die "cannot build ${OLD_REF:-main}"
	git -C "$here/.." worktree remove --force "$wt"
fi
(cd "$here/.." && go build -o "$out/runtimes" ./bench/runtimes) || die "cannot build bench/runtimes"

hello=$out/hello
mkdir -p "$hello.src"
printf 'package main\n\nimport "os"\n\nfunc main() { os.Stdout.WriteString("hello\\n") }\n' >"$hello.src/main.go"
printf 'module hello\n' >"$hello.src/go.mod"
(cd "$hello.src" && CGO_ENABLED=0 go build -trimpath -o "$hello" .) || die "cannot build hello"

"$here/inputs.sh" "$out" "$repo" || die "cannot build the inputs from $repo"
tiny=$out/tiny
staged=$out/staged

specs=("hello world (Go)|$out|$hello" "git diff --cached --name-only|$staged|git diff --cached --name-only")
if [ -n "${GITLEAKS:-}" ]; then
	specs+=("gitleaks version|$out|$GITLEAKS version")
fi
bins=("old=$OLD" "new=$NEW")
for e in ${EXTRA:-}; do bins+=("$e"); done
for b in "${bins[@]}"; do
	l=${b%%=*} bin=${b#*=}
	specs+=("$l: version|$out|$bin version"
		"$l: scan --path <one file>|$out|$bin scan --path $tiny -q"
		"$l: scan --staged (10 files)|$staged|$bin scan --staged --path $staged -q")
	if [ -x "$bin-scan" ]; then # the commit hook's binary, where built
		specs+=("$l: pretense-scan --version|$out|$bin-scan --version"
			"$l: pretense-scan --path <one file>|$out|$bin-scan --path $tiny -q"
			"$l: pretense-scan --staged (10 files)|$staged|$bin-scan --staged --path $staged -q")
	fi
done
"$out/runtimes" "$runs" "${specs[@]}"
