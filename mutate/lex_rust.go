package mutate

import "unicode/utf8"

// Rust: raw strings, lifetimes and byte literals.

func (l *lexer) rustSpecial(c byte) bool {
	switch c {
	case '"':
		l.pos++
		l.literal(`"`, litEscapes, interpNone)
		return true
	case '\'':
		// Char literal or lifetime/label: 'a' and '\n' are chars, 'a and
		// 'static are lifetimes (the name after the quote is an identifier).
		src := l.src
		if l.pos+1 < len(src) && src[l.pos+1] == '\\' {
			l.pos++
			l.literal("'", litEscapes|litSingleLine, interpNone)
			return true
		}
		if l.pos+1 < len(src) {
			_, size := utf8.DecodeRuneInString(src[l.pos+1:])
			if e := l.pos + 1 + size; e < len(src) && src[e] == '\'' {
				l.emit(spanText, l.pos+1, e)
				l.pos = e + 1
				return true
			}
		}
		l.pos++ // lifetime: the identifier follows
		return true
	}
	return false
}
