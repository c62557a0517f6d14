package hook

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pretense/pretense/internal/testtool"
)

// These tests drive the real git command line: hooks are git's business,
// and only git can say whether it runs the file this package writes.
// (go-git neither runs hooks nor resolves core.hooksPath.)

// gitEnv is an environment where git reads no system or user config and no
// GIT_* variable leaks in from a surrounding hook or CI run.
func gitEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	if err := os.WriteFile(cfg, []byte("[user]\n\tname = Test\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") || strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "PRETENSE_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+cfg)
}

type repo struct {
	t   *testing.T
	dir string
	env []string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is not installed: the hook tests run real git commits")
	}
	r := &repo{t: t, dir: t.TempDir(), env: gitEnv(t)}
	r.git("init", "-q")
	r.git("commit", "-q", "--allow-empty", "-m", "root")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	out, err := r.try(r.dir, args...)
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return out
}

func (r *repo) try(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = r.env
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err := cmd.Run()
	return b.String(), err
}

func (r *repo) g() Git { return Git{Env: r.env} }

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func realpath(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLocate(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		setup     func(r *repo) (dir string)
		wantHooks func(r *repo) string
		wantPath  string
	}{
		{
			name:      "plain repository",
			setup:     func(r *repo) string { return r.dir },
			wantHooks: func(r *repo) string { return filepath.Join(r.dir, ".git", "hooks") },
		},
		{
			name: "from a subdirectory",
			setup: func(r *repo) string {
				d := filepath.Join(r.dir, "a", "b")
				os.MkdirAll(d, 0o755)
				return d
			},
			wantHooks: func(r *repo) string { return filepath.Join(r.dir, ".git", "hooks") },
		},
		{
			name: "relative core.hooksPath is relative to the work tree top",
			setup: func(r *repo) string {
				r.git("config", "core.hooksPath", ".githooks")
				d := filepath.Join(r.dir, "sub")
				os.MkdirAll(d, 0o755)
				return d
			},
			wantHooks: func(r *repo) string { return filepath.Join(r.dir, ".githooks") },
			wantPath:  ".githooks",
		},
		{
			name: "absolute core.hooksPath",
			setup: func(r *repo) string {
				r.git("config", "core.hooksPath", filepath.Join(r.dir, "abs-hooks"))
				return r.dir
			},
			wantHooks: func(r *repo) string { return filepath.Join(r.dir, "abs-hooks") },
		},
		{
			name: "core.hooksPath with ~ expands to HOME",
			setup: func(r *repo) string {
				r.git("config", "core.hooksPath", "~/global-hooks")
				return r.dir
			},
			wantHooks: func(r *repo) string {
				for _, kv := range r.env {
					if h, ok := strings.CutPrefix(kv, "HOME="); ok {
						return filepath.Join(h, "global-hooks")
					}
				}
				return ""
			},
		},
		{
			name: "linked worktree uses the common git directory",
			setup: func(r *repo) string {
				wt := filepath.Join(t.TempDir(), "wt")
				r.git("worktree", "add", "-q", wt)
				return wt
			},
			wantHooks: func(r *repo) string { return filepath.Join(r.dir, ".git", "hooks") },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t)
			dir := tt.setup(r)
			loc, err := Locate(ctx, r.g(), dir)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.wantHooks(r)
			if realpathOrSelf(loc.HooksDir) != realpathOrSelf(want) {
				t.Errorf("HooksDir = %s, want %s", loc.HooksDir, want)
			}
			if tt.wantPath != "" && loc.HooksPath != tt.wantPath {
				t.Errorf("HooksPath = %q, want %q", loc.HooksPath, tt.wantPath)
			}
			if loc.HookFile() != filepath.Join(loc.HooksDir, "pre-commit") {
				t.Errorf("HookFile = %s", loc.HookFile())
			}
		})
	}
}

