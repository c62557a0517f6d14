package tokens

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// Watcher holds the current token set of one file and reloads it when the
// file changes, so a revocation takes effect on the next request. A stat
// per call costs about a microsecond; a reload only happens when the
// file's identity, size or modification time moved. Reload forces one
// (SIGHUP).
type Watcher struct {
	path string

	mu  sync.Mutex
	set *Set
	err error // last load error; see fail
	fi  os.FileInfo
}

// NewWatcher loads path once and returns a Watcher for it.
func NewWatcher(path string) (*Watcher, error) {
	w := &Watcher{path: path}
	if err := w.Reload(); err != nil {
		return nil, err
	}
	return w, nil
}

// Path is the watched file.
func (w *Watcher) Path() string { return w.path }

// Reload reads the file now.
func (w *Watcher) Reload() error {
	fi, err := os.Stat(w.path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return w.fail(fmt.Errorf("stat token file: %w", err))
	}
	s, err := Load(w.path)
	if err != nil {
		return w.fail(err)
	}
	w.mu.Lock()
	w.set, w.err, w.fi = s, nil, fi
	w.mu.Unlock()
	return nil
}

// fail records a load error. The proxy fails closed on it: a token file
// that cannot be read authenticates nobody (a half-written or corrupted
// file must not keep revoked tokens alive), and /ready reports it.
func (w *Watcher) fail(err error) error {
	w.mu.Lock()
	w.set, w.err, w.fi = nil, err, nil
	w.mu.Unlock()
	return err
}

// Current returns the token set, reloading it first if the file changed.
// With an error the set is nil: nobody authenticates by token.
func (w *Watcher) Current() (*Set, error) {
	fi, err := os.Stat(w.path)
	w.mu.Lock()
	changed := !sameFile(w.fi, fi, err)
	if !changed {
		s, e := w.set, w.err
		w.mu.Unlock()
		return s, e
	}
	w.mu.Unlock()
	if err := w.Reload(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.set, w.err
}

// Err is the last load error, if any.
func (w *Watcher) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func sameFile(old, cur os.FileInfo, statErr error) bool {
	if statErr != nil {
		// Missing then and now: nothing changed. Any other stat error
		// forces a reload, which records it.
		return old == nil && errors.Is(statErr, os.ErrNotExist)
	}
	if old == nil {
		return false
	}
	return os.SameFile(old, cur) && old.Size() == cur.Size() && old.ModTime().Equal(cur.ModTime())
}
