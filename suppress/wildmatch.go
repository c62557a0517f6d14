package suppress

import "strings"

// A Go rendering of git's wildmatch.c with WM_PATHNAME, the matcher git
// uses for ignore patterns: "*" and "?" never match "/", "**" between
// slashes (or at either end) matches any number of directories, "[...]"
// and "[!...]"/"[^...]" classes with ranges and [:name:] classes, and "\\"
// escaping the next character. Written here because neither go-gitignore
// library matches git exactly (go-git's treats a pattern that matches a
// parent directory as matching every path below it, which breaks
// negations; sabhiram's differs on anchoring and "**").

type wmResult int

const (
	wmMatch wmResult = iota
	wmNoMatch
	wmAbortAll
	wmAbortToStarStar
)

// wildmatch reports whether text matches pattern with git's WM_PATHNAME
// semantics.
func wildmatch(pattern, text string) bool {
	return dowild(pattern, 0, text) == wmMatch
}

// dowild matches pat[pi:] against text. pat is kept whole so that "**"
// can look at the character before it, as git's matcher does.
func dowild(pat string, pi int, text string) wmResult {
	for ; pi < len(pat); pi, text = pi+1, text[1:] {
		pc := pat[pi]
		if len(text) == 0 && pc != '*' {
			return wmAbortAll
		}
		switch pc {
		case '\\':
			pi++
			if pi == len(pat) || text[0] != pat[pi] {
				return wmNoMatch // a trailing backslash matches nothing
			}
		case '?':
			if text[0] == '/' {
				return wmNoMatch
			}
		case '*':
			matchSlash := false
			prevSlash := pi == 0 || pat[pi-1] == '/'
			pi++
			if pi < len(pat) && pat[pi] == '*' {
				for pi < len(pat) && pat[pi] == '*' {
					pi++
				}
				// "**" is special only as a whole path component.
				if prevSlash && (pi == len(pat) || pat[pi] == '/' || pi+1 < len(pat) && pat[pi] == '\\' && pat[pi+1] == '/') {
					if pi < len(pat) && pat[pi] == '/' && dowild(pat, pi+1, text) == wmMatch {
						return wmMatch
					}
					matchSlash = true
				}
			}
			if pi == len(pat) {
				// Trailing star: matches the rest unless it holds a slash.
				if !matchSlash && strings.Contains(text, "/") {
					return wmAbortToStarStar
				}
				return wmMatch
			}
			if !matchSlash && pat[pi] == '/' {
				i := strings.IndexByte(text, '/')
				if i < 0 {
					return wmAbortAll
				}
				// The loop step consumes this slash with the pattern's.
				text = text[i:]
				continue
			}
			for {
				if len(text) == 0 {
					return wmAbortAll
				}
				// Skip to a possible start of the literal that follows.
				if c := pat[pi]; c != '*' && c != '?' && c != '[' && c != '\\' {
					for len(text) > 0 && text[0] != c {
						if !matchSlash && text[0] == '/' {
							return wmAbortToStarStar
						}
						text = text[1:]
					}
					if len(text) == 0 {
						return wmAbortAll
					}
				}
				m := dowild(pat, pi, text)
				if m != wmNoMatch {
					if !matchSlash || m != wmAbortToStarStar {
						return m
					}
				} else if !matchSlash && text[0] == '/' {
					return wmAbortToStarStar
				}
				text = text[1:]
			}
		case '[':
			n, ok, matched := matchClass(pat[pi:], text[0])
			if !ok {
				return wmAbortAll // git: a malformed class matches nothing
			}
			if !matched || text[0] == '/' {
				return wmNoMatch
			}
			pi += n - 1
		default:
			if text[0] != pc {
				return wmNoMatch
			}
		}
	}
	if len(text) == 0 {
		return wmMatch
	}
	return wmNoMatch
}

// matchClass matches c against the class starting at p[0] == '['. It
// returns the class's length in bytes, whether it was well formed, and
// whether c is in it.
func matchClass(p string, c byte) (int, bool, bool) {
	i := 1
	negated := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negated = true
		i++
	}
	matched := false
	first := true
	prev := -1
	for ; i < len(p); i++ {
		ch := p[i]
		if ch == ']' && !first {
			if negated {
				matched = !matched
			}
			return i + 1, true, matched
		}
		first = false
		switch {
		case ch == '\\':
			i++
			if i >= len(p) {
				return 0, false, false
			}
			if p[i] == c {
				matched = true
			}
			prev = int(p[i])
		case ch == '-' && prev >= 0 && i+1 < len(p) && p[i+1] != ']':
			i++
			hi := p[i]
			if hi == '\\' {
				i++
				if i >= len(p) {
					return 0, false, false
				}
				hi = p[i]
			}
			if int(c) >= prev && c <= hi {
				matched = true
			}
			prev = -1
		case ch == '[' && i+1 < len(p) && p[i+1] == ':':
			end := strings.Index(p[i+2:], ":]")
			if end < 0 {
				if c == '[' {
					matched = true
				}
				prev = int(ch)
				continue
			}
			name := p[i+2 : i+2+end]
			ok, in := namedClass(name, c)
			if !ok {
				return 0, false, false
			}
			if in {
				matched = true
			}
			i += 2 + end + 1
			prev = -1
		default:
			if ch == c {
				matched = true
			}
			prev = int(ch)
		}
	}
	return 0, false, false
}

func namedClass(name string, c byte) (known, in bool) {
	isUpper := c >= 'A' && c <= 'Z'
	isLower := c >= 'a' && c <= 'z'
	isDigit := c >= '0' && c <= '9'
	switch name {
	case "alnum":
		return true, isUpper || isLower || isDigit
	case "alpha":
		return true, isUpper || isLower
	case "blank":
		return true, c == ' ' || c == '\t'
	case "cntrl":
		return true, c < 0x20 || c == 0x7f
	case "digit":
		return true, isDigit
	case "graph":
		return true, c > 0x20 && c < 0x7f
	case "lower":
		return true, isLower
	case "print":
		return true, c >= 0x20 && c < 0x7f
	case "punct":
		return true, c > 0x20 && c < 0x7f && !isUpper && !isLower && !isDigit
	case "space":
		return true, c == ' ' || c >= '\t' && c <= '\r'
	case "upper":
		return true, isUpper
	case "xdigit":
		return true, isDigit || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
	}
	return false, false
}
