package scanner

import (
	"os"
	"path/filepath"
	"testing"

	formatcfg "github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/pretense/pretense/internal/gitobj"
)

// core.excludesFile comes from the repository, then ~/.gitconfig, then the
// XDG configuration, as git lets them override each other.
func TestExcludesFileScopes(t *testing.T) {
	tests := []struct {
		name            string
		repo, home, xdg string // core.excludesFile set in each ("" none)
		xdgUnset        bool
		want            string // relative to home
	}{
		{name: "none", want: ".config/git/ignore"},
		{name: "repo", repo: "r", home: "h", xdg: "x", want: "r"},
		{name: "home over xdg", home: "h", xdg: "x", want: "h"},
		{name: "xdg", xdg: "x", want: "x"},
		{name: "xdg default dir", xdg: "x", xdgUnset: true, want: "x"},
		{name: "unparsable home config skipped", xdg: "x", home: "\x00bad", want: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			xdg := filepath.Join(home, ".config")
			if tt.xdgUnset {
				t.Setenv("XDG_CONFIG_HOME", "")
			} else {
				xdg = filepath.Join(home, "xdg")
				t.Setenv("XDG_CONFIG_HOME", xdg)
			}
			write := func(f, v string) {
				if v == "" {
					return
				}
				body := "[core]\n\texcludesFile = " + filepath.Join(home, v) + "\n"
				if v[0] == 0 {
					body = "[core\n" // not a configuration file
				}
				if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write(filepath.Join(home, ".gitconfig"), tt.home)
			write(filepath.Join(xdg, "git", "config"), tt.xdg)
			repo := &gitobj.Repo{Config: formatcfg.New()}
			if tt.repo != "" {
				repo.Config.Section("core").SetOption("excludesfile", filepath.Join(home, tt.repo))
			}
			want := filepath.Join(home, tt.want)
			if tt.want == ".config/git/ignore" && !tt.xdgUnset {
				want = filepath.Join(xdg, "git", "ignore")
			}
			if got := excludesFile(repo); got != want {
				t.Errorf("excludesFile = %q, want %q", got, want)
			}
		})
	}
}
