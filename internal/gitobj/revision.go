package gitobj

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
)

// ErrBadRevision is returned for a revision that names no object, or
// more than one (an ambiguous abbreviated id).
var ErrBadRevision = errors.New("unknown revision")

// Resolve turns a revision into an object id, as git rev-parse does for
// the forms a scan is given: a full or abbreviated id, a reference name
// (HEAD, main, v1.0, origin/main, refs/…; looked up in git's order:
// refs/, refs/tags/, refs/heads/, refs/remotes/, refs/remotes/<x>/HEAD),
// followed by any number of ~N, ^N and ^{}/^{commit} suffixes.
func (r *Repo) Resolve(rd *Reader, rev string) (Hash, error) {
	base, ops := rev, ""
	if i := strings.IndexAny(rev, "~^"); i >= 0 {
		base, ops = rev[:i], rev[i:]
	}
	if base == "@" {
		base = "HEAD"
	}
	if base == "" {
		return Hash{}, fmt.Errorf("%q: %w", rev, ErrBadRevision)
	}
	h, err := r.resolveName(rd, base)
	if err != nil {
		return Hash{}, fmt.Errorf("%q: %w", rev, err)
	}
	for ops != "" {
		op := ops[0]
		ops = ops[1:]
		if op == '^' && strings.HasPrefix(ops, "{") {
			end := strings.IndexByte(ops, '}')
			if end < 0 {
				return Hash{}, fmt.Errorf("%q: %w", rev, ErrBadRevision)
			}
			switch ops[1:end] {
			case "", "commit":
				if h, err = peelCommit(rd, h); err != nil {
					return Hash{}, fmt.Errorf("%q: %w", rev, err)
				}
			default:
				return Hash{}, fmt.Errorf("%q: ^{%s} is not supported: %w", rev, ops[1:end], ErrBadRevision)
			}
			ops = ops[end+1:]
			continue
		}
		k := 0
		for k < len(ops) && ops[k] >= '0' && ops[k] <= '9' {
			k++
		}
		n := 1
		if k > 0 {
			v, err := strconv.Atoi(ops[:k])
			if err != nil {
				return Hash{}, fmt.Errorf("%q: %w", rev, ErrBadRevision)
			}
			n = v
		}
		ops = ops[k:]
		if h, err = peelCommit(rd, h); err != nil {
			return Hash{}, fmt.Errorf("%q: %w", rev, err)
		}
		if op == '^' {
			if n == 0 {
				continue // X^0 is the commit itself
			}
			ps, err := parents(rd, h)
			if err != nil {
				return Hash{}, fmt.Errorf("%q: %w", rev, err)
			}
			if n > len(ps) {
				return Hash{}, fmt.Errorf("%q: commit has %d parents: %w", rev, len(ps), ErrBadRevision)
			}
			h = ps[n-1]
			continue
		}
		for range n { // ~n: n first parents
			ps, err := parents(rd, h)
			if err != nil {
				return Hash{}, fmt.Errorf("%q: %w", rev, err)
			}
			if len(ps) == 0 {
				return Hash{}, fmt.Errorf("%q: history ends before that: %w", rev, ErrBadRevision)
			}
			h = ps[0]
		}
	}
	return h, nil
}

// resolveName resolves the part of a revision before any suffix.
func (r *Repo) resolveName(rd *Reader, name string) (Hash, error) {
	if h, ok := r.parseID(name); ok {
		return h, nil
	}
	if validRefName(name) {
		var cands []string
		if strings.HasPrefix(name, "refs/") || isRootRef(name) {
			cands = append(cands, name)
		}
		cands = append(cands, "refs/"+name, "refs/tags/"+name, "refs/heads/"+name, "refs/remotes/"+name, "refs/remotes/"+name+"/HEAD")
		for _, full := range cands {
			h, err := r.Ref(full)
			if err == nil {
				return h, nil
			}
			if !errors.Is(err, ErrRefNotFound) {
				return Hash{}, err
			}
		}
	}
	if len(name) >= 4 && len(name) < 2*r.Format.Size() && isHex(name) {
		hs, err := rd.s.prefixed(strings.ToLower(name), 2)
		if err != nil {
			return Hash{}, err
		}
		switch len(hs) {
		case 1:
			return hs[0], nil
		case 2:
			return Hash{}, fmt.Errorf("abbreviated id is ambiguous: %w", ErrBadRevision)
		}
	}
	return Hash{}, ErrBadRevision
}

