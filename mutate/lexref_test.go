package mutate

import (
	"slices"
	"strings"
	"testing"
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

func FuzzLexAgree(f *testing.F) {
	fuzzSeedCorpus(f)
	f.Add("const $x = a$b + é中 / re/g; // c\n`t ${u$}`", uint8(0), false)
	f.Add("fr'{x!r}' rb\"y\" r#\"z\"# b'q' r#ident é_x", uint8(2), false)
	f.Add("$\"{a:F2}\" @\"v\"\"w\" $$\"\"\"{{x}}\"\"\" 'c'", uint8(5), false)
	f.Add("%w[a b] x % y <<~EOS\n  body\n  EOS\n=begin\nz\n=end\n", uint8(6), false)
	f.Add("SELECT [col] FROM $$body$$ -- c\n/* d */ \"q\"\"id\"", uint8(8), false)
	langs := Langs()
	f.Fuzz(func(t *testing.T, in string, li uint8, _ bool) {
		lang := langs[int(li)%len(langs)]
		got := lex(in, lang, nil)
		want := lexWith(in, lang, nil, refCode)
		if !slices.Equal(got, want) {
			t.Fatalf("%s %q:\n got %v\nwant %v", lang, in, got, want)
		}
	})
}
