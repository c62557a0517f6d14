package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hookTestRepo makes a git repository with no system or user config and
// no GIT_* variable from a surrounding hook, and returns its directory.
func hookTestRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is not installed: pretense hook drives the git command line")
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "GIT_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	if err := os.WriteFile(cfg, []byte("[user]\n\tname = T\n\temail = t@example.invalid\n[init]\n\tdefaultBranch = main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	return dir
}

func runHook(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"hook"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func fakeExe(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pretense")
	if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func readHook(t *testing.T, repo string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, ".git", "hooks", "pre-commit"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHookInstallCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     func(repo, exe string) []string
		wantHook []string
	}{
		{
			name:     "defaults",
			args:     func(repo, exe string) []string { return []string{"--dir", repo, "--binary", exe} },
			wantHook: []string{"# pretense-managed-hook v1", "want='EXE'", `"$pretense" scan --staged` + "\n"},
		},
		{
			name:     "bare --phi-mode means standard",
			args:     func(repo, exe string) []string { return []string{"--dir", repo, "--binary", exe, "--phi-mode"} },
			wantHook: []string{"scan --staged --phi-mode=standard\n"},
		},
		{
			name:     "--phi-mode=strict",
			args:     func(repo, exe string) []string { return []string{"--dir", repo, "--binary", exe, "--phi-mode=strict"} },
			wantHook: []string{"scan --staged --phi-mode=strict\n"},
		},
		{
			name: "--baseline inside the repository is stored relative to its top",
			args: func(repo, exe string) []string {
				return []string{"--dir", repo, "--binary", exe, "--baseline", filepath.Join(repo, "ci", "baseline.json")}
			},
			wantHook: []string{"scan --staged --baseline 'ci/baseline.json'\n", "add it to the baseline ci/baseline.json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := hookTestRepo(t)
			exe := fakeExe(t)
			code, out, errs := runHook(t, append([]string{"install"}, tt.args(repo, exe)...)...)
			if code != ExitClean {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
			if !strings.Contains(out, "pre-commit hook installed: ") {
				t.Errorf("stdout = %q", out)
			}
			hook := readHook(t, repo)
			for _, w := range tt.wantHook {
				w = strings.ReplaceAll(w, "EXE", exe)
				if !strings.Contains(hook, w) {
					t.Errorf("hook lacks %q:\n%s", w, hook)
				}
			}
		})
	}
}

func TestHookInstallDefaultBinary(t *testing.T) {
	repo := hookTestRepo(t)
	code, out, errs := runHook(t, "install", "--dir", repo)
	if code != ExitClean {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	want, note := "want='"+exe+"'", ""
	if isGoRunBuild(exe) {
		// The test binary itself lives in a go-build directory.
		want, note = "want=''", "temporary 'go run' build"
	}
	if hook := readHook(t, repo); !strings.Contains(hook, want) {
		t.Errorf("hook lacks %q:\n%s", want, hook)
	}
	if !strings.Contains(errs, note) {
		t.Errorf("stderr %q lacks %q", errs, note)
	}
}

func TestHookCommandConflictsAndErrors(t *testing.T) {
	const foreign = "#!/bin/sh\nexit 0\n"
	repo := hookTestRepo(t)
	exe := fakeExe(t)
	hookFile := filepath.Join(repo, ".git", "hooks", "pre-commit")
	if err := os.MkdirAll(filepath.Dir(hookFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hookFile, []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
		wantHook string // "" = ours
	}{
		{"foreign hook refused", []string{"install", "--dir", repo, "--binary", exe}, ExitUsage, "", "pretense hook install --force", foreign},
		{"uninstall leaves a foreign hook", []string{"uninstall", "--dir", repo}, ExitClean, "was not written by pretense; left it in place", "", foreign},
		{"force keeps a backup", []string{"install", "--dir", repo, "--binary", exe, "--force"}, ExitClean, "the previous hook is kept at " + hookFile + ".pretense-backup", "", ""},
		{"reinstall updates", []string{"install", "--dir", repo, "--binary", exe}, ExitClean, "pre-commit hook updated", "", ""},
		{"uninstall restores the backup", []string{"uninstall", "--dir", repo}, ExitClean, "restored the previous hook at " + hookFile, "", foreign},
		{"uninstall again is a no-op", []string{"uninstall", "--dir", repo}, ExitClean, "was not written by pretense", "", foreign},
		{"not a repository", []string{"install", "--dir", t.TempDir(), "--binary", exe}, ExitUsage, "", "not inside a git work tree", foreign},
		{"missing --binary", []string{"install", "--dir", repo, "--binary", filepath.Join(t.TempDir(), "nope"), "--force"}, ExitUsage, "", "--binary", foreign},
		{"bad --phi-mode", []string{"install", "--dir", repo, "--binary", exe, "--phi-mode=loud", "--force"}, ExitUsage, "", "loud", foreign},
	}
	for _, s := range steps {
		code, out, errs := runHook(t, s.args...)
		if code != s.wantCode {
			t.Fatalf("%s: exit %d, want %d\n%s%s", s.name, code, s.wantCode, out, errs)
		}
		if !strings.Contains(out, s.wantOut) || !strings.Contains(errs, s.wantErr) {
			t.Errorf("%s: stdout %q (want %q), stderr %q (want %q)", s.name, out, s.wantOut, errs, s.wantErr)
		}
		got := readHook(t, repo)
		if s.wantHook == "" && !strings.Contains(got, "# pretense-managed-hook v1") || s.wantHook != "" && got != s.wantHook {
			t.Errorf("%s: hook is now %q", s.name, got)
		}
	}
	// A repository where nothing was ever installed.
	code, out, _ := runHook(t, "uninstall", "--dir", hookTestRepo(t))
	if code != ExitClean || !strings.Contains(out, "nothing to do") {
		t.Errorf("uninstall in a fresh repo: exit %d, %q", code, out)
	}
}

func TestHookInstallSharedHooksPath(t *testing.T) {
	repo := hookTestRepo(t)
	shared := t.TempDir()
	if out, err := exec.Command("git", "-C", repo, "config", "core.hooksPath", shared).CombinedOutput(); err != nil {
		t.Fatalf("git config: %v\n%s", err, out)
	}
	code, out, errs := runHook(t, "install", "--dir", repo, "--binary", fakeExe(t))
	if code != ExitClean {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"core.hooksPath is " + shared, "every repository that uses it now runs the hook"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(shared, "pre-commit")); err != nil {
		t.Errorf("hook not in the shared directory: %v", err)
	}
}

func TestHookInstallOverPreCommitFramework(t *testing.T) {
	repo := hookTestRepo(t)
	hookFile := filepath.Join(repo, ".git", "hooks", "pre-commit")
	if err := os.MkdirAll(filepath.Dir(hookFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hookFile, []byte("#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runHook(t, "install", "--dir", repo, "--binary", fakeExe(t))
	if code != ExitUsage || !strings.Contains(errs, "it is pre-commit's") || !strings.Contains(errs, ".pre-commit-config.yaml") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func TestIsGoRunBuild(t *testing.T) {
	tmp := os.TempDir()
	tests := []struct {
		path string
		want bool
	}{
		{filepath.Join(tmp, "go-build123456", "b001", "exe", "pretense"), true},
		{filepath.Join(tmp, "go-build9", "pretense"), true},
		{filepath.Join(tmp, "bin", "pretense"), false},
		{"/usr/local/bin/pretense", false},
		{filepath.Join(tmp+"-other", "go-build1", "pretense"), false},
	}
	for _, tt := range tests {
		if got := isGoRunBuild(tt.path); got != tt.want {
			t.Errorf("isGoRunBuild(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
