// Package hook installs and removes the git pre-commit hook that runs
// `pretense scan --staged` before every commit.
//
// It asks the git command line where hooks live instead of parsing
// configuration itself: git is present wherever commits are made, and only
// git knows the full answer (system, global, repository and worktree
// config, include and includeIf files, GIT_DIR and friends, linked
// worktrees). Parsing .git/config with a library would get the common case
// right and the interesting cases wrong, and would pull go-git into a
// package the design keeps free of it.
//
// The hook file it writes carries a marker line, so it can tell its own hook
// from somebody else's: it replaces only its own, replaces a foreign hook
// only when forced (keeping a backup), and on uninstall removes only its own
// and puts a backed-up foreign hook back.
package hook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Marker is the line that identifies a hook written by this package.
const Marker = "# pretense-managed-hook v1"

// hookName is the git hook this package manages.
const hookName = "pre-commit"

// backupSuffix names the copy of a foreign hook that a forced install
// replaced; uninstall restores it.
const backupSuffix = ".pretense-backup"

var (
	// ErrForeignHook means a pre-commit hook not written by pretense is in
	// the way; Install replaces it only with Force.
	ErrForeignHook = errors.New("a pre-commit hook not written by pretense is already installed")
	// ErrNotRepository means the directory is not inside a git work tree.
	ErrNotRepository = errors.New("not inside a git work tree")
	// ErrBackupExists means a forced install would overwrite an earlier
	// backup of a foreign hook.
	ErrBackupExists = errors.New("a backup of an earlier pre-commit hook already exists")
)

// Location says where git runs hooks for the work tree at a directory.
type Location struct {
	WorkTree  string // top of the current work tree (linked or main)
	CommonDir string // the git directory shared by all worktrees
	HooksPath string // core.hooksPath as configured; "" when unset
	HooksDir  string // absolute directory git runs hooks from
}

// HookFile is the absolute path of the pre-commit hook.
func (l Location) HookFile() string { return filepath.Join(l.HooksDir, hookName) }

// BackupFile is where a forced install keeps the hook it replaced.
func (l Location) BackupFile() string { return l.HookFile() + backupSuffix }

// Git runs the git command line. The zero value runs "git" from PATH.
type Git struct {
	Path string // git executable; "git" when empty
	Env  []string
}

func (g Git) run(ctx context.Context, dir string, args ...string) (string, error) {
	exe := g.Path
	if exe == "" {
		exe = "git"
	}
	cmd := exec.CommandContext(ctx, exe, append([]string{"-C", dir}, args...)...)
	if g.Env != nil {
		cmd.Env = g.Env
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return stdout.String(), &gitError{args: args, code: ee.ExitCode(), stderr: strings.TrimSpace(stderr.String())}
		}
		return "", fmt.Errorf("run git: %w", err)
	}
	return stdout.String(), nil
}

// gitError is a git command that ran and failed.
type gitError struct {
	args   []string
	code   int
	stderr string
}

func (e *gitError) Error() string {
	msg := fmt.Sprintf("git %s: exit %d", strings.Join(e.args, " "), e.code)
	if e.stderr != "" {
		msg += ": " + e.stderr
	}
	return msg
}

