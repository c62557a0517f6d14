package scanner

// Git scanning: whole history, commit ranges and the index.
//
// # Design
//
// gitleaks and trufflehog run `git log -p` and scan every added line of
// every commit: the cost is a line diff per file per commit. Scanning each
// unique blob once instead is cheaper, but on a real history the blobs are
// large in total (SQLAlchemy: 87k blobs, 4.5 GB uncompressed, 115 MB packed)
// — scanning 4.5 GB is slower than gitleaks. So the whole-history scan
// (GitHistory with no range) goes one step further and works on the pack
// itself:
//
//  1. One pass over every packfile (git_pack.go, reading the packs through
//     internal/gitobj) resolves deltas the way
//     `git index-pack` does: a depth-first walk over each delta tree, so every
//     object is inflated once and rebuilt from its base still in memory, with
//     no object cache. Commits and trees are parsed into compact in-memory
//     tables (object ids, interned names). A blob stored whole is scanned
//     whole; a blob stored as a delta is scanned only on the lines its delta
//     inserted (plus the line before each), because every other byte was
//     copied from its base and was scanned there. The values found in the base
//     are then looked up (a plain substring search) in the child, so each blob
//     ends with its complete set of matches, with line numbers in that blob.
//     The same inserted lines recur across delta families (branches,
//     backports), so the rules' result per region is cached by a hash of its
//     text for the length of the scan.
//     Delta trees are independent, so the pass runs on Options.Workers
//     goroutines, each with its own zlib state and buffers (a worker hands a
//     subtree of a large family to an idle one); the pack is read with pread
//     (ReadAt), which is safe to share.
//  2. The commit graph is walked in memory: each commit's tree is diffed
//     against its parents' by hash (equal subtree hashes are skipped, so a
//     commit costs what it changed). A (path, blob) pair that differs from
//     every parent is an introduction; merges therefore introduce only what
//     neither side had, and produce no duplicates.
//  3. Attribution: a match in a blob is reported at an introduction of that
//     blob when its value is absent from the blob the path held in every
//     parent (and, for an added path, from the blobs the same commit
//     deleted, which is what a rename looks like). So each secret is reported
//     once, at the commit that introduced it, with the line number in that
//     commit's version; a secret added and deleted later is still found; a
//     renamed file repeats nothing.
//
// Objects not in a pack (loose objects, alternates) and blobs whose delta
// base was skipped are read one by one (gitobj.Reader), by workers that
// each have their own reader.
//
// Every object is checked before it is used (zlib checksum, object id,
// declared sizes; see internal/gitobj). One that cannot be read does not
// stop the scan: it is recorded (store.fail) with the file it came from
// and, when the walk meets it, the commit and path; the scan goes on
// around it, counting an unreadable parent version as empty so that it
// reports more rather than less, and returns it in Result.Unreadable,
// which the CLI turns into exit 3 after the report.
//
// Ranges (--range, --since-commit) usually touch few commits, so they skip
// the pack pass and read just the trees and blobs they need straight from
// the pack index and packs (gitobj.Reader), scanning
// introduced blobs whole (and a parent's version only when the new one has
// a match); a range of more than largeRange commits uses the pack pass.
// --staged compares the index with HEAD's tree without touching the work
// tree (never Worktree.Status, which hashes every file).
//
// Measured on SQLAlchemy (24,062 commits from all refs, 86,856 blobs,
// 4.5 GB unpacked, 115 MB packed; 2 CPUs): the whole history in about
// 5.6 CPU-seconds and 3.0 s wall, 175 MB peak RSS, against 53 CPU-seconds,
// 28.5 s and 245 MB for gitleaks 8.30 in the same run;
// --staged with ten staged files in 60 ms including process start. The
// findings equal those of scanning every blob whole (checked on that
// history, and by TestGitPackRegionsMatchWholeScan).
// bench/bench.sh reproduces the comparison. Those figures predate the
// object id checks, which hash every rebuilt object (SHA-1 over the 4.5 GB)
// and add about a third to the CPU time (docs/git-scanning.md).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/rules"
)

// ErrNotGitRepo is returned when the path is not inside a git repository.
var ErrNotGitRepo = errors.New("not a git repository")

// ErrBadRevision is returned when a range end or --since-commit ref does not
// resolve.
var ErrBadRevision = errors.New("unknown revision")

// ShallowError reports a range whose base is missing from a shallow clone:
// scanning on would silently pass over commits.
type ShallowError struct {
	Rev string
}

