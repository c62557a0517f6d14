package mutate

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ErrKey marks every problem with the mutation key. Callers map it to a
// configuration error (exit 2); there is never an unkeyed fallback.
var ErrKey = errors.New("mutation key")

// minKeyLen is the shortest key accepted, in bytes.
const minKeyLen = 16

// KeyFile is the name of the key file inside PRETENSE_HOME.
const KeyFile = "key"

// LoadKey returns the project key. A non-empty envKey (PRETENSE_KEY) wins;
// it is hex-decoded when it is valid hex of at least 16 bytes and used raw
// otherwise. Without it the key is read from <home>/key, which is created
// with mode 0600 and 32 random bytes (hex-encoded) on first use. A key file
// that exists but cannot be read, is empty, is not a regular file or is
// readable by group or others is an error wrapping [ErrKey].
func LoadKey(home, envKey string) ([]byte, error) {
	if envKey != "" {
		return parseKey(envKey, "PRETENSE_KEY")
	}
	if home == "" {
		return nil, fmt.Errorf("%w: no PRETENSE_HOME directory and no PRETENSE_KEY", ErrKey)
	}
	path := filepath.Join(home, KeyFile)
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKeyFile(home, path)
	}
	return key, err
}

func parseKey(s, source string) ([]byte, error) {
	t := strings.TrimSpace(s)
	if b, err := hex.DecodeString(t); err == nil && len(b) >= minKeyLen {
		return b, nil
	}
	if len(t) < minKeyLen {
		return nil, fmt.Errorf("%w: %s is %d bytes, want at least %d (or %d hex digits)", ErrKey, source, len(t), minKeyLen, 2*minKeyLen)
	}
	return []byte(t), nil
}

func readKeyFile(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: stat %s: %v", ErrKey, path, err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		// Follow the link but check what it points at.
		if fi, err = os.Stat(path); err != nil {
			return nil, fmt.Errorf("%w: key file %s is a dangling link: %v", ErrKey, path, err)
		}
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: key file %s is not a regular file", ErrKey, path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: key file %s has mode %04o, want 0600", ErrKey, path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: read key file: %v", ErrKey, err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, fmt.Errorf("%w: key file %s is empty", ErrKey, path)
	}
	return parseKey(string(b), "key file "+path)
}

func createKeyFile(home, path string) ([]byte, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("%w: create %s: %v", ErrKey, home, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("%w: generate key: %v", ErrKey, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another process won the race; use its key.
		return readKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: create key file: %v", ErrKey, err)
	}
	_, werr := f.WriteString(hex.EncodeToString(raw) + "\n")
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(path)
		return nil, fmt.Errorf("%w: write key file %s: %v", ErrKey, path, errors.Join(werr, cerr))
	}
	return raw, nil
}
