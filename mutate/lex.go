package mutate

import (
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lang names a lexer.
type Lang string

// The supported languages. LangText is prose; LangMarkdown is prose with
// fenced code blocks (LangText understands fences too, since chat text is
// markdown more often than not).
const (
	LangTS       Lang = "ts"
	LangJS       Lang = "js"
	LangPython   Lang = "py"
	LangGo       Lang = "go"
	LangJava     Lang = "java"
	LangCSharp   Lang = "cs"
	LangRuby     Lang = "rb"
	LangRust     Lang = "rs"
	LangSQL      Lang = "sql"
	LangText     Lang = "text"
	LangMarkdown Lang = "md"
)

// Langs lists every language in a stable order.
func Langs() []Lang {
	return []Lang{LangTS, LangJS, LangPython, LangGo, LangJava, LangCSharp, LangRuby, LangRust, LangSQL, LangText, LangMarkdown}
}

// ParseLang accepts a language name or a common alias (typescript, python,
// golang, csharp, c#, ruby, rust, markdown…). ok is false for anything else.
func ParseLang(s string) (Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ts", "typescript", "tsx", "mts", "cts":
		return LangTS, true
	case "js", "javascript", "jsx", "mjs", "cjs", "node", "json", "jsonc":
		return LangJS, true
	case "py", "python", "python3", "py3", "pyi":
		return LangPython, true
	case "go", "golang":
		return LangGo, true
	case "java", "kotlin", "kt", "scala":
		return LangJava, true
	case "cs", "csharp", "c#":
		return LangCSharp, true
	case "rb", "ruby":
		return LangRuby, true
	case "rs", "rust":
		return LangRust, true
	case "sql", "postgres", "postgresql", "psql", "mysql", "sqlite", "plsql", "tsql", "pgsql":
		return LangSQL, true
	case "text", "txt", "plain", "plaintext", "":
		return LangText, true
	case "md", "markdown":
		return LangMarkdown, true
	}
	return "", false
}

// LangFromPath picks a language by file extension, LangText when unknown.
func LangFromPath(path string) Lang {
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if ext == "txt" || ext == "" {
		return LangText
	}
	if l, ok := ParseLang(ext); ok {
		return l
	}
	return LangText
}

// spanKind tells code identifiers from text regions.
type spanKind uint8

const (
	// spanIdent is one identifier in code: a maximal run of identifier bytes.
	spanIdent spanKind = iota + 1
	// spanText is a comment, string literal or prose region; the words in it
	// are checked one by one.
	spanText
)

type span struct {
	start, end int
	kind       spanKind
}

// maxNest bounds interpolation nesting (`${`${…}`}`), so hostile input
// cannot grow the stack without limit. Deeper interpolations stay text.
const maxNest = 64

type lexer struct {
	src     string
	pos     int
	lang    Lang
	out     []span
	regexOK bool // JS/TS: a '/' here would start a regular expression
	nest    int
}

// lex appends the identifier and text spans of src, in order, to out.
func lex(src string, lang Lang, out []span) []span {
	l := &lexer{src: src, lang: lang, out: out, regexOK: true}
	switch lang {
	case LangTS, LangJS, LangPython, LangGo, LangJava, LangCSharp, LangRuby, LangRust, LangSQL:
		l.code(false)
	default: // text, markdown, and anything unknown
		l.prose(0, len(src))
	}
	return l.out
}

