#!/usr/bin/env bash
# Builds a pretense release into DIST: for linux, darwin and windows on amd64
# and arm64, a static binary (-trimpath, version and commit stamped in) in an
# archive (tar.gz; zip for windows) with the README, a CycloneDX SBOM per
# archive (cyclonedx-gomod, pinned by go.mod's tool directive), and
# SHA256SUMS over every file. The release workflow runs it on a v* tag and
# then attests the files' provenance; .ci/run runs it as a snapshot so the
# release build cannot rot between releases.
#
#   scripts/release.sh VERSION [DIST]    VERSION: v1.2.3, or "snapshot"
#
# We build with plain `go build` rather than GoReleaser: six cross builds
# and a checksum file need no release framework, and the script runs here
# with nothing beyond Go (GoReleaser is not served as an approved release
# by this project's module proxy).
set -euo pipefail

version=${1:?usage: scripts/release.sh VERSION [DIST]}
dist=${2:-dist}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

case "$version" in
snapshot) version="v0.0.0-snapshot" ;;
v[0-9]*.[0-9]*.[0-9]*) ;;
*)
	echo "release: version $version: want vMAJOR.MINOR.PATCH or snapshot" >&2
	exit 2
	;;
esac
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
	commit="$commit-dirty"
fi
targets=${PRETENSE_RELEASE_TARGETS:-"linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"}

rm -rf "$dist"
mkdir -p "$dist"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The rule table the binaries carry is generated from rules/builtin/*.yaml
# and read as is at run time: refuse to release a stale one.
go test -count=1 -run '^TestBuiltinTable$' ./rules >"$work/table.log" 2>&1 ||
	{ cat "$work/table.log" >&2; echo "release: rules/builtin_table.go is stale: run go generate ./rules" >&2; exit 1; }

# Host tools, built before GOOS/GOARCH change per target.
go build -o "$work/archive" ./tools/archive
go build -o "$work/cyclonedx-gomod" github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod
ldflags="-s -w -X github.com/pretense/pretense/internal/version.Version=$version -X github.com/pretense/pretense/internal/version.Commit=$commit"
for t in $targets; do
	os=${t%/*}
	arch=${t#*/}
	name="pretense_${version#v}_${os}_${arch}"
	dir="$work/$name"
	mkdir -p "$dir"
	exe=
	[ "$os" = windows ] && exe=.exe
	echo "release: $name"
	# pretense (all four jobs) and pretense-scan (the commit hook's
	# `pretense scan`, without the proxy's dependencies) in one archive:
	# the hook pretense installs runs pretense-scan when it lies beside it.
	for cmd in pretense pretense-scan; do
		CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$dir/$cmd$exe" "./cmd/$cmd"
	done
	cp README.md "$dir/"
	ext=tar.gz
	[ "$os" = windows ] && ext=zip
	"$work/archive" -o "$dist/$name.$ext" -C "$work" "$name"
	# The SBOM of cmd/pretense covers pretense-scan, whose modules are a
	# subset of it.
	GOOS=$os GOARCH=$arch "$work/cyclonedx-gomod" app -json -licenses=false \
		-main cmd/pretense -output "$dist/$name.sbom.cdx.json" . 2>"$work/sbom.log" ||
		{ cat "$work/sbom.log" >&2; exit 1; }
done
# The proxy's container image copies these binaries (see Dockerfile).
for t in $targets; do
	os=${t%/*}
	arch=${t#*/}
	[ "$os" = linux ] || continue
	mkdir -p "$dist/image/$os/$arch"
	cp "$work/pretense_${version#v}_${os}_${arch}/pretense" "$dist/image/$os/$arch/pretense"
done
(cd "$dist" && find . -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort | xargs sha256sum >"$work/SHA256SUMS")
mv "$work/SHA256SUMS" "$dist/SHA256SUMS"
echo "release: $(find "$dist" -maxdepth 1 -type f | wc -l) files in $dist"
