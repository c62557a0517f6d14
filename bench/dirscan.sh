#!/usr/bin/env bash
# Directory-scan CPU, old against new in one run: builds pretense at two
# revisions and runs `pretense scan -q -j 1 PATH` with each, alternating
# ROUNDS times so both see the same machine load, and prints the user and
# user+system CPU seconds of every run (GNU time). The directory-scan
# figures of docs/proxy.md ("Engine throughput") come from it.
#
#   bench/dirscan.sh [OLD [NEW [PATH]]]   (default: b7ceeba, HEAD, $(go env GOROOT)/src)
#
# OLD may be "revert:C1,C2,…": NEW with those commits reverted, which
# compares the changes alone on the same rule set. ARGS (default empty)
# adds scan flags, e.g. ARGS=--phi-mode; ROUNDS defaults to 4.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:-b7ceeba}
new=${2:-HEAD}
path=${3:-$(go env GOROOT)/src}
rounds=${ROUNDS:-4}
read -ra args <<<"${ARGS:-}"
work=$(mktemp -d)
trap 'git worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
# shellcheck source=bench/revs.sh
. bench/revs.sh
build "$old" go build -o "$work/old" ./cmd/pretense
build "$new" go build -o "$work/new" ./cmd/pretense
uptime
for r in $(seq "$rounds"); do
  for v in old new; do
    # Exit status 1 means findings; only the times matter here.
    /usr/bin/time -f "%U %S" -o "$work/time" "$work/$v" scan -q -j 1 "${args[@]}" "$path" >/dev/null 2>&1 || true
    # GNU time puts "Command exited with non-zero status 1" first.
    awk -v v="$v" -v r="$r" '/^[0-9.]+ [0-9.]+$/ { printf "%s round %s  user %.2f s  user+sys %.2f s\n", v, r, $1, $1 + $2 }' "$work/time"
  done
done
uptime