// validRefName rejects what git-check-ref-format rejects that could
// escape the refs directory or never name a ref.
func validRefName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".lock") ||
		strings.Contains(name, "..") || strings.Contains(name, "//") || strings.Contains(name, "@{") {
		return false
	}
	for _, c := range []byte(name) {
		if c < 0x20 || c == 0x7f || strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return false
		}
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return false
		}
	}
	return true
}

// isRootRef reports the names git looks up as they are at the top of
// the git directory (HEAD, FETCH_HEAD, ORIG_HEAD, …).
func isRootRef(name string) bool {
	for _, c := range name {
		if (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return strings.HasSuffix(name, "HEAD")
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// peelCommit follows annotated tags from h to a commit.
func peelCommit(rd *Reader, h Hash) (Hash, error) {
	f := rd.s.opts.Format
	for range 16 {
		t, raw, err := rd.Object(h)
		if err != nil {
			return Hash{}, err
		}
		switch t {
		case Commit:
			return h, nil
		case Tag:
			if h, err = f.ParseTag(raw); err != nil {
				return Hash{}, err
			}
		default:
			return Hash{}, fmt.Errorf("%s is a %s, not a commit: %w", h, t, ErrBadRevision)
		}
	}
	return Hash{}, fmt.Errorf("tags nested too deep: %w", ErrBadRevision)
}

func parents(rd *Reader, h Hash) ([]Hash, error) {
	_, raw, err := rd.Object(h)
	if err != nil {
		return nil, err
	}
	c, err := rd.s.opts.Format.ParseCommit(raw)
	if err != nil {
		return nil, &Error{Hash: h, Err: err}
	}
	return c.Parents, nil
}

// prefixed returns up to limit ids of objects in s (and its alternates)
// whose hexadecimal form starts with prefix (lowercase, at least two
// digits).
func (s *Store) prefixed(prefix string, limit int) (_ []Hash, err error) {
	defer catchFault(debug.SetPanicOnFault(true), Hash{}, &err)
	var out []Hash
	add := func(h Hash) {
		for _, o := range out {
			if o == h {
				return
			}
		}
		out = append(out, h)
	}
	first, err := hex.DecodeString(prefix[:2])
	if err != nil {
		return nil, ErrBadRevision
	}
	for _, p := range s.packs {
		x := p.idx
		lo := 0
		if first[0] > 0 {
			lo = int(binary.BigEndian.Uint32(x.fan[(int(first[0])-1)*4:]))
		}
		hi := int(binary.BigEndian.Uint32(x.fan[int(first[0])*4:]))
		for i := lo; i < hi && len(out) < limit; i++ {
			if strings.HasPrefix(hex.EncodeToString(x.name(i)), prefix) {
				h, _ := NewHash(x.name(i))
				add(h)
			}
		}
	}
	dir := path.Join(s.objDir, prefix[:2])
	if ents, err := s.fs.ReadDir(dir); err == nil {
		for _, e := range ents {
			if len(out) >= limit {
				break
			}
			if h, ok := ParseHash(prefix[:2] + e.Name()); ok && h.Size() == s.opts.Format.Size() && strings.HasPrefix(h.String(), prefix) {
				add(h)
			}
		}
	}
	for _, a := range s.alts {
		hs, err := a.prefixed(prefix, limit)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			if len(out) < limit {
				add(h)
			}
		}
	}
	return out, nil
}