func (e *ShallowError) Error() string {
	return fmt.Sprintf("commit %s is not in this shallow clone", e.Rev)
}

// ObjectError reports a missing or corrupt git object, naming it, the
// file it was read from and, when the walk knows it, the commit and path
// it belongs to.
type ObjectError struct {
	Hash   string
	What   string // "commit", "tree", "blob", …
	File   string // pack or loose file, relative to the git directory
	Commit string // a commit the object belongs to ("" when not known)
	Path   string // its path in that commit
	Err    error
}

func (e *ObjectError) Error() string {
	var b strings.Builder
	if e.Hash == "" {
		b.WriteString(e.What)
	} else {
		fmt.Fprintf(&b, "%s object %s", e.What, e.Hash)
	}
	if e.File != "" {
		fmt.Fprintf(&b, " in %s", e.File)
	}
	switch {
	case e.Commit != "" && e.Path != "":
		fmt.Fprintf(&b, " (%.12s:%s)", e.Commit, e.Path)
	case e.Commit != "" && e.Commit != e.Hash:
		fmt.Fprintf(&b, " (commit %.12s)", e.Commit)
	case e.Path != "":
		// A staged blob: its path in the index.
		fmt.Fprintf(&b, " (%s)", e.Path)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *ObjectError) Unwrap() error { return e.Err }

// GitScope selects the commits of a history scan.
type GitScope struct {
	// Range is "A..B": commits reachable from B and not from A. Empty
	// means every commit reachable from any ref (and HEAD).
	Range string
	// Since is a ref: commits after it up to HEAD (same as "Since..HEAD").
	Since string
}

// GitHistory scans the commits scope selects in the repository at path
// (a work tree, a subdirectory of one, a linked worktree or a bare
// repository). Each finding carries the commit that introduced it, its
// author date, and the path and line in that commit's version.
func GitHistory(ctx context.Context, path string, scope GitScope, rs *rules.Ruleset, opts Options) (*Result, error) {
	repo, err := openRepo(path)
	if err != nil {
		return nil, err
	}
	opts.lfsStore = lfsStoreDir(repo.repo)
	if scope.Range == "" && scope.Since == "" {
		return fullHistory(ctx, repo, rs, opts, false)
	}
	return rangeHistory(ctx, repo, scope, rs, opts, largeRange)
}

// gitRepo is an opened repository. It is read with internal/gitobj,
// whose ids are 20 or 32 bytes as the repository's object format says, so
// SHA-1 and SHA-256 repositories go through the same code.
type gitRepo struct {
	repo *gitobj.Repo
	path string // as given
}

func openRepo(path string) (*gitRepo, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: %w", path, ErrNotFound)
	}
	r, err := gitobj.OpenRepo(path)
	if err != nil {
		if errors.Is(err, gitobj.ErrNoRepo) {
			abs, _ := filepath.Abs(path)
			return nil, fmt.Errorf("%s: %w (no .git found here or in any parent directory)", abs, ErrNotGitRepo)
		}
		return nil, fmt.Errorf("open repository %s: %w", path, err)
	}
	return &gitRepo{repo: r, path: path}, nil
}

// objects opens the repository's object database. Objects above the
// reader's limit are refused before anything is allocated for them; the
// limit follows the largest blob the scan reads (with room for the delta
// that rebuilds it) and is never below what any real tree or commit needs.
func (g *gitRepo) objects(opts Options) (*gitobj.Store, error) {
	limit := opts.maxSize()
	floor := int64(minObjectLimit)
	if opts.objectLimit > 0 {
		floor = opts.objectLimit
	}
	limit = max(limit+min(limit/32, 1<<40), floor)
	if limit < 0 { // overflowed: no blob limit
		limit = 1 << 62
	}
	s, err := g.repo.Objects(gitobj.Options{MaxSize: limit})
	if err != nil {
		return nil, objectError(gitobj.Hash{}, "object store", err)
	}
	return s, nil
}

// minObjectLimit is the object size always allowed (trees and commits of
// real repositories are far smaller).
const minObjectLimit = 64 << 20

// shallow returns the shallow boundary commits (nil for a full clone).
func (g *gitRepo) shallow() map[gitobj.Hash]bool {
	hs, err := g.repo.Shallow()
	if err != nil || len(hs) == 0 {
		return nil
	}
	m := make(map[gitobj.Hash]bool, len(hs))
	for _, h := range hs {
		m[h] = true
	}
	return m
}
