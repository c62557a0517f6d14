#!/usr/bin/env bash
# The pre-commit benchmarks' inputs, shared by bench/startup.sh,
# bench/floor.sh and bench/bench.sh's staged run so all time the same work:
#
#   bench/inputs.sh OUT REPO
#
# OUT/tiny: a one-file directory (start-up dominates its scan).
# OUT/staged: a copy of REPO with ten staged edits, each adding a line with
# a token-shaped value (built here, never committed anywhere). REPO itself
# is never modified.
set -euo pipefail
[ $# -eq 2 ] || { sed -n 2,11p "$0"; exit 2; }
out=$1
repo=$2

mkdir -p "$out/tiny"
printf 'greeting = "hello"\n' >"$out/tiny/a.txt"

staged=$out/staged
rm -rf "$staged"
git clone -q --no-hardlinks "$repo" "$staged"
cd "$staged"
i=0
for f in $(git ls-files | grep -E '\.(py|rst|txt)$' | head -10); do
	i=$((i + 1))
	tok=$(head -c 512 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)
	printf 'staged_token_%d = "ghp_%s"\n' "$i" "$tok" >>"$f"
	git add "$f"
done
