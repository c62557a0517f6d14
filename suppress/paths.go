package suppress

import (
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// Paths matches repository-relative paths against gitignore-syntax
// patterns, each rooted at the directory of the file that holds it. Later
// patterns win over earlier ones, so add them in git's order of priority:
// core.excludesFile, .git/info/exclude, then .gitignore files from the root
// down. It is built on go-git's gitignore matcher (the same one go-git's
// own status uses), which scopes a pattern to its directory, handles
// negations, anchoring, dir-only patterns and **.
//
// Paths is not safe for concurrent use while patterns are added.
type Paths struct {
	ps    []gitignore.Pattern
	marks []mark
}

type mark struct {
	dir string
	n   int
}

// Add appends the patterns of one file found in dir ("" for the root).
func (p *Paths) Add(dir string, lines []string) {
	var domain []string
	if dir != "" {
		domain = strings.Split(dir, "/")
	}
	for _, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		p.ps = append(p.ps, gitignore.ParsePattern(normalize(l), domain))
	}
}

// Push marks the start of directory dir's patterns, so Pop can drop them
// when a walk leaves dir.
func (p *Paths) Push(dir string) { p.marks = append(p.marks, mark{dir, len(p.ps)}) }

// PopTo drops the patterns of pushed directories that rel is not inside.
func (p *Paths) PopTo(rel string) {
	for len(p.marks) > 0 {
		m := p.marks[len(p.marks)-1]
		if m.dir == "" || strings.HasPrefix(rel, m.dir+"/") {
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
	return gitignore.NewMatcher(p.ps).Match(strings.Split(rel, "/"), isDir)
}

// Matcher returns a function for one fixed set of patterns (rooted at the
// top), e.g. for matching the paths of a git scan.
func Matcher(lines []string) func(string) bool {
	var p Paths
	p.Add("", lines)
	return func(rel string) bool { return p.Match(rel, false) }
}

// normalize rewrites the parts of git's wildmatch syntax that Go's
// filepath.Match (under go-git's matcher) spells differently: git accepts
// "[!...]" as well as "[^...]" for a negated class.
func normalize(l string) string {
	if !strings.Contains(l, "[!") {
		return l
	}
	var b strings.Builder
	for i := 0; i < len(l); i++ {
		if l[i] == '\\' && i+1 < len(l) {
			b.WriteByte(l[i])
			b.WriteByte(l[i+1])
			i++
			continue
		}
		if l[i] == '[' && i+1 < len(l) && l[i+1] == '!' {
			b.WriteString("[^")
			i++
			continue
		}
		b.WriteByte(l[i])
	}
	return b.String()
}
