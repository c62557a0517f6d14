package mutate

import "strings"

// Python: string prefixes, triple quotes and f-strings.

// stringPrefix handles an identifier that is really a string prefix
// (Python rb"…", f'…'; Rust r#"…"#, b'x', raw identifiers r#name). It
// returns true when it consumed a literal.
func (l *lexer) stringPrefix(start int) bool {
	if l.pos >= len(l.src) {
		return false
	}
	word := l.src[start:l.pos]
	next := l.src[l.pos]
	switch l.lang {
	case LangPython:
		if (next == '"' || next == '\'') && len(word) <= 2 && strings.Trim(strings.ToLower(word), "rbuft") == "" {
			l.pyString(l.pos, strings.ToLower(word))
			return true
		}
	case LangRust:
		switch word {
		case "b", "c":
			if next == '"' {
				l.pos++
				l.literal(`"`, litEscapes, interpNone)
				return true
			}
			if next == '\'' && word == "b" {
				l.pos++
				l.literal("'", litEscapes|litSingleLine, interpNone)
				return true
			}
		case "r", "br", "cr":
			i := l.pos
			for i < len(l.src) && l.src[i] == '#' {
				i++
			}
			hashes := i - l.pos
			if i < len(l.src) && l.src[i] == '"' {
				l.pos = i + 1
				l.literal(`"`+strings.Repeat("#", hashes), 0, interpNone)
				return true
			}
			if word == "r" && hashes == 1 && i < len(l.src) && wordLen(l.src, i) > 0 {
				l.pos = i // raw identifier r#name: lex the name next
				return true
			}
		}
	}
	return false
}

// pyString lexes a Python string whose quote is at q, with prefix flags.
func (l *lexer) pyString(q int, prefix string) {
	f := strings.ContainsRune(prefix, 'f') || strings.ContainsRune(prefix, 't')
	quote := l.src[q : q+1]
	// Backslash escapes the next byte even in a raw string: r"\"" does
	// not end at the second quote.
	opts := litEscapes
	if strings.HasPrefix(l.src[q:], strings.Repeat(quote, 3)) {
		l.pos = q + 3
		quote = strings.Repeat(quote, 3)
	} else {
		l.pos = q + 1
		opts |= litSingleLine
	}
	interp := interpNone
	if f {
		interp = interpBrace
	}
	l.literal(quote, opts, interp)
}

func (l *lexer) pySpecial(c byte) bool {
	if c == '#' {
		l.lineComment()
		return true
	}
	if c == '"' || c == '\'' {
		l.pyString(l.pos, "")
		return true
	}
	return false
}
