// Package version reports the build's version, from -ldflags when a release
// sets it, else from the module information Go embeds.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is set with -ldflags "-X github.com/pretense/pretense/internal/version.Version=v1.2.3".
var Version = ""

// Commit is set the same way by release builds (GoReleaser's {{.Commit}}),
// which may build without VCS stamping.
var Commit = ""

// String returns the version of this build.
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// Long returns the version with the commit it was built from (and "dirty"
// when the work tree had changes) and the Go version: what a bug report
// needs, from the build info Go embeds.
func Long() string {
	commit, modified := "unknown", false
	if Commit != "" {
		commit = Commit
	} else if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
				if len(commit) > 12 {
					commit = commit[:12]
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		commit += "-dirty"
	}
	return fmt.Sprintf("%s (commit %s, %s, %s/%s)", String(), commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
