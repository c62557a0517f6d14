package mutate

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// refCode is lexer.code as it was before the byte-class table and the
// inline identifier scan (commit 5dc7cd1): every byte through identLen,
// stringPrefix for every identifier, special for every punctuation byte.
// FuzzLexAgree holds the two to the same spans.
func refCode(l *lexer, nested bool) {
	depth, parens := 0, 0
	src := l.src
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.pos++
			continue
		case isDigit(c) || c == '.' && l.pos+1 < len(src) && isDigit(src[l.pos+1]):
			refNumber(l)
			l.regexOK = false
			continue
		case l.identLen(l.pos) > 0:
			start := l.pos
			l.pos = l.identEnd(l.pos)
			if l.stringPrefix(start) {
				continue
			}
			l.emit(spanIdent, start, l.pos)
			l.regexOK = refRegexAfterWord(src[start:l.pos])
			continue
		}
		if l.special(c) {
			continue
		}
		if nested && depth == 0 && parens == 0 && (l.lang == LangPython || l.lang == LangCSharp) {
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

// refRegexAfterWord is regexAfterWord without its filter.
func refRegexAfterWord(w string) bool {
	switch w {
	case "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await":
		return true
	}
	return false
}

// refNumber is lexer.number as it was before numberEnd: every byte
// through identLen.
func refNumber(l *lexer) {
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

// refTableCode is lexer.code as it was before the bulk path (commit
// 3e71f16): the byte-class table and the inline identifier scan, every
// byte through the loop. FuzzLexAgree holds code to it as well.
func refTableCode(l *lexer, nested bool) {
	depth, parens := 0, 0
	src := l.src
	dollar := l.lang == LangTS || l.lang == LangJS
	prefixes := l.lang == LangPython || l.lang == LangRust
	classes := classesOf(l.lang)
	pos := l.pos
	for pos < len(src) {
		c := src[pos]
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

func FuzzLexAgree(f *testing.F) {
	fuzzSeedCorpus(f)
	f.Add("const $x = a$b + é中 / re/g; // c\n`t ${u$}`", uint8(0), false)
	f.Add("fr'{x!r}' rb\"y\" r#\"z\"# b'q' r#ident é_x", uint8(2), false)
	f.Add("$\"{a:F2}\" @\"v\"\"w\" $$\"\"\"{{x}}\"\"\" 'c'", uint8(5), false)
	f.Add("%w[a b] x % y <<~EOS\n  body\n  EOS\n=begin\nz\n=end\n", uint8(6), false)
	f.Add("SELECT [col] FROM $$body$$ -- c\n/* d */ \"q\"\"id\"", uint8(8), false)
	// The bulk path: blocks of 64 bytes, word runs across them and up to
	// a stop byte or the end, numbers, long identifiers, string prefixes.
	long := strings.Repeat("x", 70)
	for li := range Langs() {
		for _, in := range []string{
			"const total1 = items.reduce((acc, item) => acc + item.amount * 1, 0); // running sum\nexport function getPatientRecord1(input: Input1): Output { return transform(input, 1); }\n",
			strings.Repeat("a1 ", 21) + "abcdefgh" + long + " 1.5e10.x .5é x" + long + "é",
			strings.Repeat(" ", 60) + "abcdefghij/2 + r\"x\" + r#y + f'z' + $x + a$b - 1$ + @v",
			"return /re/.test(x) " + strings.Repeat("_", 63) + "\"s\" x(1)/2",
			// Long enough for the masks of the whole source (minMasked).
			strings.Repeat("const total1 = items.reduce((acc, item) => acc + item.amount * 1, 0); // é\n", 4) + long + "1" + long,
		} {
			f.Add(in, uint8(li), false)
		}
	}
	langs := Langs()
	f.Fuzz(func(t *testing.T, in string, li uint8, _ bool) {
		lang := langs[int(li)%len(langs)]
		got := lex(in, lang, nil)
		want := lexWith(in, lang, nil, refCode)
		if !slices.Equal(got, want) {
			t.Fatalf("%s %q:\n got %v\nwant %v", lang, in, got, want)
		}
		if table := lexWith(in, lang, nil, refTableCode); !slices.Equal(got, table) {
			t.Fatalf("%s %q (against the table lexer):\n got %v\nwant %v", lang, in, got, table)
		}
	})
}
