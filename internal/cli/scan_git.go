package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/pretense/pretense/rules"
	"github.com/pretense/pretense/scanner"
)

// runGit scans git history, a commit range or the index, and maps the
// scanner's errors to exit codes: not a repository or a bad revision is
// the user's to fix (2); a shallow clone missing the range base, or a
// missing or corrupt object, is a runtime error (3) with a hint.
func (c *ScanCmd) runGit(ctx context.Context, root string, rs *rules.Ruleset, opts scanner.Options) (*scanner.Result, string, error) {
	var (
		res    *scanner.Result
		err    error
		target string
	)
	if !c.Staged {
		// A history scan keeps the tree graph in memory while it churns
		// through blobs; collecting garbage sooner keeps the peak near the
		// live set (about -20% RSS for 5% more CPU).
		defer debug.SetGCPercent(debug.SetGCPercent(50))
	}
	switch {
	case c.Staged:
		target = "staged changes in " + root
		// Inside a hook git names the index being committed; for
		// `commit -a` and `commit <paths>` it is not .git/index.
		opts.IndexFile = os.Getenv("GIT_INDEX_FILE")
		res, err = scanner.GitStaged(ctx, root, rs, opts)
	case c.Range != "":
		target = fmt.Sprintf("commits %s in %s", c.Range, root)
		res, err = scanner.GitHistory(ctx, root, scanner.GitScope{Range: c.Range}, rs, opts)
	case c.SinceCommit != "":
		target = fmt.Sprintf("commits since %s in %s", c.SinceCommit, root)
		res, err = scanner.GitHistory(ctx, root, scanner.GitScope{Since: c.SinceCommit}, rs, opts)
	default:
		target = "git history of " + root
		res, err = scanner.GitHistory(ctx, root, scanner.GitScope{}, rs, opts)
	}
	if err != nil {
		return nil, "", gitError(err)
	}
	return res, target, nil
}

func gitError(err error) error {
	var (
		sh *scanner.ShallowError
		oe *scanner.ObjectError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, scanner.ErrNotFound):
		return UsageError(err)
	case errors.Is(err, scanner.ErrNotGitRepo):
		return WithHint(UsageError(err), "run inside a git repository, give its path with --path, or drop --git/--range/--staged to scan files")
	case errors.As(err, &sh):
		return WithHint(RuntimeError(err), "this is a shallow clone: fetch more history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout) so the range base is present")
	case errors.Is(err, scanner.ErrBadRevision):
		return WithHint(UsageError(err), "check the revision names (git rev-parse A B)")
	case errors.As(err, &oe):
		return WithHint(RuntimeError(err), "the repository is damaged: run git fsck, or re-clone")
	}
	return RuntimeError(err)
}

// incompleteError names, on stderr, everything a scan could not read and
// fails it (exit 3): the report above holds every finding the rest gave,
// but a pass over what could not be read is not a pass. Text left
// unscanned (scanner.Result.Unscanned: over --max-file-size, or git LFS
// content not in the clone) is named with what would scan it.
func incompleteError(w io.Writer, unreadable []error, unscanned []scanner.Skipped) error {
	hint := "check the permissions of what is named above, or leave it out with .pretenseignore"
	for _, err := range unreadable {
		fmt.Fprintf(w, "pretense: could not read %v\n", err)
		var oe *scanner.ObjectError
		if errors.As(err, &oe) {
			hint = "the repository is damaged: run git fsck, or re-clone"
		}
	}
	var largest int64
	lfs := false
	for _, s := range unscanned {
		fmt.Fprintf(w, "pretense: not scanned: %s: %s\n", s.Path, s.Reason)
		if n, ok := scanner.OversizeBytes(s.Reason); ok {
			largest = max(largest, n)
		} else {
			lfs = true
		}
	}
	if largest > 0 {
		limit := fmt.Sprintf("%dMB", (largest+1<<20-1)>>20)
		if largest < 1<<20 {
			limit = fmt.Sprintf("%dKB", (largest+1<<10-1)>>10)
		}
		fmt.Fprintf(w, "pretense: to scan text over the size limit: --max-file-size %s (or scan.max-file-size in .pretense.yaml); to leave a file out: its path in .pretenseignore\n", limit)
	}
	if lfs {
		fmt.Fprintf(w, "pretense: to scan git LFS files: fetch their content into the clone (git lfs pull; for history or a range, git lfs fetch --all; in GitHub Actions, lfs: true on actions/checkout); to leave a file out: its path in .pretenseignore\n")
	}
	if len(unreadable) == 0 {
		return WithHint(RuntimeError(fmt.Errorf("scan incomplete: %d file(s) of text not scanned; findings were reported for everything else", len(unscanned))),
			"a scan passes only when it read every byte of text it was given; --no-fail-on-unscanned (config scan.fail-on-unscanned: false) lists such files as skipped and exits by the findings")
	}
	return WithHint(RuntimeError(fmt.Errorf("scan incomplete: %d input(s) could not be read; findings were reported for everything else", len(unreadable)+len(unscanned))), hint)
}
