#!/usr/bin/env bash
# The steps of the pretense GitHub Action (action.yml), kept in one script
# so they can be linted and run outside GitHub: integration tests run them
# against a temporary repository with a simulated event.
#
#   action.sh install   download the release binary for the action's ref,
#                       verify it and cache it (or ask for a source build)
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

# release_platform prints the release's os_arch for this runner.
release_platform() {
	local os arch
	case "${RUNNER_OS:-$(uname -s)}" in
	Linux | linux) os=linux ;;
	macOS | Darwin) os=darwin ;;
	Windows | MINGW* | MSYS*) os=windows ;;
	*) return 1 ;;
	esac
	case "${RUNNER_ARCH:-$(uname -m)}" in
	X64 | x86_64 | amd64) arch=amd64 ;;
	ARM64 | arm64 | aarch64) arch=arm64 ;;
	*) return 1 ;;
	esac
	printf '%s_%s' "$os" "$arch"
}

sha256_of() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

# build_instead asks action.yml to build from source (the setup-go and
# build steps run only then), saying why.
build_instead() {
	echo "pretense: $*; building from the action's source instead"
	output need-go true
	output binary ""
}

# step_install puts the released pretense for the action's own ref on the
# runner: from the cache when a verified copy is there, else downloaded
# with the release's SHA256SUMS and checked against it (and against its
# build-provenance attestation when the gh CLI and a token are there). A
# checksum or attestation mismatch fails the job: that is tampering, not a
# reason to fall back. A ref that names no release (a branch, a SHA, a
# local checkout) or a release that cannot be downloaded builds from source.
step_install() {
	local version=${INPUT_VERSION:-}
	if [ -z "$version" ]; then
		case "${ACTION_REF:-}" in
		v[0-9]*.[0-9]*.[0-9]*) version=$ACTION_REF ;;
		esac
	fi
	if [ -z "$version" ]; then
		build_instead "the action runs from ref '${ACTION_REF:-a local checkout}', which names no release"
		return 0
	fi
	case "$version" in
	v[0-9]*.[0-9]*.[0-9]*) ;;
	*) die "version $version: want a release tag such as v1.2.3" ;;
	esac
	local platform
	if ! platform=$(release_platform); then
		build_instead "no release binary for ${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}"
		return 0
	fi
	local name="pretense_${version#v}_${platform}" ext=tar.gz exe=pretense
	case "$platform" in windows_*) ext=zip exe=pretense.exe ;; esac
	local cache_root=${INPUT_CACHE_DIR:-${RUNNER_TOOL_CACHE:-${HOME:-/tmp}/.cache}/pretense}
	local dir="$cache_root/$version/$platform"
	if [ -f "$dir/$exe" ] && [ -f "$dir/$exe.sha256" ] && [ "$(sha256_of "$dir/$exe")" = "$(cat "$dir/$exe.sha256")" ]; then
		echo "pretense: $version from the cache ($dir)"
	else
		local base=${INPUT_RELEASE_URL:-https://github.com/pretense/pretense/releases/download}
		local tmp
		tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pretense-release.XXXXXX")
		echo "pretense: downloading $name.$ext from $base/$version"
		if ! curl -fsSL --retry 3 --connect-timeout 10 -o "$tmp/SHA256SUMS" "$base/$version/SHA256SUMS" ||
			! curl -fsSL --retry 3 --connect-timeout 10 -o "$tmp/$name.$ext" "$base/$version/$name.$ext"; then
			build_instead "the release $version could not be downloaded"
			return 0
		fi
		local want got
		want=$(awk -v f="$name.$ext" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
		got=$(sha256_of "$tmp/$name.$ext")
		[ -n "$want" ] || die "SHA256SUMS of $version lists no $name.$ext"
		[ "$want" = "$got" ] || die "checksum mismatch for $name.$ext: SHA256SUMS says $want, the download is $got"
		echo "pretense: checksum ok ($got)"
		if command -v gh >/dev/null 2>&1 && [ -n "${GH_TOKEN:-${GITHUB_TOKEN:-}}" ]; then
			gh attestation verify "$tmp/$name.$ext" --repo "${INPUT_RELEASE_REPO:-pretense/pretense}" >/dev/null ||
				die "the build-provenance attestation of $name.$ext does not verify"
			echo "pretense: provenance attestation verified"
		fi
		mkdir -p "$tmp/x" "$dir"
		case "$ext" in
		zip) unzip -q "$tmp/$name.$ext" -d "$tmp/x" ;;
		*) tar -xzf "$tmp/$name.$ext" -C "$tmp/x" ;;
		esac
		[ -f "$tmp/x/$name/$exe" ] || die "$name.$ext holds no $name/$exe"
		mv -f "$tmp/x/$name/$exe" "$dir/$exe"
		chmod 0755 "$dir/$exe"
		sha256_of "$dir/$exe" >"$dir/$exe.sha256"
		rm -rf "$tmp"
	fi
	"$dir/$exe" version
	output need-go false
	output binary "$dir/$exe"
}

