#!/usr/bin/env bash
# PHI precision and cost on code that holds no patient data: counts the PHI
# findings of a standard --phi-mode scan per tree (with findings per MB) and
# times the scan with and without --phi-mode (user+sys CPU, median of RUNS).
# These are the "Healthcare code without patient data" rows of docs/phi.md.
#
#   bench/phi_code.sh [TREE ...]
#
# With no TREE it scans Go's src/ and a node_modules it installs with npm
# into $PHI_CODE_DIR (default /tmp/pretense-phi-code): the packages of the
# 446 MB row (googleapis brings Google's healthcare API docs).
# RUNS (default 3) sets the timing repetitions; RUNS=0 skips timing.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
work=${PHI_CODE_DIR:-/tmp/pretense-phi-code}
mkdir -p "$work"
go build -o "$work/pretense" ./cmd/pretense
bin=$work/pretense

trees=("$@")
if [ ${#trees[@]} -eq 0 ]; then
  if [ ! -d "$work/npm/node_modules" ]; then
    echo "phi_code: installing the node_modules set into $work/npm" >&2
    mkdir -p "$work/npm"
    (cd "$work/npm" && npm install --no-audit --no-fund --loglevel=error \
      typescript webpack eslint prettier @babel/core react react-dom moment rxjs lodash \
      @aws-sdk/client-s3 openai @anthropic-ai/sdk fhir-kit-client @types/fhir googleapis >/dev/null)
  fi
  trees=("$(go env GOROOT)/src" "$work/npm/node_modules")
fi

cpu() { # median user+sys seconds of $runs scans with the given flags
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%U %S' "$bin" scan -q -j 1 "$@" 2>&1 >/dev/null | tail -n1 | awk '{print $1+$2}'
  done | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}

printf '%-50s %9s %6s %8s %9s %9s %6s\n' tree MB phi per-MB off-cpu-s phi-cpu-s ratio
for t in "${trees[@]}"; do
  mb=$(du -sm --exclude=.git "$t" | cut -f1)
  # Exit 1 (findings) is expected; exit 2 or 3 is not and stops the script.
  rc=0
  "$bin" scan -q --path "$t" --phi-mode -f json -o "$work/out.json" || rc=$?
  [ "$rc" -le 1 ] || { echo "phi_code: scan of $t exited $rc" >&2; exit "$rc"; }
  n=$(jq '[.findings[] | select(.kind == "phi")] | length' "$work/out.json")
  per=$(awk -v n="$n" -v mb="$mb" 'BEGIN{printf "%.3f", (mb > 0 ? n/mb : 0)}')
  off=- on=- ratio=-
  if [ "$runs" -gt 0 ]; then
    off=$(cpu --path "$t")
    on=$(cpu --path "$t" --phi-mode)
    ratio=$(awk -v a="$on" -v b="$off" 'BEGIN{printf "%.2f", a/b}')
  fi
  printf '%-50s %9s %6s %8s %9s %9s %6s\n' "$t" "$mb" "$n" "$per" "$off" "$on" "$ratio"
done
