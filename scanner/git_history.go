package scanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ignore "github.com/sabhiram/go-gitignore"
	"golang.org/x/sync/errgroup"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/rules"
)

// fullHistory scans every commit reachable from any ref: the pack pass,
// then the in-memory walk, then attribution.
func fullHistory(ctx context.Context, g *gitRepo, rs *rules.Ruleset, opts Options, whole bool) (*Result, error) {
	objs, err := g.objects(opts)
	if err != nil {
		return nil, err
	}
	defer objs.Close()
	h, err := packScan(ctx, g, objs, rs, opts, whole)
	if err != nil {
		return nil, err
	}
	tips, err := h.s.tips()
	if err != nil {
		return nil, err
	}
	shallow := g.shallowIDs()
	commits, err := h.s.reachable(ctx, tips, shallow)
	if err != nil {
		return nil, err
	}
	return h.finish(ctx, commits, shallow)
}

// packScan runs the pack pass over objs and returns the scan state for
// the walk.
func packScan(ctx context.Context, g *gitRepo, objs *gitobj.Store, rs *rules.Ruleset, opts Options, whole bool) (*historyScan, error) {
	tab := newObjTable(1 << 16)
	packs, err := loadPacks(objs, tab)
	if err != nil {
		return nil, err
	}
	// The entry tables serve the pass only: the walk reads single objects.
	defer func() {
		for _, p := range packs {
			p.Unload()
		}
	}()
	s := newStore(g, objs, tab)
	pp := &packPass{s: s, objOpts: objs.Options(), rs: rs, fp: opts.Fingerprinter,
		maxSize: opts.maxSize(), opts: opts, whole: whole, cache: newRegionCache()}
	if err := pp.run(ctx, packs); err != nil {
		return nil, err
	}
	h := &historyScan{g: g, s: s, rs: rs, opts: opts}
	h.scanned.Add(pp.scanned.Load())
	h.bytes.Add(pp.bytes.Load())
	return h, nil
}

// largeRange is the number of commits above which a range scan is done
// with the pack pass: reading that many trees and blobs one by one costs
// more than one pass over everything.
const largeRange = 1500

// rangeHistory scans the commits of a range, reading objects on demand.
func rangeHistory(ctx context.Context, g *gitRepo, scope GitScope, rs *rules.Ruleset, opts Options, large int) (*Result, error) {
	baseRev, tipRev := scope.Since, "HEAD"
	if scope.Range != "" {
		var ok bool
		baseRev, tipRev, ok = strings.Cut(scope.Range, "..")
		if !ok || strings.HasPrefix(tipRev, ".") || baseRev == "" {
			return nil, fmt.Errorf("range %q: want A..B: %w", scope.Range, ErrBadRevision)
		}
		if tipRev == "" {
			tipRev = "HEAD"
		}
	}
	objs, err := g.objects(opts)
	if err != nil {
		return nil, err
	}
	defer objs.Close()
	s := newStore(g, objs, newObjTable(1024))
	shallow := g.shallowIDs()
	tip, err := g.resolve(s, tipRev, shallow)
	if err != nil {
		return nil, err
	}
	base, err := g.resolve(s, baseRev, shallow)
	if err != nil {
		return nil, err
	}
	commits, err := s.between(ctx, base, tip, shallow)
	if err != nil {
		return nil, err
	}
	if len(commits) > large {
		h, err := packScan(ctx, g, objs, rs, opts, false)
		if err != nil {
			return nil, err
		}
		ids := make([]uint32, len(commits))
		for i, c := range commits {
			ids[i] = h.s.id(s.tab.hash(c))
		}
		h.ranged = true
		return h.finish(ctx, ids, shallow)
	}
	h := &historyScan{g: g, s: s, rs: rs, opts: opts, ranged: true}
	return h.finish(ctx, commits, shallow)
}

// shallowIDs returns the shallow boundary of the repository.
func (g *gitRepo) shallowIDs() map[gitobj.Hash]bool { return g.shallow() }

// resolve turns a revision into a commit id. In a shallow clone, a
// revision that names a missing commit (or does not resolve at all) is a
// ShallowError: more history must be fetched.
func (g *gitRepo) resolve(s *store, rev string, shallow map[gitobj.Hash]bool) (uint32, error) {
	h, err := g.repo.Resolve(s.rd, rev)
	if err != nil {
		var oe *gitobj.Error
		if shallow == nil && errors.As(err, &oe) {
			return 0, objectError(oe.Hash, "commit", err)
		}
		if shallow != nil {
			return 0, &ShallowError{Rev: rev}
		}
		return 0, fmt.Errorf("%q: %w", rev, ErrBadRevision)
	}
	id, ok, err := s.peel(h)
	if err != nil {
		var oe *ObjectError
		if shallow != nil && errors.As(err, &oe) {
			return 0, &ShallowError{Rev: rev}
		}
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%q does not name a commit: %w", rev, ErrBadRevision)
	}
	return id, nil
}