func (l *lexer) emit(k spanKind, a, b int) {
	if b > a {
		l.out = append(l.out, span{a, b, k})
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWordByte reports whether an ASCII byte belongs to a word: letters,
// digits and underscore. Non-ASCII text is judged by wordLen.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_'
}

// wordLen returns the byte length of the word character at s[i], 0 when
// there is none: ASCII letters, digits and underscore, and any Unicode
// letter, digit or combining mark (identifiers in Go, Java, C#… and words
// in prose). Unicode punctuation such as a curly apostrophe ends a word.
func wordLen(s string, i int) int {
	c := s[i]
	if c < utf8.RuneSelf {
		if isWordByte(c) {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)) {
		return 0
	}
	return n
}

// wordEnd returns the end of the word starting at s[i], not beyond limit.
func wordEnd(s string, i, limit int) int {
	for i < limit {
		if c := s[i]; c < utf8.RuneSelf {
			if !isWordByte(c) {
				break
			}
			i++
			continue
		}
		n := wordLen(s, i)
		if n == 0 || i+n > limit {
			break
		}
		i += n
	}
	return i
}

// identLen is wordLen plus '$' in JavaScript and TypeScript identifiers.
func (l *lexer) identLen(i int) int {
	if l.src[i] == '$' && (l.lang == LangTS || l.lang == LangJS) {
		return 1
	}
	return wordLen(l.src, i)
}

// identEnd returns the end of the identifier starting at l.src[i].
func (l *lexer) identEnd(i int) int {
	dollar := l.lang == LangTS || l.lang == LangJS
	for i < len(l.src) {
		if c := l.src[i]; c < utf8.RuneSelf {
			if !isWordByte(c) && (c != '$' || !dollar) {
				break
			}
			i++
			continue
		}
		n := wordLen(l.src, i)
		if n == 0 {
			break
		}
		i += n
	}
	return i
}

func (l *lexer) at(s string) bool { return strings.HasPrefix(l.src[l.pos:], s) }

// code lexes code until EOF or, when nested, an unmatched '}' (left
// unconsumed for the caller).
func (l *lexer) code(nested bool) {
	depth, parens := 0, 0
	src := l.src
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.pos++
			continue
		case isDigit(c) || c == '.' && l.pos+1 < len(src) && isDigit(src[l.pos+1]):
			l.number()
			l.regexOK = false
			continue
		case l.identLen(l.pos) > 0:
			start := l.pos
			l.pos = l.identEnd(l.pos)
			if l.stringPrefix(start) {
				continue
			}
			l.emit(spanIdent, start, l.pos)
			l.regexOK = regexAfterWord(src[start:l.pos])
			continue
		}
		if l.special(c) {
			continue
		}
		if nested && depth == 0 && parens == 0 && (l.lang == LangPython || l.lang == LangCSharp) {
			// Inside an f-string or C# interpolation: !r conversions and
			// :format specs are not code.
			if c == '!' && l.lang == LangPython && l.pos+2 < len(src) && strings.IndexByte("rsa", src[l.pos+1]) >= 0 && (src[l.pos+2] == '}' || src[l.pos+2] == ':') {
				l.pos += 2
				continue
			}
			if c == ':' {
				l.formatSpec()
				return
			}
		}
		switch c {
		case '{':
			depth++
		case '}':
			if nested && depth == 0 {
				return
			}
			depth--
		case '(', '[':
			parens++
		case ')', ']':
			parens--
		}
		l.regexOK = c != ')' && c != ']' && c != '}'
		l.pos++
	}
}

// formatSpec lexes an interpolation's format spec (after the ':') up to
// the closing '}', left unconsumed. Python specs may nest {expr}.
func (l *lexer) formatSpec() {
	src := l.src
	seg := l.pos
	for l.pos < len(src) && src[l.pos] != '}' {
		if src[l.pos] == '{' && l.lang == LangPython && l.nest < maxNest {
			l.emit(spanText, seg, l.pos)
			l.pos++
			l.nest++
			l.code(true)
			l.nest--
			if l.pos < len(src) {
				l.pos++
			}
			seg = l.pos
			continue
		}
		if src[l.pos] == '"' || src[l.pos] == '\'' || src[l.pos] == '\n' {
			break // malformed: let the literal end normally
		}
		l.pos++
	}
	l.emit(spanText, seg, l.pos)
}

// number consumes a numeric literal with any identifier bytes glued to it
// (0x1F, 10n, 1_000, 3.5e10f), so no identifier starts inside a number.
func (l *lexer) number() {
	src := l.src
	for l.pos < len(src) {
		c := src[l.pos]
		if n := l.identLen(l.pos); n > 0 {
			l.pos += n
			continue
		}
		if c == '.' && l.pos+1 < len(src) && isDigit(src[l.pos+1]) {
			l.pos++
			continue
		}
		break
	}
}

func regexAfterWord(w string) bool {
	switch w {
	case "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await":
		return true
	}
	return false
}

// special handles comments and literals at l.pos; false when c is plain
// punctuation.
func (l *lexer) special(c byte) bool {
	switch l.lang {
	case LangTS, LangJS:
		return l.cComments() || l.jsSpecial(c)
	case LangGo:
		if l.cComments() {
			return true
		}
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
	case LangJava:
		if l.cComments() {
			return true
		}
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
	case LangCSharp:
		return l.cComments() || l.csSpecial(c)
	case LangRust:
		return l.cComments() || l.rustSpecial(c)
	case LangPython:
		if c == '#' {
			l.lineComment()
			return true
		}
		if c == '"' || c == '\'' {
			l.pyString(l.pos, "")
			return true
		}
	case LangRuby:
		return l.rubySpecial(c)
	case LangSQL:
		return l.sqlSpecial(c)
	}
	return false
}

