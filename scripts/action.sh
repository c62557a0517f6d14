#!/usr/bin/env bash
# The steps of the pretense GitHub Action (action.yml), kept in one script
# so they can be linted and run outside GitHub: integration tests run them
# against a temporary repository with a simulated event.
#
#   action.sh build     build pretense from the action's checkout
#   action.sh scan      scan the event's commit range (or the whole history)
#   action.sh gate      run pretense gate
#   action.sh verdict   fail the job on findings or gate violations
#
# Inputs arrive as INPUT_* environment variables and event fields as
# EVENT_* variables (action.yml maps them), never spliced into the script.
# Results go to GITHUB_OUTPUT and GITHUB_STEP_SUMMARY like any action step.
set -euo pipefail

zero_sha=0000000000000000000000000000000000000000

die() {
	# Exit 2 is pretense's "usage or configuration" code: the workflow,
	# not the code under scan, needs fixing.
	echo "::error title=pretense::$*" >&2
	exit 2
}

output() {
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	fi
}

summary() {
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		printf '%s\n' "$@" >>"$GITHUB_STEP_SUMMARY"
	fi
}

is_true() {
	case "${1:-}" in
	true | True | TRUE | yes | 1) return 0 ;;
	esac
	return 1
}

# escape_data escapes a workflow command's message.
escape_data() {
	local s=$1
	s=${s//'%'/'%25'}
	s=${s//$'\r'/'%0D'}
	s=${s//$'\n'/'%0A'}
	printf '%s' "$s"
}

# escape_prop escapes a workflow command's property value.
escape_prop() {
	local s
	s=$(escape_data "$1")
	s=${s//':'/'%3A'}
	s=${s//','/'%2C'}
	printf '%s' "$s"
}

workdir() {
	local dir=${INPUT_WORKING_DIRECTORY:-.}
	case "$dir" in
	/*) ;;
	*) dir="${GITHUB_WORKSPACE:-$PWD}/$dir" ;;
	esac
	[ -d "$dir" ] || die "working-directory $dir does not exist"
	(cd "$dir" && pwd -P)
}

step_build() {
	local src=${GITHUB_ACTION_PATH:-}
	[ -n "$src" ] || src=$(cd "$(dirname "$0")/.." && pwd)
	[ -f "$src/go.mod" ] || die "cannot build pretense: no go.mod in $src"
	command -v go >/dev/null 2>&1 || die "cannot build pretense: go is not on PATH (actions/setup-go runs first in action.yml)"
	local out_dir
	out_dir=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pretense-action.XXXXXX")
	local bin="$out_dir/pretense"
	case "$(go env GOOS)" in windows) bin="$bin.exe" ;; esac
	echo "pretense: building from $src"
	(cd "$src" && go build -o "$bin" ./cmd/pretense)
	"$bin" version
	output binary "$bin"
}

# has_commit reports whether the checkout holds commit $1.
has_commit() {
	[ -n "$1" ] && [ "$1" != "$zero_sha" ] && git cat-file -e "$1^{commit}" 2>/dev/null
}

# require_commit stops with advice when commit $1 (named $2) is missing.
require_commit() {
	if has_commit "$1"; then
		return 0
	fi
	if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
		die "the $2 commit ${1:-(none)} is not in this shallow checkout, so the commit range cannot be scanned. Set 'fetch-depth: 0' on actions/checkout."
	fi
	die "the $2 commit ${1:-(none)} is not in this checkout. Check out with 'fetch-depth: 0' (actions/checkout) so the whole range is present."
}

# new_branch_base picks where a newly pushed branch starts: the default
# branch, when it is present and is not the branch being pushed.
new_branch_base() {
	local head=$1 ref=${EVENT_REF:-} def=${EVENT_DEFAULT_BRANCH:-}
	if [ -z "$def" ] || [ "$ref" = "refs/heads/$def" ]; then
		return 1
	fi
	local cand
	for cand in "refs/remotes/origin/$def" "refs/heads/$def"; do
		if git rev-parse -q --verify "$cand^{commit}" >/dev/null; then
			if [ "$(git rev-parse "$cand^{commit}")" != "$head" ]; then
				git rev-parse "$cand^{commit}"
				return 0
			fi
		fi
	done
	return 1
}

# decide_range sets scan_args and range_desc from the event and inputs.
decide_range() {
	local event=${GITHUB_EVENT_NAME:-}
	scan_args=()
	range_desc=""
	if is_true "${INPUT_FULL_HISTORY:-false}"; then
		full_history "full-history requested"
		return
	fi
	local base="" head=""
	case "$event" in
	pull_request | pull_request_target)
		base=${EVENT_PR_BASE_SHA:-}
		head=${EVENT_PR_HEAD_SHA:-}
		if [ -z "$base" ] || [ -z "$head" ]; then
			die "the $event event carries no pull_request.base.sha/head.sha"
		fi
		;;
	merge_group)
		base=${EVENT_MERGE_GROUP_BASE_SHA:-}
		head=${EVENT_MERGE_GROUP_HEAD_SHA:-}
		if [ -z "$base" ] || [ -z "$head" ]; then
			die "the merge_group event carries no base_sha/head_sha"
		fi
		;;
	push)
		base=${EVENT_BEFORE:-}
		head=${EVENT_AFTER:-}
		if is_true "${EVENT_DELETED:-}" || [ -z "$head" ] || [ "$head" = "$zero_sha" ]; then
			range_desc="nothing (the push deleted ${EVENT_REF:-a ref})"
			return
		fi
		require_commit "$head" "pushed"
		if [ -z "$base" ] || [ "$base" = "$zero_sha" ] ||
			{ is_true "${EVENT_FORCED:-}" && ! has_commit "$base"; }; then
			# A new branch, or a forced push whose old tip is gone: scan
			# what the branch adds to the default branch, or, for the
			# first push of the default branch, everything.
			if base=$(new_branch_base "$head"); then
				:
			else
				full_history "first push of ${EVENT_REF:-this branch}"
				return
			fi
		fi
		;;
	*)
		# schedule, workflow_dispatch and anything else has no range.
		full_history "${event:-no} event"
		return
		;;
	esac
	require_commit "$base" "base"
	require_commit "$head" "head"
	if [ "$(git rev-parse "$base^{commit}")" = "$(git rev-parse "$head^{commit}")" ]; then
		range_desc="nothing (the range $base..$head is empty)"
		return
	fi
	scan_args=(--range "$base..$head")
	range_desc="$base..$head"
}

full_history() {
	if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
		die "a full-history scan ($1) needs the whole history, but this checkout is shallow. Set 'fetch-depth: 0' on actions/checkout."
	fi
	scan_args=(--git)
	range_desc="full history ($1)"
}

# annotate turns text-format findings into workflow annotations on the
# changed lines. A finding reads "path:line:col: rule [sev] text", or with
# the commit first, "commit:path:line:col: ..." for history and range
# scans. Values are already redacted.
annotate() {
	local line path ln col rest
	while IFS= read -r line; do
		if [[ $line =~ ^[0-9a-f]{7,64}:(.+):([0-9]+):([0-9]+):\ (.*)$ ]] ||
			[[ $line =~ ^(.+):([0-9]+):([0-9]+):\ (.*)$ ]]; then
			path=${BASH_REMATCH[1]} ln=${BASH_REMATCH[2]} col=${BASH_REMATCH[3]} rest=${BASH_REMATCH[4]}
			printf '::error file=%s,line=%s,col=%s,title=%s::%s\n' \
				"$(escape_prop "$path")" "$ln" "$col" "$(escape_prop "pretense")" "$(escape_data "$rest")"
		fi
	done <"$1"
}

step_scan() {
	local bin=${PRETENSE_BIN:-}
	if [ -z "$bin" ] || [ ! -x "$bin" ]; then
		die "the pretense binary is missing (PRETENSE_BIN=${bin:-unset}); the build step must run first"
	fi
	local dir
	dir=$(workdir)
	cd "$dir"
	git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
		die "$dir is not a git checkout: run actions/checkout (with fetch-depth: 0) before pretense"

	local format=${INPUT_FORMAT:-text}
	case "$format" in
	text | report | json | sarif) ;;
	*) die "format '$format': want text, report, json or sarif" ;;
	esac

	local sarif=${INPUT_SARIF_FILE:-}
	if [ -z "$sarif" ]; then
		sarif="${RUNNER_TEMP:-$(mktemp -d)}/pretense.sarif"
	fi
	case "$sarif" in
	/*) ;;
	*) sarif="$dir/$sarif" ;;
	esac
	mkdir -p "$(dirname "$sarif")"

	decide_range
	output checkout-path "$dir"
	output range "$range_desc"
	echo "pretense: scanning $range_desc in $dir"

	if [ ${#scan_args[@]} -eq 0 ]; then
		# Nothing to scan still yields a valid, empty SARIF file, so an
		# upload step configured for every push never trips over it.
		"$bin" scan --stdin --format sarif -o "$sarif" -q </dev/null || die "could not write $sarif"
		output findings 0
		output sarif-file "$sarif"
		summary "### pretense" "" "Scanned $range_desc: no commits to scan."
		return 0
	fi

	local common=(scan "${scan_args[@]}")
	case "${INPUT_PHI_MODE:-}" in
	"") ;;
	off | standard | strict) common+=("--phi-mode=$INPUT_PHI_MODE") ;;
	*) die "phi-mode '$INPUT_PHI_MODE': want off, standard or strict (or empty to follow the config)" ;;
	esac
	if [ -n "${INPUT_CONFIG:-}" ]; then
		[ -f "$INPUT_CONFIG" ] || die "config file $INPUT_CONFIG does not exist (relative to $dir)"
		common+=(--config "$INPUT_CONFIG")
	fi
	if [ -n "${INPUT_BASELINE:-}" ]; then
		[ -f "$INPUT_BASELINE" ] || die "baseline $INPUT_BASELINE does not exist (relative to $dir)"
		common+=(--baseline "$INPUT_BASELINE")
	fi

	local rc=0
	if [ "$format" != sarif ]; then
		local log
		log=$(mktemp)
		"$bin" "${common[@]}" --format "$format" >"$log" || rc=$?
		cat "$log"
		if [ "$rc" -gt 1 ]; then
			rm -f "$log"
			echo "::error title=pretense::the scan failed (exit $rc)" >&2
			exit "$rc"
		fi
		if [ "$format" = text ]; then
			annotate "$log"
		fi
		rm -f "$log"
	fi
	rc=0
	# With format sarif this is the only run, so it keeps the summary;
	# otherwise the log run above already printed it.
	if [ "$format" = sarif ]; then
		"$bin" "${common[@]}" --format sarif -o "$sarif" || rc=$?
	else
		"$bin" "${common[@]}" -q --format sarif -o "$sarif" || rc=$?
	fi
	if [ "$rc" -gt 1 ]; then
		echo "::error title=pretense::the SARIF scan failed (exit $rc)" >&2
		exit "$rc"
	fi
	local count
	# Each SARIF result has exactly one ruleId; rules use "id".
	count=$({ grep -o '"ruleId"' "$sarif" || true; } | wc -l | tr -d ' ')
	if [ "$rc" -eq 1 ] && [ "$count" -eq 0 ]; then
		die "pretense reported findings but $sarif holds no results"
	fi
	output findings "$count"
	output sarif-file "$sarif"
	echo "pretense: $count finding(s); SARIF report at $sarif"
	summary "### pretense" "" "Scanned $range_desc: **$count finding(s)**."
	if [ "$count" -gt 0 ]; then
		summary "" "Each finding is in the log above and in the SARIF report. For a false positive, add \`pretense:allow\` on the line," \
			"list its fingerprint in \`.pretenseignore\` (\`fingerprint:<fp>\`, see \`pretense scan --format json\`), or pass a \`baseline\`."
	fi
}

step_gate() {
	local bin=${PRETENSE_BIN:-}
	if [ -z "$bin" ] || [ ! -x "$bin" ]; then
		die "the pretense binary is missing (PRETENSE_BIN=${bin:-unset}); the build step must run first"
	fi
	cd "$(workdir)"
	local rc=0
	"$bin" gate || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "::error title=pretense gate::the gate could not run (exit $rc)" >&2
		exit "$rc"
	fi
	output gate-exit-code "$rc"
}

step_verdict() {
	local findings=${FINDINGS:-0} gate=${GATE_EXIT_CODE:-0} failed=0
	if [ "$findings" -gt 0 ]; then
		echo "::error title=pretense::$findings finding(s) in ${RANGE:-the scanned commits}; see the scan step log. False positive? add pretense:allow on the line or its fingerprint to .pretenseignore."
		failed=1
	fi
	if [ "$gate" = 1 ]; then
		echo "::error title=pretense gate::an LLM endpoint bypasses the pretense proxy; see the gate step log."
		failed=1
	fi
	if [ "$failed" = 1 ] && is_true "${INPUT_FAIL_ON_FINDINGS:-true}"; then
		exit 1
	fi
	if [ "$failed" = 1 ]; then
		echo "pretense: not failing the job (fail-on-findings is false)"
	fi
}

case "${1:-}" in
build) step_build ;;
scan) step_scan ;;
gate) step_gate ;;
verdict) step_verdict ;;
*)
	echo "usage: $0 build|scan|gate|verdict" >&2
	exit 2
	;;
esac
