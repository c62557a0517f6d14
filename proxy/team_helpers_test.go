package proxy

import (
	"path/filepath"
	"testing"

	"github.com/pretense/pretense/internal/tokens"
)

// emptyTokens is a token store with no tokens, in a temporary directory.
func emptyTokens(t testing.TB) *tokens.Watcher {
	t.Helper()
	w, err := tokens.NewWatcher(filepath.Join(t.TempDir(), tokens.FileName))
	if err != nil {
		t.Fatal(err)
	}
	return w
}