# step_resolve names the release, platform and cache directory that the
# cache steps of action.yml key on, before anything is downloaded.
step_resolve() {
	local version=${INPUT_VERSION:-}
	if [ -z "$version" ]; then
		case "${ACTION_REF:-}" in
		v[0-9]*.[0-9]*.[0-9]*) version=$ACTION_REF ;;
		esac
	fi
	local platform
	platform=$(release_platform) || platform=unknown
	output version "$version"
	output platform "$platform"
	output cache-dir "${RUNNER_TOOL_CACHE:-${HOME:-/tmp}/.cache}/pretense"
	local src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
	if [ -f "$src/go.sum" ]; then
		output go-sum "$(sha256_of "$src/go.sum" | cut -c1-16)"
	fi
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
	fetch_lfs "$base" "$head"
}

# fetch_lfs fetches the git LFS content that the commits base..head ($1..$2)
# add, when the repository tracks files with LFS (a filter=lfs attribute in
# a .gitattributes at either end) and git-lfs is installed. The scan reads
# an LFS file's content from .git/lfs/objects and fails (exit 3) on a
# pointer whose content is not there, and actions/checkout (lfs: true)
# fetches the checked-out commit's only, not the versions the range's
# earlier commits added. Only the paths where the range adds an LFS pointer
# are fetched (git lfs fetch -I <paths> for the range's commits): a whole
# tree's LFS content is far more than a range changes, and the scan reads
# no other. Without git-lfs, or when the fetch fails, the scan goes on and
# names what it could not read.
fetch_lfs() {
	local base=$1 head=$2 rev uses=false
	for rev in "$head" "$base"; do
		if git grep -q -I -e 'filter=lfs' "$rev" -- ':(glob)**/.gitattributes' 2>/dev/null; then
			uses=true
			break
		fi
	done
	[ "$uses" = true ] || return 0
	if ! git lfs version >/dev/null 2>&1; then
		echo "::warning title=pretense::this repository keeps files in git LFS but git-lfs is not installed, so the LFS content of $base..$head is not fetched; the scan fails on any it cannot read (install git-lfs, or set 'lfs: true' on actions/checkout)"
		return 0
	fi
	if ! git remote get-url origin >/dev/null 2>&1; then
		echo "::warning title=pretense::no remote 'origin' to fetch the git LFS content of $base..$head from; the scan reads what the clone holds"
		return 0
	fi
	# Through a file, not a process substitution, whose status bash 3
	# cannot see: when the listing fails, nothing is fetched and the scan
	# fails (exit 3) on each LFS pointer whose content it cannot read.
	local paths=() p list
	list=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pretense-lfs.XXXXXX")
	if ! lfs_changed_paths "$base" "$head" >"$list"; then
		rm -f "$list"
		echo "::warning title=pretense::could not list the git LFS pointers that $base..$head adds, so their content is not fetched; the scan fails on any it cannot read"
		return 0
	fi
	while IFS= read -r -d '' p; do
		paths+=("$p")
	done <"$list"
	rm -f "$list"
	if [ ${#paths[@]} -eq 0 ]; then
		echo "pretense: $base..$head adds no git LFS pointer; nothing to fetch"
		return 0
	fi
	echo "pretense: fetching the git LFS content of $base..$head (git lfs fetch -I <the ${#paths[@]} paths where it adds LFS pointers> origin <commits>)"
	local commits=() c failed=false
	while IFS= read -r c; do
		commits+=("$c")
	done < <(git rev-list "$base..$head")
	# In batches: a long range, or many paths, would pass the argument
	# list's limits (-I is one argument).
	local include="" i
	for p in "${paths[@]}" ""; do
		if [ -n "$p" ]; then
			# -I takes comma-separated wildmatch patterns: a comma or a
			# wildcard character in a name matches itself through '?'.
			# So do white space at either end, which it trims.
			p=${p//[,*?\[\]\\]/?}
			[[ $p == [[:space:]]* ]] && p="?${p:1}"
			[[ $p == *[[:space:]] ]] && p="${p%?}?"
			if [ ${#include} -gt 0 ] && [ $((${#include} + ${#p})) -lt 60000 ]; then
				include+=",$p"
				continue
			fi
			if [ ${#include} -eq 0 ]; then
				include=$p
				continue
			fi
		fi
		for ((i = 0; i < ${#commits[@]}; i += 500)); do
			# -X "": a configured lfs.fetchexclude would leave a changed
			# file unfetched, and the scan would fail on it.
			git lfs fetch -I "$include" -X "" origin "${commits[@]:i:500}" || failed=true
		done
		include=$p
	done
	if [ "$failed" = true ]; then
		echo "::warning title=pretense::git lfs fetch failed; the scan names any LFS content it could not read"
	fi
}

# lfs_changed_paths prints, NUL-separated, the paths where the commits
# $1..$2 add a git LFS pointer: a blob of under 1024 bytes that starts with
# the LFS spec line and its newline, as the scan tells one (merges against
# each parent, renames as an add). It fails (status 1) when git cannot
# list or read the small blobs. Plain bash 3 (macOS's /bin/bash): no
# associative arrays, no mapfile.
#
# The small blobs are read in one `git cat-file --batch` stream, not a
# process each (a range of thousands of small files spawned thousands),
# and the stream is cut by the sizes in its headers, so content that looks
# like a header cannot shift it. tr first turns every byte but newline and
# printable ASCII into \001, which no spec line holds: the decision is the
# same, and awk sees no NUL, CR or multibyte character, which mawk, gawk
# and BSD awk handle differently.
lfs_changed_paths() {
	# Bytes, not characters: pattern matching on the paths is also several
	# times faster.
	local LC_ALL=C rec rest path mode sha st recs=() keys=() small n pointers idx i
	while IFS= read -r -d '' rec; do
		[[ $rec == :* ]] || continue
		IFS= read -r -d '' path || break
		# ":<old mode> <mode> <old sha> <sha> <status>", split without a
		# here-string (a temporary file each in bash 3).
		rest=${rec#* } mode=${rest%% *} rest=${rest#* } rest=${rest#* }
		sha=${rest%% *} st=${rest#* }
		case "$mode" in 100644 | 100755) ;; *) continue ;; esac
		[ "$st" = D ] && continue
		# The path in one line for awk: "=" as "==", a newline as "=n".
		rest=${path//=/==}
		recs+=("$path") keys+=("$sha ${rest//$'\n'/=n}")
	done < <(git log -m --no-renames --raw --no-abbrev -z --format= "$1..$2")
	[ ${#keys[@]} -gt 0 ] || return 0
	small=$(printf '%s\n' "${keys[@]}" | cut -d ' ' -f 1 | sort -u |
		git cat-file --batch-check='%(objectname) %(objecttype) %(objectsize)' |
		awk '$2 == "blob" && $3 < 1024 { print $1 }') || return 1
	[ -n "$small" ] || return 0
	# Counted by wc: ${small//[!$'\n']/} takes seconds on 20,000 lines.
	n=$(printf '%s\n' "$small" | wc -l) || return 1
	# Each object is a header line "<sha> blob <size>", then <size> bytes
	# and a newline: awk counts the lines' bytes down from size+1. The
	# first line is the spec line when it matches and a newline follows it
	# within the content (left > 0 after it). Any other header, a stream
	# that ends inside an object or a count short of the blobs asked for
	# fails.
	pointers=$(printf '%s\n' "$small" | git cat-file --batch | LC_ALL=C tr -c '\n -~' '\001' |
		LC_ALL=C awk -v want="$n" \
			-v s1='version https://git-lfs.github.com/spec/v1' -v s2='version https://hawser.github.com/spec/v1' '
			left == 0 {
				if (NF == 3 && $2 == "blob" && $3 ~ /^[0-9]+$/) { sha = $1; left = $3 + 1; first = 1; got++; next }
				bad = 1; exit
			}
			{
				left -= length($0) + 1
				if (first && left > 0 && ($0 == s1 || $0 == s2)) print sha
				first = 0
				if (left < 0) { bad = 1; exit }
			}
			END { if (bad || left != 0 || got != want + 0) exit 1 }') || return 1
	[ -n "$pointers" ] || return 0
	# The indices of the records whose blob is a pointer, each path once,
	# joined in awk: a bash pattern lookup per record is quadratic.
	idx=$({
		printf '%s\n-\n' "$pointers"
		printf '%s\n' "${keys[@]}"
	} | LC_ALL=C awk '
		!f { if ($0 == "-") f = NR; else p[$0] = 1; next }
		{
			i = index($0, " ")
			if ((substr($0, 1, i - 1) in p) && !(substr($0, i + 1) in seen)) {
				seen[substr($0, i + 1)] = 1
				print NR - f - 1
			}
		}') || return 1
	for i in $idx; do
		printf '%s\0' "${recs[i]}"
	done
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
resolve) step_resolve ;;
install) step_install ;;
build) step_build ;;
scan) step_scan ;;
gate) step_gate ;;
verdict) step_verdict ;;
*)
	echo "usage: $0 resolve|install|build|scan|gate|verdict" >&2
	exit 2
	;;
esac
