package mutate

import "strings"

// C#: verbatim and interpolated strings, preprocessor lines.

func (l *lexer) csSpecial(c byte) bool {
	if c != '$' && c != '@' && c != '"' && c != '\'' {
		return false
	}
	// Count a prefix of $ and @ (at most one @), then look for the quotes.
	i := l.pos
	dollars, at := 0, false
	for i < len(l.src) {
		if l.src[i] == '$' {
			dollars++
		} else if l.src[i] == '@' && !at {
			at = true
		} else {
			break
		}
		i++
	}
	if i >= len(l.src) || l.src[i] != '"' && !(l.src[i] == '\'' && dollars == 0 && !at) {
		if c == '$' || c == '@' {
			l.pos++ // @class, stray $
			return true
		}
		return false
	}
	if l.src[i] == '\'' {
		l.pos = i + 1
		l.literal("'", litEscapes|litSingleLine, interpNone)
		return true
	}
	// Raw string literal: three or more quotes.
	q := i
	for q < len(l.src) && l.src[q] == '"' {
		q++
	}
	if n := q - i; n >= 3 {
		l.pos = q
		interp := interpNone
		if dollars == 1 {
			interp = interpBrace
		} else if dollars >= 2 {
			interp = interpDoubleDlr
		}
		l.literal(strings.Repeat(`"`, n), 0, interp)
		return true
	}
	l.pos = i + 1
	opts, interp := litEscapes|litSingleLine, interpNone
	if at {
		opts = litDoubled
	}
	if dollars > 0 {
		interp = interpBrace
	}
	l.literal(`"`, opts, interp)
	return true
}
