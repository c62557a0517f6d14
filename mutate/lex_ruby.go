package mutate

import "strings"

// Ruby: symbols, %-literals, heredocs and interpolation.

func (l *lexer) rubySpecial(c byte) bool {
	src := l.src
	switch c {
	case '#':
		l.lineComment()
		return true
	case '=':
		if (l.pos == 0 || src[l.pos-1] == '\n') && l.at("=begin") {
			start := l.pos
			end := strings.Index(src[l.pos:], "\n=end")
			if end < 0 {
				l.pos = len(src)
			} else {
				l.pos += end + len("\n=end")
				if nl := strings.IndexByte(src[l.pos:], '\n'); nl >= 0 {
					l.pos += nl
				} else {
					l.pos = len(src)
				}
			}
			l.emit(spanText, start, l.pos)
			return true
		}
	case '"', '`':
		l.pos++
		l.literal(string(c), litEscapes, interpHash)
		return true
	case '\'':
		l.pos++
		l.literal("'", litEscapes, interpNone)
		return true
	case '<':
		return l.rubyHeredoc()
	case '%':
		// %w[…] %q(…) %Q{…} %i[…] %(…): percent literals, when an operand
		// is expected (so a % b stays the modulo operator).
		if !l.regexOK || l.pos+1 >= len(src) {
			return false
		}
		i := l.pos + 1
		interp := interpHash
		if strings.IndexByte("qwisr", src[i]) >= 0 {
			interp = interpNone
			i++
		} else if strings.IndexByte("QWIx", src[i]) >= 0 {
			i++
		}
		if i >= len(src) {
			return false
		}
		k := strings.IndexByte("([{<|!/", src[i])
		if k < 0 {
			return false
		}
		cl := ")]}>|!/"[k : k+1]
		l.pos = i + 1
		l.literal(cl, litEscapes, interp)
		return true
	}
	return false
}

// rubyHeredoc handles <<~ID, <<-ID and <<ID (ID optionally quoted): the
// rest of the line is code, the following lines up to the terminator are
// text. a << b (with a space) stays the operator.
func (l *lexer) rubyHeredoc() bool {
	src := l.src
	i := l.pos + 2
	if !l.at("<<") || i >= len(src) {
		return false
	}
	indented := src[i] == '~' || src[i] == '-'
	if indented {
		i++
	}
	if i >= len(src) {
		return false
	}
	quote := byte(0)
	if src[i] == '\'' || src[i] == '"' || src[i] == '`' {
		quote = src[i]
		i++
	}
	idStart := i
	for i < len(src) && isWordByte(src[i]) {
		i++
	}
	id := src[idStart:i]
	if id == "" || isDigit(id[0]) || (!indented && quote == 0 && strings.ToUpper(id) != id) {
		return false
	}
	if quote != 0 {
		if i >= len(src) || src[i] != quote {
			return false
		}
		i++
	}
	nl := strings.IndexByte(src[i:], '\n')
	if nl < 0 {
		return false // no body: not a heredoc we can see
	}
	nl += i
	// The rest of the opening line is ordinary code.
	rest := &lexer{src: src[:nl], pos: i, lang: l.lang, out: l.out, regexOK: false, nest: l.nest, ref: l.ref}
	rest.run(false)
	l.out = rest.out
	body := nl + 1
	end, after := len(src), len(src)
	for j := body; j < len(src); {
		e := strings.IndexByte(src[j:], '\n')
		lineEnd := len(src)
		if e >= 0 {
			lineEnd = j + e
		}
		line := strings.TrimRight(src[j:lineEnd], "\r")
		if indented {
			line = strings.TrimLeft(line, " \t")
		}
		if line == id {
			end, after = j, lineEnd
			break
		}
		j = lineEnd + 1
	}
	l.emit(spanText, body, end)
	l.pos = after
	return true
}
