#!/usr/bin/env bash
# The Action's git LFS discovery, old against new in one run: cuts
# lfs_changed_paths out of scripts/action.sh at two revisions, builds a
# repository with N small files in one commit (every other one a git LFS
# pointer), and times each version listing that commit's pointers,
# alternating ROUNDS times. Prints each run's wall time, the medians and
# new/old, and checks both list the same paths. docs/adoption.md's
# figures (2,000 small files) come from it.
#
#   bench/lfspaths.sh [OLD [NEW [N]]]   (default: 483d05f, HEAD, 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:-483d05f}
new=${2:-HEAD}
n=${3:-2000}
rounds=${ROUNDS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for side in old new; do
  rev=$old
  [ "$side" = new ] && rev=$new
  git show "$rev:scripts/action.sh" |
    awk '/^lfs_changed_paths\(\) \{$/ { on = 1 } on { print } on && /^\}$/ { exit }' >"$work/$side.fn"
  [ -s "$work/$side.fn" ] || { echo "lfspaths: no lfs_changed_paths at $rev" >&2; exit 1; }
  # The script passes its own arguments on: $1 and $2 stay unexpanded.
  # shellcheck disable=SC2016
  printf 'set -euo pipefail\n%s\nlfs_changed_paths "$1" "$2"\n' "$(cat "$work/$side.fn")" >"$work/$side.sh"
done

repo=$work/repo
git init -q "$repo"
git -C "$repo" config user.email bench@example.org
git -C "$repo" config user.name bench
git -C "$repo" commit -q --allow-empty -m base
mkdir -p "$repo/f"
for ((i = 0; i < n; i++)); do
  if ((i % 2 == 0)); then
    printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%064x\nsize %d\n' "$i" "$((i + 1000))" >"$repo/f/$i.bin"
  else
    printf 'plain text %d\n' "$i" >"$repo/f/$i.txt"
  fi
done
git -C "$repo" add -A
git -C "$repo" commit -q -m files

uptime
for ((r = 1; r <= rounds; r++)); do
  for side in old new; do
    start=$(date +%s%N)
    (cd "$repo" && bash "$work/$side.sh" HEAD~1 HEAD) | tr '\0' '\n' | sort >"$work/$side.out"
    echo "$side round $r $((($(date +%s%N) - start) / 1000000)) ms"
  done
done | tee "$work/times"
cmp -s "$work/old.out" "$work/new.out" || { echo "lfspaths: old and new list different paths" >&2; exit 1; }
echo "both list $(wc -l <"$work/new.out") paths"
awk '{ t[$1] = t[$1] " " $4 } END {
  for (s in t) { c = split(substr(t[s], 2), v, " "); for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] + 0 < v[i] + 0) { x = v[i]; v[i] = v[j]; v[j] = x }
    m[s] = v[int((c + 1) / 2)]; printf "%s median %d ms\n", s, m[s] }
  printf "new/old %.3f\n", m["new"] / m["old"] }' "$work/times"
uptime
