package suppress

import (
	"path"
	"strings"
)

// Paths matches repository-relative paths against gitignore-syntax
// patterns, each rooted at the directory of the file that holds it. Later
// patterns win over earlier ones, so add them in git's order of priority:
// core.excludesFile, .git/info/exclude, then .gitignore files from the root
// down.
// Patterns follow git's rules (dir.c): a pattern without a slash matches
// a name at any depth below its directory, one with a slash is anchored to
// it, a trailing slash matches directories only, "!" re-includes, and the
// last matching pattern decides. A path is matched as itself only: a walk
// that prunes excluded directories (as git does) gets git's answer for
// everything below them.
//
// Paths is not safe for concurrent use while patterns are added.
type Paths struct {
	ps    []pattern
	marks []mark
}

type pattern struct {
	domain    string // directory of the file it came from, "" for the root
	pat       string
	negate    bool
	mustBeDir bool
	noDir     bool // no slash: matched against the base name
}

// parsePattern reads one line of an ignore file; ok is false for blank
// lines and comments.
func parsePattern(l, domain string) (pattern, bool) {
	l = strings.TrimSuffix(l, "\r")
	if l == "" || l[0] == '#' {
		return pattern{}, false
	}
	l = trimTrailingSpaces(l)
	p := pattern{domain: domain}
	if l != "" && l[0] == '!' {
		p.negate = true
		l = l[1:]
	}
	if strings.HasSuffix(l, "/") {
		p.mustBeDir = true
		l = l[:len(l)-1]
	}
	if l == "" {
		return pattern{}, false
	}
	p.noDir = !strings.Contains(l, "/")
	p.pat = strings.TrimPrefix(l, "/")
	return p, true
}

// trimTrailingSpaces drops trailing spaces that are not escaped with a
// backslash, as git does.
func trimTrailingSpaces(l string) string {
	end := len(l)
	for end > 0 && l[end-1] == ' ' {
		// Count the backslashes before this space.
		n := 0
		for i := end - 2; i >= 0 && l[i] == '\\'; i-- {
			n++
		}
		if n%2 == 1 {
			break
		}
		end--
	}
	return l[:end]
}

func (p *pattern) match(rel string, isDir bool) bool {
	if p.mustBeDir && !isDir {
		return false
	}
	if p.domain != "" {
		var ok bool
		if rel, ok = cutDir(rel, p.domain); !ok {
			return false
		}
	}
	if p.noDir {
		return wildmatch(p.pat, path.Base(rel))
	}
	return wildmatch(p.pat, rel)
}

// cutDir returns rel without the leading "dir/", and whether it was
// there: strings.CutPrefix(rel, dir+"/") without building dir+"/" (an
// allocation per call once it is longer than 32 bytes, and a directory
// walk calls PopTo and match for every file).
func cutDir(rel, dir string) (string, bool) {
	if len(rel) > len(dir) && rel[len(dir)] == '/' && rel[:len(dir)] == dir {
		return rel[len(dir)+1:], true
	}
	return rel, false
}

type mark struct {
	dir string
	n   int
}

// Add appends the patterns of one file found in dir ("" for the root).
func (p *Paths) Add(dir string, lines []string) {
	for _, l := range lines {
		if pt, ok := parsePattern(l, dir); ok {
			p.ps = append(p.ps, pt)
		}
	}
}

// Push marks the start of directory dir's patterns, so Pop can drop them
// when a walk leaves dir.
func (p *Paths) Push(dir string) { p.marks = append(p.marks, mark{dir, len(p.ps)}) }

// PopTo drops the patterns of pushed directories that rel is not inside.
func (p *Paths) PopTo(rel string) {
	for len(p.marks) > 0 {
		m := p.marks[len(p.marks)-1]
		if _, in := cutDir(rel, m.dir); m.dir == "" || in {
			return
		}
		p.ps = p.ps[:m.n]
		p.marks = p.marks[:len(p.marks)-1]
	}
}

// Empty reports whether no pattern is loaded.
func (p *Paths) Empty() bool { return len(p.ps) == 0 }

// Match reports whether the slash-separated path rel is excluded.
func (p *Paths) Match(rel string, isDir bool) bool {
	if len(p.ps) == 0 || rel == "" || rel == "." {
		return false
	}
	for i := len(p.ps) - 1; i >= 0; i-- {
		if p.ps[i].match(rel, isDir) {
			return !p.ps[i].negate
		}
	}
	return false
}

// MatchTree reports whether file rel is excluded, itself or through an
// excluded parent directory: for callers that list paths rather than walk
// a tree (git scans).
func (p *Paths) MatchTree(rel string) bool { return p.MatchPath(rel, false) }

// MatchPath reports whether rel (a directory when isDir) is excluded,
// itself or through an excluded parent directory.
func (p *Paths) MatchPath(rel string, isDir bool) bool {
	if len(p.ps) == 0 {
		return false
	}
	for i := 0; i < len(rel); i++ {
		if rel[i] == '/' && p.Match(rel[:i], true) {
			return true
		}
	}
	return p.Match(rel, isDir)
}

// Matcher returns a function for one fixed set of patterns (rooted at the
// top), e.g. for matching the paths of a git scan.
func Matcher(lines []string) func(string) bool {
	var p Paths
	p.Add("", lines)
	return p.MatchTree
}