// cComments handles // and /* */ (nested for Rust).
func (l *lexer) cComments() bool {
	if !l.at("/") || l.pos+1 >= len(l.src) {
		return false
	}
	switch l.src[l.pos+1] {
	case '/':
		l.lineComment()
		return true
	case '*':
		l.blockComment("/*", "*/", l.lang == LangRust)
		return true
	}
	return false
}

func (l *lexer) lineComment() {
	start := l.pos
	end := strings.IndexByte(l.src[start:], '\n')
	if end < 0 {
		end = len(l.src)
	} else {
		end += start
	}
	l.emit(spanText, start, end)
	l.pos = end
}

func (l *lexer) blockComment(open, close string, nests bool) {
	start := l.pos
	l.pos += len(open)
	depth := 1
	for l.pos < len(l.src) {
		if l.at(close) {
			l.pos += len(close)
			depth--
			if depth == 0 || !nests {
				break
			}
			continue
		}
		if nests && l.at(open) {
			l.pos += len(open)
			depth++
			continue
		}
		l.pos++
	}
	l.emit(spanText, start, l.pos)
}

// Literal options.
const (
	litEscapes    = 1 << iota // backslash escapes the next byte
	litDoubled                // a doubled closing delimiter is an escape ('' in SQL)
	litSingleLine             // an unescaped newline ends an unterminated literal
	litIdents                 // the content is quoted identifiers (SQL "col")
)

// Interpolation styles.
const (
	interpNone      = iota
	interpDollar    // ${expr}   JS template literals
	interpBrace     // {expr}    Python f-strings, C# $"…", with {{ }} escapes
	interpHash      // #{expr}   Ruby
	interpDoubleDlr // {{expr}}  C# $$"""…""" (only the doubled form opens code)
)

// literal lexes literal content from l.pos up to and including close.
func (l *lexer) literal(close string, opts int, interp int) {
	src := l.src
	seg := l.pos
	flush := func(end int) {
		if opts&litIdents != 0 {
			l.identRuns(seg, end)
			return
		}
		l.emit(spanText, seg, end)
	}
	if l.nest >= maxNest {
		interp = interpNone
	}
	for l.pos < len(src) {
		c := src[l.pos]
		if c == '\\' && opts&litEscapes != 0 {
			l.pos += 2
			continue
		}
		if c == close[0] && strings.HasPrefix(src[l.pos:], close) {
			if opts&litDoubled != 0 && strings.HasPrefix(src[l.pos+len(close):], close) {
				l.pos += 2 * len(close)
				continue
			}
			flush(l.pos)
			l.pos += len(close)
			l.regexOK = false
			return
		}
		if c == '\n' && opts&litSingleLine != 0 {
			flush(l.pos)
			return
		}
		open := 0
		switch interp {
		case interpDollar:
			if c == '$' && l.pos+1 < len(src) && src[l.pos+1] == '{' {
				open = 2
			}
		case interpHash:
			if c == '#' && l.pos+1 < len(src) && src[l.pos+1] == '{' {
				open = 2
			}
		case interpBrace:
			if c == '{' || c == '}' {
				if l.pos+1 < len(src) && src[l.pos+1] == c {
					l.pos += 2
					continue
				}
				if c == '{' {
					open = 1
				}
			}
		case interpDoubleDlr:
			if c == '{' && strings.HasPrefix(src[l.pos:], "{{") {
				open = 2
			}
		}
		if open > 0 {
			flush(l.pos)
			l.pos += open
			l.nest++
			saved := l.regexOK
			l.regexOK = true
			l.code(true)
			l.regexOK = saved
			l.nest--
			for k := 0; k < open && l.pos < len(src) && src[l.pos] == '}'; k++ {
				l.pos++
			}
			seg = l.pos
			continue
		}
		l.pos++
	}
	if l.pos > len(src) {
		l.pos = len(src)
	}
	flush(l.pos)
}

// identRuns emits each word run in src[a:b] as an identifier.
func (l *lexer) identRuns(a, b int) {
	for i := a; i < b; {
		if wordLen(l.src, i) == 0 {
			i++
			continue
		}
		j := wordEnd(l.src, i, b)
		if !isDigit(l.src[i]) {
			l.emit(spanIdent, i, j)
		}
		i = j
	}
}

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
	rest := &lexer{src: src[:nl], pos: i, lang: l.lang, out: l.out, regexOK: false, nest: l.nest}
	rest.code(false)
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
			inner := &lexer{src: src[:closeAt], pos: bodyStart, lang: lang, out: l.out, regexOK: true}
			inner.code(false)
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
