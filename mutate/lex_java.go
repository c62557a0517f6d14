package mutate

// Java: strings, chars and text blocks (""").

func (l *lexer) javaSpecial(c byte) bool {
	switch {
	case l.at(`"""`):
		l.pos += 3
		l.literal(`"""`, litEscapes, 0)
		return true
	case c == '"' || c == '\'':
		l.pos++
		l.literal(string(c), litEscapes|litSingleLine, 0)
		return true
	}
	return false
}