// Locate finds where git runs the pre-commit hook for the work tree that
// contains dir. A relative core.hooksPath is taken relative to the top of
// the work tree, because that is the directory git runs hooks from; without
// it hooks live in the common git directory, which linked worktrees share.
func Locate(ctx context.Context, g Git, dir string) (Location, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Location{}, fmt.Errorf("resolve %s: %w", dir, err)
	}
	out, err := g.run(ctx, abs, "rev-parse", "--is-bare-repository", "--is-inside-work-tree")
	if err != nil {
		var ge *gitError
		if errors.As(err, &ge) {
			return Location{}, fmt.Errorf("%s: %w (%s)", abs, ErrNotRepository, ge.stderr)
		}
		return Location{}, err
	}
	flags := strings.Fields(out)
	if len(flags) != 2 {
		return Location{}, fmt.Errorf("git rev-parse: unexpected output %q", out)
	}
	if flags[0] == "true" {
		return Location{}, fmt.Errorf("%s: %w: the repository is bare, and staged changes need a work tree", abs, ErrNotRepository)
	}
	if flags[1] != "true" {
		return Location{}, fmt.Errorf("%s: %w: run it from the checked-out files, not from inside the git directory", abs, ErrNotRepository)
	}
	out, err = g.run(ctx, abs, "rev-parse", "--show-toplevel", "--git-common-dir")
	if err != nil {
		return Location{}, err
	}
	lines := strings.Split(strings.TrimRight(out, "\r\n"), "\n")
	if len(lines) != 2 {
		return Location{}, fmt.Errorf("git rev-parse: unexpected output %q", out)
	}
	loc := Location{WorkTree: resolve(abs, lines[0]), CommonDir: resolve(abs, lines[1])}
	// --path expands a leading ~ the way git does when it runs hooks.
	out, err = g.run(ctx, abs, "config", "--path", "--get", "core.hooksPath")
	var ge *gitError
	switch {
	case err == nil:
		loc.HooksPath = strings.TrimRight(out, "\r\n")
	case errors.As(err, &ge) && ge.code == 1:
		// Exit 1 is git's "no such key".
	default:
		return Location{}, fmt.Errorf("read core.hooksPath: %w", err)
	}
	if loc.HooksPath != "" {
		loc.HooksDir = resolve(loc.WorkTree, loc.HooksPath)
	} else {
		loc.HooksDir = filepath.Join(loc.CommonDir, "hooks")
	}
	return loc, nil
}

// resolve makes a path git printed absolute: git prints some relative to
// the directory it ran in.
func resolve(base, p string) string {
	p = filepath.FromSlash(strings.TrimSpace(p))
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// Options configure an installed hook.
type Options struct {
	// Binary is the pretense executable the hook runs first; when it is
	// gone (a `go run` build, an upgrade that moved it) the hook falls back
	// to pretense on PATH.
	Binary string
	// PHIMode, when not empty, is baked into the hook as --phi-mode=MODE
	// (off, standard or strict). Empty lets the scan decide from
	// PRETENSE_PHI_MODE and the project configuration at commit time.
	PHIMode string
	// Baseline, when not empty, is baked into the hook as --baseline FILE
	// (relative to the top of the work tree, where git runs hooks).
	Baseline string
	// Force replaces a hook pretense did not write, keeping it as a backup
	// that Uninstall restores.
	Force bool
}

// Installed reports what Install did.
type Installed struct {
	Location
	Updated  bool   // an earlier pretense hook was replaced
	BackedUp string // path of the foreign hook kept aside by Force, if any
}

// Install writes the pre-commit hook for the work tree containing dir.
func Install(ctx context.Context, g Git, dir string, opts Options) (Installed, error) {
	switch opts.PHIMode {
	case "", "off", "standard", "strict":
	default:
		return Installed{}, fmt.Errorf("phi mode %q: want off, standard or strict", opts.PHIMode)
	}
	loc, err := Locate(ctx, g, dir)
	if err != nil {
		return Installed{}, err
	}
	res := Installed{Location: loc}
	hookFile := loc.HookFile()
	owned, exists, err := inspect(hookFile)
	if err != nil {
		return res, err
	}
	switch {
	case exists && owned:
		res.Updated = true
	case exists && !opts.Force:
		return res, fmt.Errorf("%s: %w", hookFile, ErrForeignHook)
	case exists:
		backup := loc.BackupFile()
		if _, err := os.Lstat(backup); err == nil {
			return res, fmt.Errorf("%s: %w; move it away first", backup, ErrBackupExists)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("check backup: %w", err)
		}
		if err := os.Rename(hookFile, backup); err != nil {
			return res, fmt.Errorf("back up the existing hook: %w", err)
		}
		res.BackedUp = backup
	}
	if err := os.MkdirAll(loc.HooksDir, 0o755); err != nil {
		return res, fmt.Errorf("create hooks directory: %w", err)
	}
	if err := writeExecutable(hookFile, Script(opts)); err != nil {
		if res.BackedUp != "" {
			// Put the user's hook back rather than leave no hook at all.
			_ = os.Rename(res.BackedUp, hookFile)
			res.BackedUp = ""
		}
		return res, err
	}
	return res, nil
}

// Removed reports what Uninstall did.
type Removed struct {
	Location
	Removed  bool   // the pretense hook was deleted
	Restored string // the foreign hook put back in place, if any
	Foreign  bool   // a hook pretense did not write is there and was left alone
}

// Uninstall removes the pretense hook of the work tree containing dir and
// restores the hook a forced install had backed up. It never deletes a
// hook pretense did not write; with nothing to remove it does nothing.
func Uninstall(ctx context.Context, g Git, dir string) (Removed, error) {
	loc, err := Locate(ctx, g, dir)
	if err != nil {
		return Removed{}, err
	}
	res := Removed{Location: loc}
	hookFile, backup := loc.HookFile(), loc.BackupFile()
	owned, exists, err := inspect(hookFile)
	if err != nil {
		return res, err
	}
	if exists && !owned {
		res.Foreign = true
		return res, nil
	}
	if exists {
		if err := os.Remove(hookFile); err != nil {
			return res, fmt.Errorf("remove hook: %w", err)
		}
		res.Removed = true
	}
	if _, err := os.Lstat(backup); err == nil {
		if err := os.Rename(backup, hookFile); err != nil {
			return res, fmt.Errorf("restore %s: %w", backup, err)
		}
		res.Restored = hookFile
	} else if !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("check backup: %w", err)
	}
	return res, nil
}