// realpathOrSelf resolves symlinks in the longest existing prefix (the
// hooks directory may not exist yet; /tmp may be a symlink).
func realpathOrSelf(p string) string {
	dir, rest := p, ""
	for {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return p
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

func TestLocateRefusesWhatIsNotAWorkTree(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	bare := filepath.Join(t.TempDir(), "bare.git")
	r.git("init", "-q", "--bare", bare)
	for name, dir := range map[string]string{
		"not a repository": t.TempDir(),
		"bare repository":  bare,
		"git directory":    filepath.Join(r.dir, ".git"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Locate(ctx, r.g(), dir)
			if !errors.Is(err, ErrNotRepository) {
				t.Fatalf("err = %v, want ErrNotRepository", err)
			}
		})
	}
	t.Run("git missing", func(t *testing.T) {
		_, err := Locate(ctx, Git{Path: filepath.Join(t.TempDir(), "no-git")}, r.dir)
		if err == nil || errors.Is(err, ErrNotRepository) {
			t.Fatalf("err = %v, want a failure to run git", err)
		}
	})
}

func TestInstallUninstall(t *testing.T) {
	ctx := context.Background()
	const foreign = "#!/bin/sh\necho someone else's hook\n"

	t.Run("fresh install then uninstall leaves nothing", func(t *testing.T) {
		r := newRepo(t)
		res, err := Install(ctx, r.g(), r.dir, Options{Binary: "/opt/pretense"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Updated || res.BackedUp != "" {
			t.Errorf("fresh install reported %+v", res)
		}
		info, err := os.Stat(res.HookFile())
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o111 == 0 {
			t.Errorf("hook mode %v is not executable", info.Mode())
		}
		owned, _, _ := inspect(res.HookFile())
		if !owned {
			t.Error("installed hook is not recognised as ours")
		}
		rm, err := Uninstall(ctx, r.g(), r.dir)
		if err != nil {
			t.Fatal(err)
		}
		if !rm.Removed || rm.Restored != "" || rm.Foreign {
			t.Errorf("uninstall reported %+v", rm)
		}
		assertNoHookFiles(t, res.HooksDir)
	})

	t.Run("reinstall updates its own hook without force", func(t *testing.T) {
		r := newRepo(t)
		if _, err := Install(ctx, r.g(), r.dir, Options{}); err != nil {
			t.Fatal(err)
		}
		res, err := Install(ctx, r.g(), r.dir, Options{PHIMode: "strict"})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Updated {
			t.Error("second install did not report an update")
		}
		b, _ := os.ReadFile(res.HookFile())
		if !strings.Contains(string(b), "scan --staged --phi-mode=strict") {
			t.Errorf("updated hook lacks the phi mode:\n%s", b)
		}
	})

	t.Run("foreign hook is refused and left byte-identical", func(t *testing.T) {
		r := newRepo(t)
		hookFile := filepath.Join(r.dir, ".git", "hooks", "pre-commit")
		write(t, hookFile, foreign, 0o755)
		_, err := Install(ctx, r.g(), r.dir, Options{})
		if !errors.Is(err, ErrForeignHook) {
			t.Fatalf("err = %v, want ErrForeignHook", err)
		}
		assertContent(t, hookFile, foreign)
		rm, err := Uninstall(ctx, r.g(), r.dir)
		if err != nil {
			t.Fatal(err)
		}
		if !rm.Foreign || rm.Removed {
			t.Errorf("uninstall of a foreign hook reported %+v", rm)
		}
		assertContent(t, hookFile, foreign)
	})

	t.Run("force backs the foreign hook up and uninstall restores it", func(t *testing.T) {
		r := newRepo(t)
		hookFile := filepath.Join(r.dir, ".git", "hooks", "pre-commit")
		write(t, hookFile, foreign, 0o750)
		res, err := Install(ctx, r.g(), r.dir, Options{Force: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.BackedUp != hookFile+backupSuffix {
			t.Errorf("BackedUp = %q", res.BackedUp)
		}
		assertContent(t, res.BackedUp, foreign)
		if owned, _, _ := inspect(hookFile); !owned {
			t.Error("forced install did not write our hook")
		}
		// A second forced install replaces only our own hook: the backup
		// of the user's hook must survive it.
		if _, err := Install(ctx, r.g(), r.dir, Options{Force: true}); err != nil {
			t.Fatal(err)
		}
		assertContent(t, res.BackedUp, foreign)
		rm, err := Uninstall(ctx, r.g(), r.dir)
		if err != nil {
			t.Fatal(err)
		}
		if !rm.Removed || rm.Restored != hookFile {
			t.Errorf("uninstall reported %+v", rm)
		}
		assertContent(t, hookFile, foreign)
		info, _ := os.Stat(hookFile)
		if info.Mode().Perm() != 0o750 {
			t.Errorf("restored hook mode %v, want 0750", info.Mode().Perm())
		}
		if _, err := os.Lstat(res.BackedUp); !os.IsNotExist(err) {
			t.Errorf("backup still there after restore: %v", err)
		}
	})

	t.Run("the hook manager that owns a foreign hook is named", func(t *testing.T) {
		for _, tc := range []struct{ content, want string }{
			{"#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n", "pre-commit"},
			{"#!/usr/bin/env sh\n. \"$(dirname -- \"$0\")/_/husky.sh\"\n", "husky"},
			{"#!/bin/sh\ncall_lefthook run \"pre-commit\" \"$@\"\n", "lefthook"},
			{foreign, ""},
		} {
			r := newRepo(t)
			write(t, filepath.Join(r.dir, ".git", "hooks", "pre-commit"), tc.content, 0o755)
			_, err := Install(ctx, r.g(), r.dir, Options{})
			var fe *ForeignHookError
			if !errors.As(err, &fe) || !errors.Is(err, ErrForeignHook) || fe.Manager != tc.want {
				t.Errorf("hook %q: err %v, want manager %q", tc.content, err, tc.want)
			}
		}
	})

	t.Run("force refuses to overwrite an earlier backup", func(t *testing.T) {
		r := newRepo(t)
		hookFile := filepath.Join(r.dir, ".git", "hooks", "pre-commit")
		write(t, hookFile, foreign, 0o755)
		write(t, hookFile+backupSuffix, "#!/bin/sh\n# older\n", 0o755)
		_, err := Install(ctx, r.g(), r.dir, Options{Force: true})
		if !errors.Is(err, ErrBackupExists) {
			t.Fatalf("err = %v, want ErrBackupExists", err)
		}
		assertContent(t, hookFile, foreign)
		assertContent(t, hookFile+backupSuffix, "#!/bin/sh\n# older\n")
	})

	t.Run("a symlinked hook is never ours", func(t *testing.T) {
		r := newRepo(t)
		target := filepath.Join(t.TempDir(), "shared-hook")
		write(t, target, string(Script(Options{})), 0o755) // even with our marker
		hookFile := filepath.Join(r.dir, ".git", "hooks", "pre-commit")
		if err := os.Symlink(target, hookFile); err != nil {
			t.Fatal(err)
		}
		if _, err := Install(ctx, r.g(), r.dir, Options{}); !errors.Is(err, ErrForeignHook) {
			t.Fatalf("err = %v, want ErrForeignHook", err)
		}
		rm, err := Uninstall(ctx, r.g(), r.dir)
		if err != nil || !rm.Foreign {
			t.Fatalf("uninstall: %+v, %v", rm, err)
		}
		if fi, err := os.Lstat(hookFile); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("symlink was touched: %v", err)
		}
	})

	t.Run("uninstall with nothing installed does nothing", func(t *testing.T) {
		r := newRepo(t)
		rm, err := Uninstall(ctx, r.g(), r.dir)
		if err != nil {
			t.Fatal(err)
		}
		if rm.Removed || rm.Foreign || rm.Restored != "" {
			t.Errorf("uninstall reported %+v", rm)
		}
	})

	t.Run("core.hooksPath directory is created", func(t *testing.T) {
		r := newRepo(t)
		r.git("config", "core.hooksPath", "tools/hooks")
		res, err := Install(ctx, r.g(), r.dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(r.dir, "tools", "hooks", "pre-commit"); realpathOrSelf(res.HookFile()) != realpathOrSelf(want) {
			t.Errorf("hook at %s, want %s", res.HookFile(), want)
		}
	})

	t.Run("bad phi mode", func(t *testing.T) {
		r := newRepo(t)
		if _, err := Install(ctx, r.g(), r.dir, Options{PHIMode: "loud"}); err == nil {
			t.Fatal("want an error for phi mode loud")
		}
		assertNoHookFiles(t, filepath.Join(r.dir, ".git", "hooks"))
	})
}

func assertContent(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("%s = %q, want %q", path, b, want)
	}
}

// assertNoHookFiles checks that only git's own samples are left.
func assertNoHookFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sample") {
			t.Errorf("left behind in %s: %s", dir, e.Name())
		}
	}
}

// fakePretense writes an executable that stands in for pretense: it prints
// its arguments and exits with code.
func fakePretense(t *testing.T, dir string, code int) string {
	t.Helper()
	p := filepath.Join(dir, "pretense")
	write(t, p, "#!/bin/sh\necho \"fake pretense $*\"\nexit "+string(rune('0'+code))+"\n", 0o755)
	return p
}

// fakeLean writes a stand-in for pretense-scan beside fakePretense's.
func fakeLean(t *testing.T, dir string, code int) {
	t.Helper()
	write(t, filepath.Join(dir, "pretense-scan"), "#!/bin/sh\necho \"fake pretense-scan $*\"\nexit "+string(rune('0'+code))+"\n", 0o755)
}

// TestHookScriptInGitCommit runs git commit with the installed hook and a
// stand-in for pretense, so what git does with each exit code is checked
// without depending on the scanner.
func TestHookScriptInGitCommit(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		code       int    // what the stand-in exits with
		binary     string // "fake", "missing" (fall back to PATH) or "nowhere"
		phi        string
		wantCommit bool
		wantOut    []string
	}{
		{name: "clean scan lets the commit through", code: 0, binary: "fake", wantCommit: true, wantOut: []string{"fake pretense scan --staged"}},
		{name: "findings refuse the commit with advice", code: 1, binary: "fake", wantOut: []string{"commit refused", "pretense:allow", ".pretenseignore", "baseline"}},
		{name: "a failed scan refuses the commit", code: 3, binary: "fake", wantOut: []string{"the scan failed (exit 3)"}},
		{name: "phi mode is passed", code: 0, binary: "fake", phi: "strict", wantCommit: true, wantOut: []string{"scan --staged --phi-mode=strict"}},
		{name: "missing binary falls back to PATH", code: 0, binary: "missing", wantCommit: true, wantOut: []string{"fake pretense scan --staged"}},
		{name: "no binary anywhere refuses the commit", binary: "nowhere", wantOut: []string{"cannot find the pretense binary"}},
		{name: "pretense-scan beside the binary runs instead", code: 0, binary: "fake+lean", phi: "standard", wantCommit: true, wantOut: []string{"fake pretense-scan --staged --phi-mode=standard"}},
		{name: "pretense-scan findings refuse the commit", code: 1, binary: "fake+lean", wantOut: []string{"fake pretense-scan --staged", "commit refused"}},
		{name: "pretense-scan beside the PATH fallback", code: 0, binary: "missing+lean", wantCommit: true, wantOut: []string{"fake pretense-scan --staged"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t)
			bin := t.TempDir()
			onPath := t.TempDir()
			opts := Options{PHIMode: tt.phi}
			switch tt.binary {
			case "fake":
				opts.Binary = fakePretense(t, bin, tt.code)
			case "missing":
				opts.Binary = filepath.Join(bin, "gone", "pretense")
				fakePretense(t, onPath, tt.code)
			case "nowhere":
				opts.Binary = filepath.Join(bin, "gone", "pretense")
			case "fake+lean":
				opts.Binary = fakePretense(t, bin, tt.code)
				fakeLean(t, bin, tt.code)
			case "missing+lean":
				opts.Binary = filepath.Join(bin, "gone", "pretense")
				fakePretense(t, onPath, tt.code)
				fakeLean(t, onPath, tt.code)
			}
			// PATH keeps git and sh reachable but holds no real pretense.
			r.env = append(withoutPath(r.env), "PATH="+onPath+string(os.PathListSeparator)+systemPath(t))
			if _, err := Install(ctx, r.g(), r.dir, opts); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(r.dir, "file.txt"), "hello\n", 0o644)
			r.git("add", "file.txt")
			before := strings.TrimSpace(r.git("rev-parse", "HEAD"))
			out, err := r.try(r.dir, "commit", "-m", "add file")
			after := strings.TrimSpace(r.git("rev-parse", "HEAD"))
			committed := before != after
			if committed != tt.wantCommit {
				t.Fatalf("committed = %v (err %v), want %v\n%s", committed, err, tt.wantCommit, out)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func withoutPath(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "PATH=") {
			out = append(out, kv)
		}
	}
	return out
}

// systemPath is a PATH with git and sh but, unless the machine put one
// there, no pretense.
func systemPath(t *testing.T) string {
	t.Helper()
	var dirs []string
	for _, tool := range []string{"git", "sh", "cat"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatalf("%s is not installed", tool)
		}
		dirs = append(dirs, filepath.Dir(realpath(t, p)), filepath.Dir(p))
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pretense")); err == nil {
			t.Fatalf("%s holds a pretense binary; the PATH fallback test needs a PATH without one", d)
		}
	}
	return strings.Join(dirs, string(os.PathListSeparator))
}