// historyScan is the walk, blob reading and attribution shared by the
// whole-history and range scans.
type historyScan struct {
	g       *gitRepo
	s       *store
	rs      *rules.Ruleset
	opts    Options
	scanned atomic.Int64
	bytes   atomic.Int64
	// ranged reports only the unreadable objects the range needed; a
	// full-history scan reports every one it met.
	ranged bool
}

// content returns a blob's bytes; one that cannot be read is recorded.
func (h *historyScan) content(id uint32) ([]byte, error) {
	b, err := h.s.readRaw(id, gitobj.Blob, "blob")
	if err != nil {
		return nil, h.s.fail(id, "blob", err)
	}
	return b, nil
}

// finish diffs commits, reads and scans the blobs they introduced that
// the pack pass did not, and attributes the matches. Objects that cannot
// be read are recorded as the walk meets them and listed in
// Result.Unreadable, with every finding the rest of the history gave.
func (h *historyScan) finish(ctx context.Context, commits []uint32, shallow map[gitobj.Hash]bool) (*Result, error) {
	s := h.s
	d := &differ{s: s, want: func(b uint32) bool { return s.status[b] != blobClean }}
	for i, c := range commits {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err := d.diffCommit(c, shallow); err != nil {
			return nil, err
		}
	}
	// Read what the pack pass did not: loose objects, range blobs.
	var need []uint32
	queued := map[uint32]bool{}
	for _, in := range d.intros {
		if st := s.status[in.blob]; (st == blobUnknown || st == blobDeferred) && !queued[in.blob] {
			queued[in.blob] = true
			need = append(need, in.blob)
		}
	}
	if err := h.readBlobs(ctx, need); err != nil {
		return nil, err
	}
	res := &Result{}
	skipSeen := map[uint32]bool{}
	excluded := h.g.pathFilter(h.opts)
	for _, in := range d.intros {
		if s.status[in.blob] == blobUnreadable {
			// Named even under an ignored path: the scan is incomplete.
			s.locate(in.blob, in.commit, in.path)
		}
		if excluded(in.path) {
			continue
		}
		switch s.status[in.blob] {
		case blobSkipped:
			if !skipSeen[in.blob] {
				skipSeen[in.blob] = true
				res.Skipped = append(res.Skipped, Skipped{
					Path:   shortHash(s.tab.hash(in.commit)) + ":" + in.path,
					Reason: s.info(in.blob).skip,
				})
			}
		case blobFound:
			fs, err := h.attribute(ctx, in)
			if err != nil {
				return nil, err
			}
			res.Findings = append(res.Findings, fs...)
		}
	}
	res.Findings = h.firstIntroductions(res.Findings)
	for p := range d.submodules {
		if !excluded(p) {
			res.Skipped = append(res.Skipped, Skipped{Path: p, Reason: "submodule: a pointer to another repository, not followed"})
		}
	}
	res.FilesScanned = int(h.scanned.Load())
	res.BytesScanned = h.bytes.Load()
	res.Unreadable = s.unreadable(h.ranged)
	res.Sort()
	return res, nil
}

// attribute reports the matches of in.blob whose value is new at this
// introduction. A parent's version that cannot be read counts as holding
// nothing: its matches are reported here rather than lost.
func (h *historyScan) attribute(ctx context.Context, in intro) ([]finding.Finding, error) {
	s := h.s
	old := in.old
	if in.deleted != nil && len(in.old) == 0 && len(*in.deleted) > 0 {
		old = s.deletedBlobs(*in.deleted, in.commit)
	}
	var unknown []uint32
	for _, o := range old {
		if st := s.status[o]; st == blobUnknown || st == blobDeferred {
			unknown = append(unknown, o)
		}
	}
	if err := h.readBlobs(ctx, unknown); err != nil {
		return nil, err
	}
	prev := map[string]bool{}
	for _, o := range old {
		for _, v := range s.info(o).values() {
			prev[v] = true
		}
	}
	c, err := s.commit(in.commit)
	if err != nil {
		return nil, err
	}
	commit := s.tab.hash(in.commit).String()
	date := c.when.Format(time.RFC3339)
	var out []finding.Finding
	var olds [][]byte // read on first need
	for _, f := range s.info(in.blob).findings {
		if prev[f.Secret] {
			continue
		}
		// The parents' match sets say most of it; the bytes decide: a value
		// present in a parent's version is not new even where the rules,
		// seeing different surroundings, did not match it there.
		if olds == nil && len(old) > 0 {
			olds = make([][]byte, 0, len(old))
			for _, o := range old {
				if st := s.status[o]; st == blobSkipped || st == blobUnreadable {
					continue
				}
				b, err := h.content(o)
				if err != nil {
					s.locate(o, in.commit, in.path)
					continue
				}
				olds = append(olds, b)
			}
		}
		present := false
		for _, b := range olds {
			if bytes.Contains(b, []byte(f.Secret)) {
				present = true
				break
			}
		}
		if present {
			prev[f.Secret] = true
			continue
		}
		f.Path, f.Commit, f.Date = in.path, commit, date
		out = append(out, f)
	}
	return out, nil
}

