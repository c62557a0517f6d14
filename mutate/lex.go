package mutate

import (
	"path/filepath"
	"strings"
	"sync"
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
	// ref, when set, lexes code in place of code (tests: the lexer as
	// it was before its fast paths, which must give the same spans).
	ref func(l *lexer, nested bool)
	// masks, when set, are the bulk path's classes of src[maskBase:]
	// (bulkMasks), read by the bulk path instead of classifying each
	// block it is asked about.
	masks    []uint64
	maskBase int
}

// maskBufs are the scratch of the lexers' masks: 3 words a 64-byte block.
var maskBufs = sync.Pool{New: func() any { return new([]uint64) }}

// minMasked is the shortest code classified in one pass up front: below
// it the pool and the pass cost more than classifying blocks on demand.
const minMasked = 256

// lex appends the identifier and text spans of src, in order, to out.
func lex(src string, lang Lang, out []span) []span {
	return lexWith(src, lang, out, nil)
}

func lexWith(src string, lang Lang, out []span, ref func(*lexer, bool)) []span {
	l := &lexer{src: src, lang: lang, out: out, regexOK: true, ref: ref}
	switch lang {
	case LangTS, LangJS, LangPython, LangGo, LangJava, LangCSharp, LangRuby, LangRust, LangSQL:
		l.run(false)
	default: // text, markdown, and anything unknown
		l.prose(0, len(src))
	}
	return l.out
}

// run lexes code (code, or ref when set).
func (l *lexer) run(nested bool) {
	if l.ref != nil {
		l.ref(l, nested)
		return
	}
	l.code(nested)
}

func (l *lexer) emit(k spanKind, a, b int) {
	if b > a {
		l.out = append(l.out, span{a, b, k})
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Byte classes for the code lexer's dispatch: one table load per byte
// instead of a chain of comparisons.
const (
	classSpace   = 1 << iota // ' ', '\t', '\n', '\r'
	classDigit               // '0'-'9'
	classWord                // isWordByte: ASCII letters, digits, '_'
	classSpecial             // may start a literal or comment in some language (special)
)

var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' {
			t[c] |= classSpace
		}
		if isDigit(b) {
			t[c] |= classDigit
		}
		if isWordByte(b) {
			t[c] |= classWord
		}
	}
	// Every byte a *Special method or cComments acts on: / " ' ` $ @ #
	// = < % - [ (JS/TS, Go, Java, C#, Rust, Python, Ruby, SQL).
	for _, b := range []byte("/\"'`$@#=<%-[") {
		t[b] |= classSpecial
	}
	return t
}()

// Per language, byteClass with classSpecial only on the bytes that
// language's special acts on, so plain punctuation ('=' in TypeScript,
// '-' in Go) is not handed to it to be turned down. Ruby and SQL keep
// byteClass. FuzzLexAgree holds these to the reference lexer, which
// calls special for every punctuation byte.
var (
	classJSGo  = classesWithSpecials("/\"'`") // TS, JS, Go
	classJava  = classesWithSpecials("/\"'")
	classCS    = classesWithSpecials("/\"'$@")
	classRust  = classesWithSpecials("/\"'")
	classPy    = classesWithSpecials("#\"'")
	classOther = &byteClass
)

func classesWithSpecials(specials string) *[256]uint8 {
	t := byteClass
	for c := range t {
		t[c] &^= classSpecial
	}
	for _, b := range []byte(specials) {
		t[b] |= classSpecial
	}
	return &t
}

