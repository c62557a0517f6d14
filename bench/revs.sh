# shellcheck shell=bash
# Sourced by bench/dirscan.sh and bench/engine.sh: builds a revision in a
# throw-away worktree. The caller sets new (NEW's revision) and work (a
# temporary directory it removes on exit).
#
#   build REV CMD...   runs CMD... (a go build or go test -c) in REV's tree
#
# REV may be "revert:C1,C2,…": $new with those commits reverted.
build() {
  local rev=$1
  shift
  case $rev in
  revert:*)
    # shellcheck disable=SC2154 # new and work are the caller's
    git worktree add --detach "$work/src" "$new" >/dev/null 2>&1
    # One argument per commit: the list is split on purpose.
    # shellcheck disable=SC2046
    (cd "$work/src" && git revert --no-commit $(echo "${rev#revert:}" | tr ',' ' ') >/dev/null)
    ;;
  *) git worktree add --detach "$work/src" "$rev" >/dev/null 2>&1 ;;
  esac
  (cd "$work/src" && GOFLAGS=-buildvcs=false "$@")
  git worktree remove --force "$work/src"
}
