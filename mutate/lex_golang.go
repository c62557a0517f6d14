package mutate

// Go: interpreted and raw (backquoted) strings, runes.

func (l *lexer) goSpecial(c byte) bool {
	switch c {
	case '"', '\'':
		l.pos++
		l.literal(string(c), litEscapes|litSingleLine, 0)
		return true
	case '`':
		l.pos++
		l.literal("`", 0, 0)
		return true
	}
	return false
}