// classesOf returns the byte classes of lang's code.
func classesOf(lang Lang) *[256]uint8 {
	switch lang {
	case LangTS, LangJS, LangGo:
		return classJSGo
	case LangJava:
		return classJava
	case LangCSharp:
		return classCS
	case LangRust:
		return classRust
	case LangPython:
		return classPy
	}
	return classOther
}

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
// unconsumed for the caller). The position lives in a local between the
// calls that read l.pos (literals, comments, numbers' neighbours), which
// keeps it in a register for the plain bytes that make up most code.
func (l *lexer) code(nested bool) {
	depth, parens := 0, 0
	src := l.src
	dollar := l.lang == LangTS || l.lang == LangJS
	prefixes := l.lang == LangPython || l.lang == LangRust
	classes := classesOf(l.lang)
	// Top-level code goes by the bulk path (lex_bulk.go) between the
	// bytes it leaves to this loop; nested code (interpolations, a few
	// bytes as a rule) tracks braces byte by byte.
	bt := bulkTableOf(l.lang)
	useBulk := !nested
	pos := l.pos
	if useBulk && len(src)-pos >= minMasked {
		buf := maskBufs.Get().(*[]uint64)
		if m := bulkMasks(bt, src[pos:], *buf); m != nil {
			*buf = m
			l.masks, l.maskBase = m, pos
		}
		defer func() {
			l.masks = nil // the pool's from here
			maskBufs.Put(buf)
		}()
	}
	for pos < len(src) {
		c := src[pos]
		if useBulk && c < utf8.RuneSelf && classes[c]&classSpecial == 0 {
			pos = l.bulk(bt, pos)
			if pos >= len(src) {
				break
			}
			c = src[pos]
		}
		cl := classes[c]
		switch {
		case cl&classSpace != 0:
			pos++
			continue
		case cl&classDigit != 0 || c == '.' && pos+1 < len(src) && isDigit(src[pos+1]):
			pos = l.numberEnd(pos)
			l.regexOK = false
			continue
		case cl&classWord != 0 || c == '$' && dollar || c >= utf8.RuneSelf && wordLen(src, pos) > 0:
			// An identifier (identLen > 0): ASCII runs by the table,
			// anything else as identEnd reads it.
			start := pos
			i := start + 1
			if c >= utf8.RuneSelf {
				i = start
			}
			for i < len(src) && byteClass[src[i]]&classWord != 0 {
				i++
			}
			if i < len(src) && (src[i] >= utf8.RuneSelf || src[i] == '$') {
				// Only a '$' or a non-ASCII letter can continue it.
				i = l.identEnd(i)
			}
			pos = i
			// Only Python and Rust have string prefixes (stringPrefix).
			if prefixes {
				l.pos = pos
				p := l.stringPrefix(start)
				pos = l.pos
				if p {
					continue
				}
			}
			l.emit(spanIdent, start, pos)
			l.regexOK = regexAfterWord(src[start:pos])
			continue
		}
		// No language's literal or comment starts with any other byte.
		if cl&classSpecial != 0 {
			l.pos = pos
			sp := l.special(c)
			pos = l.pos
			if sp {
				continue
			}
		}
		if nested && depth == 0 && parens == 0 && (l.lang == LangPython || l.lang == LangCSharp) {
			// Inside an f-string or C# interpolation: !r conversions and
			// :format specs are not code.
			if c == '!' && l.lang == LangPython && pos+2 < len(src) && strings.IndexByte("rsa", src[pos+1]) >= 0 && (src[pos+2] == '}' || src[pos+2] == ':') {
				pos += 2
				continue
			}
			if c == ':' {
				l.pos = pos
				l.formatSpec()
				return
			}
		}
		switch c {
		case '{':
			depth++
		case '}':
			if nested && depth == 0 {
				l.pos = pos
				return
			}
			depth--
		case '(', '[':
			parens++
		case ')', ']':
			parens--
		}
		l.regexOK = c != ')' && c != ']' && c != '}'
		pos++
	}
	l.pos = pos
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
			l.run(true)
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

// numberEnd returns the end of the numeric literal at pos with any
// identifier bytes glued to it (0x1F, 10n, 1_000, 3.5e10f), so no
// identifier starts inside a number.
func (l *lexer) numberEnd(pos int) int {
	src := l.src
	for pos < len(src) {
		c := src[pos]
		if byteClass[c]&classWord != 0 {
			pos++ // identLen of an ASCII word byte
			continue
		}
		if c == '.' && pos+1 < len(src) && isDigit(src[pos+1]) {
			pos++
			continue
		}
		if c == '$' || c >= utf8.RuneSelf {
			if n := l.identLen(pos); n > 0 {
				pos += n
				continue
			}
		}
		break
	}
	return pos
}

// regexWordStarts has, per length, a bit per first letter of the words
// after which a '/' starts a regular expression: most identifiers are
// told apart by their length and first byte.
var regexWordStarts = func() (t [11]uint32) {
	for _, w := range []string{"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await"} {
		t[len(w)] |= 1 << (w[0] - 'a')
	}
	return t
}()

func regexAfterWord(w string) bool {
	if len(w) >= len(regexWordStarts) || w[0] < 'a' || w[0] > 'z' || regexWordStarts[len(w)]>>(w[0]-'a')&1 == 0 {
		return false
	}
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
		return l.cComments() || l.goSpecial(c)
	case LangJava:
		return l.cComments() || l.javaSpecial(c)
	case LangCSharp:
		return l.cComments() || l.csSpecial(c)
	case LangRust:
		return l.cComments() || l.rustSpecial(c)
	case LangPython:
		return l.pySpecial(c)
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
			l.run(true)
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