// readBlobs reads and scans blobs with a pool of workers, each with its
// own object reader. A blob that cannot be read is recorded, not fatal.
func (h *historyScan) readBlobs(ctx context.Context, ids []uint32) error {
	if len(ids) == 0 {
		return nil
	}
	s := h.s
	workers := min(h.opts.workers(), len(ids))
	g, ctx := errgroup.WithContext(ctx)
	next := make(chan uint32)
	g.Go(func() error {
		defer close(next)
		for _, id := range ids {
			select {
			case next <- id:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	var mu sync.Mutex
	type result struct {
		id  uint32
		st  uint8
		bi  *blobInfo
		err error
	}
	var results []result
	for range workers {
		g.Go(func() error {
			rd := s.objs.NewReader()
			var local []result
			for id := range next {
				st, bi, err := h.readBlob(rd, s.tab.hash(id))
				local = append(local, result{id, st, bi, err})
			}
			mu.Lock()
			results = append(results, local...)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, r := range results {
		if r.err != nil {
			s.fail(r.id, "blob", r.err)
			s.setInfo(r.id, blobUnreadable, nil)
			continue
		}
		s.setInfo(r.id, r.st, r.bi)
	}
	return nil
}

func (h *historyScan) readBlob(rd *gitobj.Reader, hash gitobj.Hash) (uint8, *blobInfo, error) {
	size, err := rd.Size(hash)
	if err != nil {
		return 0, nil, err
	}
	if size > h.opts.maxSize() {
		// Skipped on its size and head alone: the pack index must be
		// sound. The head tells binary from text left unscanned.
		if err := rd.CheckIndexes(); err != nil {
			return 0, nil, err
		}
		_, _, head, err := rd.Head(hash, sniffLen)
		if err != nil {
			return 0, nil, err
		}
		why := oversize(head, size)
		if why == "binary" {
			// A binary skip passes the scan, so the head it judged must
			// be the committed blob's: Head checks no id, Verify streams
			// every byte through it.
			if err := rd.Verify(hash); err != nil {
				return 0, nil, err
			}
		}
		return blobSkipped, &blobInfo{skip: why}, nil
	}
	data, err := readObject(rd, hash, gitobj.Blob, "blob")
	if err != nil {
		return 0, nil, err
	}
	h.bytes.Add(int64(len(data)))
	if lfsPointer(data) != "" {
		content, why, err := lfsContent(h.opts.lfsStore, data, h.opts.maxSize())
		if err != nil || why != "" {
			return blobSkipped, &blobInfo{skip: why}, err
		}
		h.bytes.Add(int64(len(content)))
		data = content
	}
	if isBinary(data) {
		text, ok := utf16Text(data)
		if !ok {
			return blobSkipped, &blobInfo{skip: "binary"}, nil
		}
		data = text
	}
	h.scanned.Add(1)
	ms := h.rs.Scan(data)
	if len(ms) == 0 {
		return blobClean, nil, nil
	}
	return blobFound, &blobInfo{findings: rules.Findings(data, ms, "", h.opts.Fingerprinter)}, nil
}

// pathFilter returns what a git scan leaves out: the path patterns of the
// work tree's root .pretenseignore (its fingerprint: lines are handled by
// the caller) and opts.Ignore, matched against repository paths. A bare
// repository has only opts.Ignore.
func (g *gitRepo) pathFilter(opts Options) func(string) bool {
	if opts.PathFilter != nil {
		return opts.PathFilter
	}
	lines := slices.Clone(opts.Ignore)
	if wt := g.repo.WorkTree; wt != "" {
		if raw, err := os.ReadFile(filepath.Join(wt, IgnoreFile)); err == nil {
			for _, l := range strings.Split(string(raw), "\n") {
				if !isFingerprintLine(l) {
					lines = append(lines, l)
				}
			}
		}
	}
	if len(lines) == 0 {
		return func(string) bool { return false }
	}
	gi := ignore.CompileIgnoreLines(lines...)
	return gi.MatchesPath
}

// firstIntroductions keeps, for each secret (rule and value) at each path,
// only the findings of the commit that introduced it first (earliest author
// date, then commit id): the same secret cherry-picked onto other branches,
// or deleted and added back, is one secret to rotate, reported once. Its
// other lines in that commit stay, each is a place to clean.
func (h *historyScan) firstIntroductions(fs []finding.Finding) []finding.Finding {
	type key struct{ rule, value, path string }
	type first struct {
		when   time.Time
		commit string
	}
	best := map[key]first{}
	whenOf := map[string]time.Time{}
	for _, f := range fs {
		w, ok := whenOf[f.Commit]
		if !ok {
			if t, err := time.Parse(time.RFC3339, f.Date); err == nil {
				w = t
			}
			whenOf[f.Commit] = w
		}
		k := key{f.RuleID, f.Secret, f.Path}
		b, seen := best[k]
		if !seen || w.Before(b.when) || w.Equal(b.when) && f.Commit < b.commit {
			best[k] = first{w, f.Commit}
		}
	}
	out := fs[:0]
	for _, f := range fs {
		if best[key{f.RuleID, f.Secret, f.Path}].commit == f.Commit {
			out = append(out, f)
		}
	}
	return out
}
