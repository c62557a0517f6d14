package mutate

import "strings"

// SQL: quoted identifiers, dollar quoting and comments.

func (l *lexer) sqlSpecial(c byte) bool {
	src := l.src
	switch c {
	case '-':
		if l.at("--") {
			l.lineComment()
			return true
		}
	case '/':
		if l.at("/*") {
			l.blockComment("/*", "*/", false)
			return true
		}
	case '\'':
		l.pos++
		l.literal("'", litDoubled, interpNone)
		return true
	case '"':
		l.pos++
		l.literal(`"`, litDoubled|litIdents, interpNone)
		return true
	case '`':
		l.pos++
		l.literal("`", litDoubled|litIdents, interpNone)
		return true
	case '[':
		// T-SQL [quoted identifier], only when it closes on the same line.
		end := strings.IndexAny(src[l.pos+1:], "]\n")
		if end >= 0 && src[l.pos+1+end] == ']' {
			l.identRuns(l.pos+1, l.pos+1+end)
			l.pos += end + 2
			return true
		}
	case '$':
		// PostgreSQL dollar quoting: $$…$$ or $tag$…$tag$.
		i := l.pos + 1
		for i < len(src) && (isWordByte(src[i]) && !isDigit(src[i])) {
			i++
		}
		if i < len(src) && src[i] == '$' {
			tag := src[l.pos : i+1]
			l.pos = i + 1
			l.literal(tag, 0, interpNone)
			return true
		}
	}
	return false
}
