package tokens

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCreateLookupRevoke(t *testing.T) {
	path := filepath.Join(t.TempDir(), "home", FileName)
	alice, _, err := Create(path, "alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	bob, bt, err := Create(path, "bob@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(alice, Prefix) || alice == bob {
		t.Fatalf("tokens %q %q", alice, bob)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), alice) || strings.Contains(string(data), bob) {
		t.Fatal("the token file holds a token, not only its hash")
	}
	sum := sha256.Sum256([]byte(bob))
	if bt.Hash != hex.EncodeToString(sum[:]) || !strings.Contains(string(data), bt.Hash) {
		t.Fatal("stored hash is not SHA-256 of the token")
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("token file mode %v, want 0600", fi.Mode().Perm())
		}
	}
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tok, user string
		ok        bool
	}{
		{alice, "alice@example.org", true},
		{bob, "bob@example.org", true},
		{alice + "x", "", false},
		{alice[:len(alice)-1], "", false},
		{"", "", false},
		{strings.TrimPrefix(alice, Prefix), "", false},
	} {
		u, ok := s.Lookup(tc.tok)
		if u != tc.user || ok != tc.ok {
			t.Errorf("Lookup(%d-byte token) = %q, %v; want %q, %v", len(tc.tok), u, ok, tc.user, tc.ok)
		}
	}
	n, err := Revoke(path, "alice@example.org")
	if err != nil || n != 1 {
		t.Fatalf("revoke: %d, %v", n, err)
	}
	s, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Lookup(alice); ok {
		t.Error("revoked token still accepted")
	}
	if u, ok := s.Lookup(bob); !ok || u != "bob@example.org" {
		t.Error("revoking alice revoked bob")
	}
	if n, _ := Revoke(path, "nobody"); n != 0 {
		t.Errorf("revoke unknown user removed %d", n)
	}
}

func TestCreateConcurrentKeepsEveryToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	var wg sync.WaitGroup
	toks := make([]string, 8)
	for i := range toks {
		wg.Go(func() {
			tok, _, err := Create(path, "user"+string(rune('a'+i)))
			if err != nil {
				t.Error(err)
			}
			toks[i] = tok
		})
	}
	wg.Wait()
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != len(toks) {
		t.Fatalf("%d tokens stored, want %d (a concurrent create was lost)", s.Len(), len(toks))
	}
	for _, tok := range toks {
		if _, ok := s.Lookup(tok); !ok {
			t.Error("a created token does not authenticate")
		}
	}
}

func TestParseRejects(t *testing.T) {
	good := `{"version":1,"tokens":[{"id":"tok_0123456789abcdef","user":"a@b","sha256":"` + strings.Repeat("ab", 32) + `","created":"2026-01-02T03:04:05Z"}]}`
	if _, err := Parse([]byte(good)); err != nil {
		t.Fatalf("good file: %v", err)
	}
	for name, in := range map[string]string{
		"version":       strings.Replace(good, `"version":1`, `"version":2`, 1),
		"unknown field": strings.Replace(good, `"version":1`, `"version":1,"x":1`, 1),
		"short hash":    strings.Replace(good, strings.Repeat("ab", 32), "abab", 1),
		"non-hex hash":  strings.Replace(good, strings.Repeat("ab", 32), strings.Repeat("zz", 32), 1),
		"bad id":        strings.Replace(good, "tok_0123456789abcdef", "tok_x", 1),
		"space in user": strings.Replace(good, `"a@b"`, `"a b"`, 1),
		"empty user":    strings.Replace(good, `"a@b"`, `""`, 1),
		"control user":  strings.Replace(good, `"a@b"`, `"a\u0007b"`, 1),
		"trailing":      good + "{}",
		"not json":      "version=1",
		"duplicate id":  strings.Replace(good, `]}`, `,{"id":"tok_0123456789abcdef","user":"c@d","sha256":"`+strings.Repeat("cd", 32)+`","created":"2026-01-02T03:04:05Z"}]}`, 1),
	} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%s: parsed, want an error", name)
		}
	}
	if s, err := Parse(nil); err != nil || s.Len() != 0 {
		t.Errorf("empty file: %v, %d tokens", err, s.Len())
	}
}

func TestWatcherSeesRevocationAndFailsClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	w, err := NewWatcher(path)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := w.Current(); err != nil || s.Len() != 0 {
		t.Fatalf("missing file: %v %d", err, s.Len())
	}
	tok, _, err := Create(path, "carol")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := w.Current()
	if u, ok := s.Lookup(tok); !ok || u != "carol" {
		t.Fatal("watcher did not pick up a new token")
	}
	if _, err := Revoke(path, "carol"); err != nil {
		t.Fatal(err)
	}
	s, _ = w.Current()
	if _, ok := s.Lookup(tok); ok {
		t.Fatal("watcher still accepts a revoked token")
	}
	// A corrupt file authenticates nobody and is reported.
	if _, _, err := Create(path, "dave"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	if err := os.WriteFile(path, []byte("{garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = w.Current()
	if err == nil || s.Len() != 0 || w.Err() == nil {
		t.Fatalf("corrupt file: set %d, err %v", s.Len(), err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version":1,"tokens":[{"id":"tok_0123456789abcdef","user":"a@b","sha256":"` + strings.Repeat("ab", 32) + `","created":"2026-01-02T03:04:05Z"}]}`))
	f.Add([]byte(`{"version":1,"tokens":[]}`))
	f.Add([]byte(``))
	f.Add([]byte(`{"version":1,"tokens":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		for _, tok := range s.Tokens() {
			if ValidUser(tok.User) != nil || len(tok.Hash) != 64 {
				t.Fatalf("parsed an invalid token %+v", tok)
			}
		}
		// Nothing without the prefix ever authenticates.
		if _, ok := s.Lookup(string(data)); ok && !strings.HasPrefix(string(data), Prefix) {
			t.Fatal("lookup accepted a token without the prefix")
		}
	})
}
