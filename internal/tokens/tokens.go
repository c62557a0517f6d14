// Package tokens keeps the proxy's client tokens: one random bearer token
// per user and device, of which only a SHA-256 hash is stored, in one JSON
// file under $PRETENSE_HOME (mode 0600, replaced atomically).
//
// Tokens carry 256 random bits, so an unsalted SHA-256 is enough to make a
// stolen file useless (as for GitHub's and Stripe's stored API keys); a slow
// password hash would only cost CPU on every request. Lookups compare the
// presented token's hash with every stored hash in constant time.
package tokens

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofrs/flock"
)

// FileName is the token file's name under $PRETENSE_HOME.
const FileName = "proxy-tokens.json"

// Prefix starts every token, so a leaked one is recognisable.
const Prefix = "pxt_"

// maxFileBytes bounds the token file: a few hundred bytes per user.
const maxFileBytes = 8 << 20

// maxUserLen bounds a user name (an e-mail address or a certificate name).
const maxUserLen = 256

// Token is one stored token: who it belongs to and the hash of its value.
type Token struct {
	ID      string    `json:"id"`   // tok_<hex>, shown by list; not a secret
	User    string    `json:"user"` // as given to create
	Hash    string    `json:"sha256"`
	Created time.Time `json:"created"`
}

// file is the on-disk shape.
type file struct {
	Version int     `json:"version"`
	Tokens  []Token `json:"tokens"`
}

// Set is a parsed token file. Its zero value holds no tokens.
type Set struct {
	tokens []Token
	sums   [][sha256.Size]byte
}

// Len is the number of tokens.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.tokens)
}

// Tokens returns a copy of the stored tokens, oldest first.
func (s *Set) Tokens() []Token {
	if s == nil {
		return nil
	}
	return slices.Clone(s.tokens)
}

// Lookup returns the user a presented token belongs to. It hashes the
// token and compares the hash with every stored one, without an early
// exit, so the time taken does not tell how much of a hash matched.
func (s *Set) Lookup(token string) (string, bool) {
	if s == nil || !strings.HasPrefix(token, Prefix) {
		return "", false
	}
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range s.sums {
		if subtle.ConstantTimeCompare(sum[:], s.sums[i][:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return "", false
	}
	return s.tokens[found].User, true
}

// Parse reads a token file. Unknown fields, a bad hash, a duplicate id or
// an invalid user name are errors: a file the proxy cannot fully trust
// must not half-load.
func Parse(data []byte) (*Set, error) {
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("token file is larger than %d bytes", maxFileBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &Set{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("token file: trailing data after the JSON object")
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("token file: version %d, want 1", f.Version)
	}
	s := &Set{tokens: f.Tokens, sums: make([][sha256.Size]byte, len(f.Tokens))}
	ids := make(map[string]bool, len(f.Tokens))
	for i, t := range f.Tokens {
		if err := ValidUser(t.User); err != nil {
			return nil, fmt.Errorf("token file: token %d: %w", i+1, err)
		}
		if !validID(t.ID) || ids[t.ID] {
			return nil, fmt.Errorf("token file: token %d: missing, malformed or duplicate id", i+1)
		}
		ids[t.ID] = true
		if len(t.Hash) != 2*sha256.Size {
			return nil, fmt.Errorf("token file: token %s: sha256 must be %d hex digits", t.ID, 2*sha256.Size)
		}
		if _, err := hex.Decode(s.sums[i][:], []byte(t.Hash)); err != nil {
			return nil, fmt.Errorf("token file: token %s: sha256: %w", t.ID, err)
		}
	}
	return s, nil
}

// ValidUser reports whether name can be a user: printable, no spaces or
// control characters (it lands in audit entries and reports), at most 256
// bytes.
func ValidUser(name string) error {
	if name == "" {
		return errors.New("user name is empty")
	}
	if len(name) > maxUserLen {
		return fmt.Errorf("user name is longer than %d bytes", maxUserLen)
	}
	if !utf8.ValidString(name) {
		return errors.New("user name is not valid UTF-8")
	}
	for _, r := range name {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return fmt.Errorf("user name contains %U; use an e-mail address or another name without spaces", r)
		}
	}
	return nil
}

func validID(id string) bool {
	if !strings.HasPrefix(id, "tok_") || len(id) != 4+16 {
		return false
	}
	_, err := hex.DecodeString(id[4:])
	return err == nil
}

// Load reads the token file at path. A missing file is an empty set.
func Load(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Set{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read token file: %w", err)
	}
	s, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Create adds a new token for user to the file at path and returns the
// token. The token itself is never stored.
func Create(path, user string) (string, Token, error) {
	if err := ValidUser(user); err != nil {
		return "", Token{}, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", Token{}, fmt.Errorf("generate token: %w", err)
	}
	tok := Prefix + base64.RawURLEncoding.EncodeToString(raw)
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return "", Token{}, fmt.Errorf("generate token id: %w", err)
	}
	sum := sha256.Sum256([]byte(tok))
	t := Token{ID: "tok_" + hex.EncodeToString(id), User: user, Hash: hex.EncodeToString(sum[:]), Created: time.Now().UTC().Truncate(time.Second)}
	err := update(path, func(ts []Token) ([]Token, error) { return append(ts, t), nil })
	if err != nil {
		return "", Token{}, err
	}
	return tok, t, nil
}

// Revoke removes every token of user and returns how many it removed.
func Revoke(path, user string) (int, error) {
	n := 0
	err := update(path, func(ts []Token) ([]Token, error) {
		kept := ts[:0]
		for _, t := range ts {
			if t.User == user {
				n++
				continue
			}
			kept = append(kept, t)
		}
		return kept, nil
	})
	return n, err
}

// update rewrites the file under an exclusive lock (several admins or
// scripts may run create at once) by writing a temporary file in the same
// directory and renaming it over the old one, so a reader sees the old or
// the new file, never half of one.
func update(path string, change func([]Token) ([]Token, error)) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	lock := flock.New(path + ".lock")
	if err := lock.Lock(); err != nil {
		return fmt.Errorf("lock token file: %w", err)
	}
	defer lock.Unlock()
	s, err := Load(path)
	if err != nil {
		return err
	}
	ts, err := change(s.Tokens())
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(file{Version: 1, Tokens: ts}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode token file: %w", err)
	}
	data = append(data, '\n')
	tmp, err := os.CreateTemp(dir, ".proxy-tokens-*")
	if err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write token file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write token file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write token file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace token file: %w", err)
	}
	return nil
}