// inspect says whether path exists and whether pretense wrote it. A
// symbolic link or anything but a regular file is never ours.
func inspect(path string) (owned, exists bool, err error) {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("inspect hook: %w", err)
	}
	if !info.Mode().IsRegular() {
		return false, true, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return false, true, fmt.Errorf("read hook: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimRight(line, "\r") == Marker {
			return true, true, nil
		}
	}
	return false, true, nil
}

// writeExecutable replaces path atomically with an executable file, so a
// commit running at the same moment sees the old hook or the new one, never
// half of one.
func writeExecutable(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write hook: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write hook: %w", err)
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return fmt.Errorf("write hook: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write hook: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write hook: %w", err)
	}
	return nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Script is the hook's text. It runs the scan on what the commit adds,
// blocks the commit on findings or on any failure to scan (a hook that
// cannot look must not wave a commit through), and tells the committer
// how to deal with a false positive.
func Script(opts Options) []byte {
	binary := opts.Binary
	if runtime.GOOS == "windows" {
		// Git for Windows runs hooks with its own sh, which reads C:/x.
		binary = filepath.ToSlash(binary)
	}
	args := "scan --staged"
	if opts.PHIMode != "" {
		args += " --phi-mode=" + opts.PHIMode
	}
	if opts.Baseline != "" {
		args += " --baseline " + shellQuote(filepath.ToSlash(opts.Baseline))
	}
	allow := "pretense hook:   or record accepted findings in a baseline: pretense hook install --baseline FILE."
	if opts.Baseline != "" {
		allow = "pretense hook:   or add it to the baseline " + filepath.ToSlash(opts.Baseline) + "."
	}
	var b strings.Builder
	fmt.Fprintf(&b, `#!/bin/sh
%s
# Installed by 'pretense hook install'; remove it with 'pretense hook uninstall'.
# Refuses a commit whose staged changes contain secrets%s.
# Git runs it from the top of the work tree.
want=%s
pretense=$want
if [ -z "$pretense" ] || [ ! -x "$pretense" ]; then
	pretense=$(command -v pretense 2>/dev/null) || {
		echo "pretense hook: cannot find the pretense binary (${want:+not at $want, }not on PATH)." >&2
		echo "pretense hook: install it and run 'pretense hook install' again, or remove the hook with 'pretense hook uninstall'." >&2
		exit 1
	}
fi
"$pretense" %s
status=$?
case $status in
0) exit 0 ;;
1)
	cat >&2 <<'EOF'
pretense hook: commit refused: the staged changes above contain what looks like a secret or PHI.
pretense hook: remove it (read it from the environment or a secret store), 'git add' again and commit.
pretense hook: a false positive? put 'pretense:allow' in a comment on that line, or add
pretense hook:   fingerprint:<fp> to .pretenseignore ('pretense scan --staged --format json' prints it),
%s
EOF
	;;
*)
	echo "pretense hook: the scan failed (exit $status), so the commit was not made." >&2
	;;
esac
exit "$status"
`, Marker, phiNote(opts.PHIMode), shellQuote(binary), args, allow)
	return []byte(b.String())
}

func phiNote(mode string) string {
	switch mode {
	case "":
		return " (and PHI when phi-mode is configured)"
	case "off":
		return ""
	}
	return " or PHI (phi-mode " + mode + ")"
}
