package cli

import (
	"os"

	"github.com/pretense/pretense/rules"
	"github.com/pretense/pretense/scanner"
)

// settings merges flags, environment and configuration for a scan:
// flag > environment (PRETENSE_*) > project config > user config > default.
func (c *scanCmd) settings(g *Globals, root string) (scanSettings, error) {
	set := scanSettings{phiMode: rules.ModeOff, maxFileSize: scanner.DefaultMaxFileSize}
	if v := os.Getenv("PRETENSE_PHI_MODE"); v != "" {
		m, ok := rules.ParseMode(v)
		if !ok {
			return set, usageErrorf("PRETENSE_PHI_MODE=%q: want off, standard or strict", v)
		}
		set.phiMode = m
	}
	if c.PHIMode != "" {
		set.phiMode = rules.Mode(c.PHIMode)
	}
	if c.MaxFileSize > 0 {
		set.maxFileSize = int64(c.MaxFileSize)
	}
	if k := os.Getenv("PRETENSE_KEY"); k != "" {
		set.fpKey = []byte(k)
	}
	return set, nil
}
