// Package version reports the build's version, from -ldflags when a release
// sets it, else from the module information Go embeds.
package version

import "runtime/debug"

// Version is set with -ldflags "-X github.com/pretense/pretense/internal/version.Version=v1.2.3".
var Version = ""

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
