package mutate

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestLoadKeyCreatesPrivateFile(t *testing.T) {
	home := filepath.Join(t.TempDir(), "nested", ".pretense")
	k1, err := LoadKey(home, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != 32 {
		t.Errorf("new key is %d bytes, want 32", len(k1))
	}
	fi, err := os.Stat(filepath.Join(home, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", fi.Mode().Perm())
	}
	k2, err := LoadKey(home, "")
	if err != nil || !bytes.Equal(k1, k2) {
		t.Errorf("second load gave a different key (err %v)", err)
	}
	// The env key wins over the file.
	env := strings.Repeat("ab", 32)
	k3, err := LoadKey(home, env)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := hex.DecodeString(env)
	if !bytes.Equal(k3, want) {
		t.Error("PRETENSE_KEY (hex) not used")
	}
	raw := "a team passphrase that is long enough"
	if k4, err := LoadKey("", raw); err != nil || string(k4) != raw {
		t.Errorf("raw PRETENSE_KEY: %q %v", k4, err)
	}
}

func TestLoadKeyErrors(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions")
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, home string)
		env   string
		want  string
	}{
		{"wrong mode", func(t *testing.T, home string) {
			writeKey(t, home, strings.Repeat("cd", 32), 0o644)
		}, "", "mode 0644"},
		{"group readable", func(t *testing.T, home string) {
			writeKey(t, home, strings.Repeat("cd", 32), 0o640)
		}, "", "want 0600"},
		{"empty", func(t *testing.T, home string) {
			writeKey(t, home, "\n", 0o600)
		}, "", "is empty"},
		{"too short", func(t *testing.T, home string) {
			writeKey(t, home, "abc", 0o600)
		}, "", "at least 16"},
		{"a directory", func(t *testing.T, home string) {
			if err := os.MkdirAll(filepath.Join(home, KeyFile), 0o700); err != nil {
				t.Fatal(err)
			}
		}, "", "not a regular file"},
		{"dangling link", func(t *testing.T, home string) {
			if err := os.Symlink(filepath.Join(home, "gone"), filepath.Join(home, KeyFile)); err != nil {
				t.Fatal(err)
			}
		}, "", "dangling"},
		{"home cannot be created", nil, "", "create"}, // its parent is a regular file
		{"short env key", nil, "tooshort", "PRETENSE_KEY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home := filepath.Join(t.TempDir(), "home")
			if tc.name == "home cannot be created" {
				parent := filepath.Join(t.TempDir(), "file")
				os.WriteFile(parent, []byte("x"), 0o600)
				home = filepath.Join(parent, "home")
			} else if err := os.MkdirAll(home, 0o700); err != nil {
				t.Fatal(err)
			}
			if tc.setup != nil {
				tc.setup(t, home)
			}
			key, err := LoadKey(home, tc.env)
			if err == nil {
				t.Fatalf("got key %x, want an error", key)
			}
			if !errors.Is(err, ErrKey) {
				t.Errorf("error %v does not wrap ErrKey", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
	if _, err := LoadKey("", ""); !errors.Is(err, ErrKey) {
		t.Errorf("no home and no env key: %v", err)
	}
}

func writeKey(t *testing.T, home, content string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(home, KeyFile)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // umask may have trimmed it
		t.Fatal(err)
	}
}