// TestScriptShellcheck lints every variant of the hook script.
func TestScriptShellcheck(t *testing.T) {
	sc := testtool.Need(t, "apt-get install shellcheck", "shellcheck")
	for _, opts := range []Options{
		{},
		{Binary: "/usr/local/bin/pretense", PHIMode: "standard"},
		{Binary: "/odd path/it's here/pretense", PHIMode: "strict", Baseline: "ci/base line.json"},
	} {
		f := filepath.Join(t.TempDir(), "pre-commit")
		write(t, f, string(Script(opts)), 0o755)
		cmd := exec.Command(sc, "--shell=sh", f)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("shellcheck %+v: %v\n%s", opts, err, out)
		}
	}
}

// TestScriptQuoting runs the script with awkward binary and baseline paths
// and checks the stand-in receives them intact.
func TestScriptQuoting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), `odd $dir "it's" `+"`x`")
	bin := filepath.Join(dir, "pretense")
	write(t, bin, "#!/bin/sh\nfor a in \"$@\"; do echo \"arg[$a]\"; done\n", 0o755)
	f := filepath.Join(t.TempDir(), "pre-commit")
	write(t, f, string(Script(Options{Binary: bin, Baseline: `base $(line)'s.json`})), 0o755)
	out, err := exec.Command("sh", f).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "arg[scan]\narg[--staged]\narg[--baseline]\narg[base $(line)'s.json]\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// FuzzShellQuote checks that any string survives quoting through sh.
