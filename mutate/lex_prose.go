package mutate

import "strings"

// Text and Markdown: prose, inline code and fenced blocks.

// prose lexes src[a:b] as text with fenced code blocks (``` or ~~~, up to
// three spaces of indent). A fence names its language in the info string;
// unknown languages stay prose.
func (l *lexer) prose(a, b int) {
	src := l.src
	seg := a
	for i := a; i < b; {
		lineEnd := strings.IndexByte(src[i:b], '\n')
		if lineEnd < 0 {
			lineEnd = b
		} else {
			lineEnd += i + 1
		}
		fc, n, info := fenceOpen(src[i:lineEnd])
		if n == 0 {
			i = lineEnd
			continue
		}
		// Content runs to the closing fence line or the end.
		bodyStart := lineEnd
		j := bodyStart
		closeAt, after := b, b
		for j < b {
			e := strings.IndexByte(src[j:b], '\n')
			if e < 0 {
				e = b
			} else {
				e += j + 1
			}
			if fenceClose(src[j:e], fc, n) {
				closeAt, after = j, e
				break
			}
			j = e
		}
		l.proseText(seg, bodyStart)
		if lang, ok := ParseLang(info); ok && lang != LangText && lang != LangMarkdown {
			inner := &lexer{src: src[:closeAt], pos: bodyStart, lang: lang, out: l.out, regexOK: true, ref: l.ref}
			inner.run(false)
			l.out = inner.out
		} else {
			l.emit(spanText, bodyStart, closeAt)
		}
		seg = closeAt
		i = after
	}
	l.proseText(seg, b)
}

// proseText emits prose between fences. Inline code spans (`name`,
// or spans opened by several backticks, on one line) hold identifiers,
// so their words are judged like code; everything else is text.
func (l *lexer) proseText(a, b int) {
	src := l.src
	seg := a
	for i := a; i < b; {
		if src[i] != '`' {
			i++
			continue
		}
		n := 1
		for i+n < b && src[i+n] == '`' {
			n++
		}
		// Find a closing run of exactly n backticks on the same line.
		j, closed := i+n, -1
		for j < b && src[j] != '\n' {
			if src[j] != '`' {
				j++
				continue
			}
			m := 1
			for j+m < b && src[j+m] == '`' {
				m++
			}
			if m == n {
				closed = j
				break
			}
			j += m
		}
		if closed < 0 {
			i += n
			continue
		}
		l.emit(spanText, seg, i+n)
		l.identRuns(i+n, closed)
		seg = closed
		i = closed + n
	}
	l.emit(spanText, seg, b)
}

// fenceOpen recognises an opening fence line: its character, length and
// the first word of the info string.
func fenceOpen(line string) (byte, int, string) {
	t := line
	for k := 0; k < 3 && strings.HasPrefix(t, " "); k++ {
		t = t[1:]
	}
	if len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return 0, 0, ""
	}
	c := t[0]
	n := 0
	for n < len(t) && t[n] == c {
		n++
	}
	if n < 3 {
		return 0, 0, ""
	}
	info := strings.TrimSpace(t[n:])
	if c == '`' && strings.IndexByte(info, '`') >= 0 {
		return 0, 0, ""
	}
	if f := strings.Fields(info); len(f) > 0 {
		info = strings.TrimPrefix(f[0], "{.")
		info = strings.TrimSuffix(info, "}")
	}
	return c, n, info
}

func fenceClose(line string, c byte, n int) bool {
	// Nearly every line of a block starts with something else: tell
	// without trimming it.
	k := 0
	for k < 3 && k < len(line) && line[k] == ' ' {
		k++
	}
	if k == len(line) || line[k] != c {
		return false
	}
	t := strings.TrimRight(line, "\r\n \t")
	for k := 0; k < 3 && strings.HasPrefix(t, " "); k++ {
		t = t[1:]
	}
	if len(t) < n {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != c {
			return false
		}
	}
	return true
}
