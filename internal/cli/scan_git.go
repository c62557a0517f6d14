package cli

import (
	"context"
	"errors"

	"github.com/pretense/pretense/rules"
	"github.com/pretense/pretense/scanner"
)

// runGit scans git history, a commit range or the index.
func (c *scanCmd) runGit(ctx context.Context, root string, rs *rules.Ruleset, opts scanner.Options) (*scanner.Result, string, error) {
	return nil, "", runtimeError(errors.New("git scanning: not built yet"))
}
