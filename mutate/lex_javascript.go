package mutate

// JavaScript and TypeScript: regex literals, template strings and JSX.

func (l *lexer) jsSpecial(c byte) bool {
	switch c {
	case '"', '\'':
		l.pos++
		l.literal(string(c), litEscapes|litSingleLine, interpNone)
		return true
	case '`':
		l.pos++
		l.literal("`", litEscapes, interpDollar)
		return true
	case '/':
		if !l.regexOK {
			return false
		}
		// A regular expression literal: up to the next unescaped '/' outside
		// a character class, on the same line. Its content is text.
		start := l.pos + 1
		i := start
		inClass := false
		for i < len(l.src) && l.src[i] != '\n' {
			ch := l.src[i]
			if ch == '\\' {
				i += 2
				continue
			}
			if ch == '[' {
				inClass = true
			} else if ch == ']' {
				inClass = false
			} else if ch == '/' && !inClass {
				break
			}
			i++
		}
		if i >= len(l.src) || l.src[i] != '/' {
			return false // not a regex after all: plain division
		}
		l.emit(spanText, start, i)
		l.pos = i + 1
		l.pos = l.identEnd(l.pos) // flags
		l.regexOK = false
		return true
	}
	return false
}
