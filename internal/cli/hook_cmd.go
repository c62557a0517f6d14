package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pretense/pretense/internal/hook"
)

// hookCmd manages the git pre-commit hook that runs `pretense scan --staged`.
type HookCmd struct {
	Install   hookInstallCmd   `cmd:"" help:"Write a pre-commit hook that refuses commits adding secrets (and PHI with --phi-mode)."`
	Uninstall hookUninstallCmd `cmd:"" help:"Remove the pretense pre-commit hook and restore the hook it replaced, if any."`
}

type hookInstallCmd struct {
	Dir      string      `help:"A directory inside the repository (default .)." default:"." placeholder:"DIR"`
	Force    bool        `help:"Replace a pre-commit hook pretense did not write (it is kept and restored by uninstall)."`
	PHIMode  PHIModeFlag `name:"phi-mode" help:"Bake --phi-mode into the hook: bare means standard; also =strict or =off. Without it the scan follows PRETENSE_PHI_MODE and the project config at commit time." placeholder:"MODE"`
	Baseline string      `help:"Bake --baseline FILE into the hook: findings listed in this report are not reported again." placeholder:"FILE"`
	Binary   string      `help:"The pretense executable the hook runs (default: this one; the hook falls back to pretense on PATH)." placeholder:"PATH"`
}

func (c *hookInstallCmd) Help() string {
	return `The hook goes where git runs hooks: core.hooksPath when set (relative to
the top of the work tree), otherwise the hooks directory shared by every
worktree of the repository. It runs 'pretense scan --staged' and refuses the
commit on findings or when the scan cannot run.

Exit codes: 0 installed, 2 not a repository or a foreign hook is in the way
(use --force), 3 could not write the hook.`
}

func (c *hookInstallCmd) Run(ctx context.Context, st *IO) error {
	git := hook.Git{}
	loc, err := hook.Locate(ctx, git, c.Dir)
	if err != nil {
		return hookError(err)
	}
	opts := hook.Options{PHIMode: string(c.PHIMode), Force: c.Force}
	if c.Baseline != "" {
		opts.Baseline, err = relativeToTop(c.Baseline, loc.WorkTree)
		if err != nil {
			return UsageErrorf("--baseline %s: %v", c.Baseline, err)
		}
	}
	opts.Binary, err = c.binary(st)
	if err != nil {
		return UsageError(err)
	}
	res, err := hook.Install(ctx, git, c.Dir, opts)
	if err != nil {
		return hookError(err)
	}
	verb := "installed"
	if res.Updated {
		verb = "updated"
	}
	fmt.Fprintf(st.Out, "pretense: pre-commit hook %s: %s\n", verb, res.HookFile())
	if res.HooksPath != "" {
		fmt.Fprintf(st.Out, "pretense: (core.hooksPath is %s)\n", res.HooksPath)
		if rel, err := filepath.Rel(res.WorkTree, res.HooksDir); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			// A global hooksPath (~/.githooks) is shared: say so rather
			// than surprise the user in their other repositories.
			fmt.Fprintf(st.Out, "pretense: %s is outside this repository: every repository that uses it now runs the hook\n", res.HooksDir)
		}
	}
	if res.BackedUp != "" {
		fmt.Fprintf(st.Out, "pretense: the previous hook is kept at %s; 'pretense hook uninstall' puts it back\n", res.BackedUp)
	}
	return nil
}

// binary is the executable the hook should run: --binary, else this one,
// unless this one is a throwaway `go run` build.
func (c *hookInstallCmd) binary(st *IO) (string, error) {
	if c.Binary != "" {
		abs, err := filepath.Abs(c.Binary)
		if err != nil {
			return "", fmt.Errorf("resolve --binary: %w", err)
		}
		info, err := os.Stat(abs)
		if err != nil {
			return "", fmt.Errorf("--binary: %w", err)
		}
		if info.IsDir() || info.Mode().Perm()&0o111 == 0 {
			return "", fmt.Errorf("--binary %s: not an executable file", abs)
		}
		return abs, nil
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(st.Err, "pretense: cannot tell where this binary is (%v); the hook will run pretense from PATH\n", err)
		return "", nil
	}
	if isGoRunBuild(exe) {
		fmt.Fprintln(st.Err, "pretense: running from a temporary 'go run' build; the hook will run pretense from PATH")
		return "", nil
	}
	return exe, nil
}

// isGoRunBuild reports whether exe lives in a go-build temporary directory,
// which disappears when `go run` exits.
func isGoRunBuild(exe string) bool {
	rel, err := filepath.Rel(os.TempDir(), exe)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	return strings.HasPrefix(first, "go-build")
}

// relativeToTop turns a path given relative to the current directory into
// one relative to the work tree top, where git runs hooks; a path outside
// the work tree stays absolute.
func relativeToTop(p, top string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs, nil
	}
	return rel, nil
}

type hookUninstallCmd struct {
	Dir string `help:"A directory inside the repository (default .)." default:"." placeholder:"DIR"`
}

func (c *hookUninstallCmd) Help() string {
	return `Removes only a hook that pretense wrote. Exit codes: 0 done (also when
there was nothing to remove), 2 not a repository, 3 could not remove it.`
}

func (c *hookUninstallCmd) Run(ctx context.Context, st *IO) error {
	res, err := hook.Uninstall(ctx, hook.Git{}, c.Dir)
	if err != nil {
		return hookError(err)
	}
	switch {
	case res.Foreign:
		fmt.Fprintf(st.Out, "pretense: %s was not written by pretense; left it in place\n", res.HookFile())
	case res.Removed && res.Restored != "":
		fmt.Fprintf(st.Out, "pretense: pre-commit hook removed; restored the previous hook at %s\n", res.Restored)
	case res.Removed:
		fmt.Fprintf(st.Out, "pretense: pre-commit hook removed: %s\n", res.HookFile())
	case res.Restored != "":
		fmt.Fprintf(st.Out, "pretense: no pretense hook was installed; restored the backed-up hook at %s\n", res.Restored)
	default:
		fmt.Fprintf(st.Out, "pretense: no pretense hook installed at %s; nothing to do\n", res.HookFile())
	}
	return nil
}

// hookError maps the hook package's errors to exit codes and hints.
func hookError(err error) error {
	switch {
	case errors.Is(err, hook.ErrForeignHook):
		var fe *hook.ForeignHookError
		errors.As(err, &fe)
		switch {
		case fe != nil && fe.Manager == "pre-commit":
			return WithHint(UsageError(err), "add the pretense hook to .pre-commit-config.yaml instead (repo: https://github.com/pretense/pretense, hook id pretense or pretense-phi), or replace pre-commit's hook with 'pretense hook install --force'")
		case fe != nil && fe.Manager == "husky":
			return WithHint(UsageError(err), "add 'pretense scan --staged' to .husky/pre-commit instead, or replace the hook with 'pretense hook install --force'")
		case fe != nil && fe.Manager == "lefthook":
			return WithHint(UsageError(err), "add a pre-commit command 'pretense scan --staged' to lefthook.yml instead, or replace the hook with 'pretense hook install --force'")
		}
		return WithHint(UsageError(err), "run 'pretense hook install --force' to replace it (it is kept and restored by 'pretense hook uninstall'), or call 'pretense scan --staged' from your existing hook")
	case errors.Is(err, hook.ErrNotRepository), errors.Is(err, hook.ErrBackupExists):
		return UsageError(err)
	}
	return RuntimeError(err)
}