func FuzzShellQuote(f *testing.F) {
	for _, s := range []string{"", "plain", "it's", `a"b`, "$(x)", "`y`", "a\nb", `\`, "'''"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, 0) {
			return // no argument can hold NUL
		}
		out, err := exec.Command("sh", "-c", "printf '%s' "+shellQuote(s)).Output()
		if err != nil {
			t.Fatalf("sh: %v", err)
		}
		if string(out) != s {
			t.Fatalf("round trip %q -> %q", s, out)
		}
	})
}

// BenchmarkInstall measures reinstalling the hook: three git invocations
// to locate it, one atomic write.
func BenchmarkInstall(b *testing.B) {
	dir := b.TempDir()
	env := benchEnv(b)
	g := Git{Env: env}
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		b.Fatalf("git init: %v\n%s", err, out)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Install(ctx, g, dir, Options{Binary: "/usr/local/bin/pretense"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScript measures rendering the hook text.
func BenchmarkScript(b *testing.B) {
	opts := Options{Binary: "/usr/local/bin/pretense", PHIMode: "strict", Baseline: "ci/baseline.json"}
	b.ReportAllocs()
	for b.Loop() {
		if len(Script(opts)) == 0 {
			b.Fatal("empty script")
		}
	}
}

func benchEnv(b *testing.B) []string {
	b.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return append(env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
}
