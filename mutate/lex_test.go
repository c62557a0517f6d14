package mutate

import (
	"slices"
	"strings"
	"testing"
)

// lexed returns the identifiers and the words in text spans.
func lexed(src string, lang Lang) (idents, text []string) {
	for _, sp := range lex(src, lang, nil) {
		if sp.kind == spanIdent {
			idents = append(idents, src[sp.start:sp.end])
			continue
		}
		text = append(text, wordRuns(src[sp.start:sp.end])...)
	}
	return idents, text
}

func TestLexers(t *testing.T) {
	tests := []struct {
		name   string
		lang   Lang
		src    string
		idents []string
		text   []string // words inside comments/strings (order-insensitive subset)
	}{
		{"ts template literal", LangTS, "const s = `a ${b + `c ${d}`} e` // f", []string{"const", "s", "b", "d"}, []string{"a", "c", "e", "f"}},
		{"ts regex vs division", LangTS, "x = a / b / c; y = /mrn[/]x/gi.test(z)", []string{"x", "a", "b", "c", "y", "test", "z"}, []string{"mrn", "x"}},
		{"js $ identifiers and numbers", LangJS, "$a = 0x1F + 1_000n + .5 + $b$", []string{"$a", "$b$"}, nil},
		{"js unterminated string stops at newline", LangJS, "'abc\nmrn", []string{"mrn"}, []string{"abc"}},
		{"python triple and prefixes", LangPython, "x = rb'raw' + '''a\n'b'\n''' + F\"{mrn!r} {{lit}}\" # c", []string{"x", "mrn"}, []string{"raw", "a", "b", "lit", "c"}},
		{"python f-string nested quotes", LangPython, "f\"{d['key']} tail\"", []string{"d"}, []string{"key", "tail"}},
		{"go raw string and rune", LangGo, "s := `raw \"x\" mrn` + string('\\'') + y", []string{"s", "string", "y"}, []string{"raw", "x", "mrn"}},
		{"java text block", LangJava, "String s = \"\"\"\n  a \"b\" c\n  \"\"\"; char q = '\"'; int z;", []string{"String", "s", "char", "q", "int", "z"}, []string{"a", "b", "c"}},
		{"csharp verbatim and interpolated", LangCSharp, "var a = @\"C:\\x\"\"q\"\"\" + $\"{mrn:N2} {{no}}\" + $@\"{dob}\\\"; var @class = 1;", []string{"var", "a", "mrn", "dob", "var", "class"}, []string{"C", "x", "q", "no", "N2"}},
		{"csharp raw string", LangCSharp, "var r = \"\"\"\n \"quoted\" mrn\n \"\"\"; int k;", []string{"var", "r", "int", "k"}, []string{"quoted", "mrn"}},
		{"ruby interpolation, percent literal, =begin", LangRuby, "=begin\ndoc mrn\n=end\nputs \"a #{dob} b\" + %w[x y].join # c", []string{"puts", "dob", "join"}, []string{"doc", "mrn", "a", "b", "x", "y", "c"}},
		{"ruby heredoc", LangRuby, "q = <<~SQL.strip + x\n  SELECT mrn\n  SQL\ny = a << b", []string{"q", "strip", "x", "y", "a", "b"}, []string{"SELECT", "mrn"}},
		{"rust raw strings and lifetimes", LangRust, "fn f<'a>(x: &'a str) -> char { let r = r##\"a \"# b\"##; let c = '\\''; let d = 'z'; r#type }", []string{"fn", "f", "a", "x", "a", "str", "char", "let", "r", "let", "c", "let", "d", "type"}, []string{"a", "b", "z"}},
		{"rust nested comment", LangRust, "/* a /* b */ c */ x", []string{"x"}, []string{"a", "b", "c"}},
		{"sql quoting", LangSQL, "SELECT \"Patient Id\", `t`.[col] FROM x WHERE y = 'it''s' -- c\n/* d */ AND $$e$$", []string{"SELECT", "Patient", "Id", "t", "col", "FROM", "x", "WHERE", "y", "AND"}, []string{"it", "s", "c", "d", "e"}},
		{"markdown fences", LangMarkdown, "prose mrn\n```go\nvar dob int // c\n```\nafter\n~~~unknownlang\nx y\n~~~\n", []string{"var", "dob", "int"}, []string{"prose", "mrn", "go", "c", "after", "unknownlang", "x", "y"}},
		{"markdown inline code", LangMarkdown, "use `ledger.post()` or ``a `b` c`` and `unclosed\nx`", []string{"ledger", "post", "a", "b", "c"}, []string{"use", "or", "and", "unclosed", "x"}},
		{"unterminated fence", LangText, "a\n```py\nmrn = 1\n", []string{"mrn"}, []string{"a", "py"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			idents, text := lexed(tc.src, tc.lang)
			if !slices.Equal(idents, tc.idents) {
				t.Errorf("identifiers %q, want %q", idents, tc.idents)
			}
			for _, w := range tc.text {
				if !slices.Contains(text, w) {
					t.Errorf("text words %q lack %q", text, w)
				}
			}
			for _, w := range text {
				if slices.Contains(tc.idents, w) && !slices.Contains(tc.text, w) {
					t.Errorf("%q lexed as text, want an identifier", w)
				}
			}
		})
	}
}

func TestLexUnterminatedNeverPanics(t *testing.T) {
	inputs := []string{"\"", "'", "`", "/*", "r#\"", "f'{", "`${", "$\"{", "#{", "%w[", "$$", "[", "=begin", "'''", `"""`, "@\"", "b'", "'\\", "```"}
	for _, l := range Langs() {
		for _, in := range inputs {
			for _, s := range []string{in, "x " + in + " mrn", in + strings.Repeat("{", 100)} {
				sp := lex(s, l, nil)
				for _, p := range sp {
					if p.end > len(s) || p.start >= p.end {
						t.Fatalf("%s %q: bad span %+v", l, s, p)
					}
				}
			}
		}
	}
	// Deep interpolation nesting stays bounded.
	deep := strings.Repeat("`${", 10000) + "mrn"
	lex(deep, LangTS, nil)
}

func TestWords(t *testing.T) {
	tests := map[string]string{
		"patientRecord":     "patient record",
		"PatientRecord":     "patient record",
		"patient_record_id": "patient record id",
		"HTTPServerURL":     "http server url",
		"icd10Code":         "icd 10 code",
		"MAX_PATIENTS":      "max patients",
		"__init__":          "init",
		"getMRN":            "get mrn",
		"XMLHttpRequest":    "xml http request",
		"dateOfBirth2":      "date of birth 2",
	}
	for in, want := range tests {
		lower, b := words(in, nil, nil)
		var got []string
		for _, w := range b {
			got = append(got, string(lower[w[0]:w[1]]))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsPHI(t *testing.T) {
	s := newSets()
	var sc scratch
	yes := []string{"patient", "Patients", "mrn", "MRN", "dob", "dateOfBirth", "date_of_birth", "birthDate", "ssn", "npiNumber",
		"deaNumber", "diagnosisCodes", "primaryDiagnosis", "icd10", "insuranceMemberId", "subscriberId", "claimLines",
		"prescriptionFill", "prescribedAt", "physicianName", "providerNpi", "encounterId", "admissionDate", "dischargeSummary",
		"medicalRecordNumber", "socialSecurityNumber", "healthPlanId", "patientid", "dateofbirth", "MedicalRecord"}
	no := []string{"idea", "ideas", "remember", "dead", "business", "record", "date", "number", "total", "address", "claimant2x", "member2"}
	for _, w := range yes {
		if !s.isPHI(w, &sc) {
			t.Errorf("isPHI(%q) = false", w)
		}
	}
	for _, w := range no[:len(no)-2] {
		if s.isPHI(w, &sc) {
			t.Errorf("isPHI(%q) = true", w)
		}
	}
}

func TestUnicodeWords(t *testing.T) {
	s := newTestSession(t, PolicyPHI)
	in := "the patient’s chart — patiëntDossier, 患者 and the patient’s MRN\n"
	out := s.Mutate(in, LangText)
	if !strings.Contains(out, "’s chart — ") || strings.Contains(out, "patient") || strings.Contains(out, "MRN") { // pretense:allow
		t.Errorf("got %q", out)
	}
	if back, _ := s.Reverse(out); back != in {
		t.Errorf("round trip %q", back)
	}
	idents, _ := lexed("var größe = naïveCount", LangGo)
	if !slices.Equal(idents, []string{"var", "größe", "naïveCount"}) {
		t.Errorf("unicode identifiers: %q", idents)
	}
}

// TestVocabularyDisjoint: no keyword, builtin, standard name or common word
// is PHI, or the exclusion lists would hide PHI under the all policy.
func TestVocabularyDisjoint(t *testing.T) {
	s := newSets()
	var sc scratch
	for _, set := range []map[string]struct{}{s.excluded, s.stdPkgs, s.common} {
		for w := range set {
			if s.isPHI(w, &sc) {
				t.Errorf("%q is both excluded and PHI", w)
			}
		}
	}
}

// TestRegexAfterWord: the length-and-first-letter filter in front of the
// word list turns away no word of the list.
func TestRegexAfterWord(t *testing.T) {
	words := map[string]bool{
		"return": true, "typeof": true, "case": true, "do": true, "else": true, "in": true, "of": true,
		"new": true, "delete": true, "void": true, "throw": true, "instanceof": true, "yield": true, "await": true,
		"returns": false, "Return": false, "x": false, "_": false, "$": false, "d": false, "news": false,
		"instanceOf": false, "items": false, "reduce": false, "é": false, "awaitable": false,
	}
	for w, want := range words {
		if got := regexAfterWord(w); got != want {
			t.Errorf("regexAfterWord(%q) = %t, want %t", w, got, want)
		}
	}
}

// TestLower8: the eight-bytes-at-once lowercasing of lowerInto agrees
// with the byte loop on every byte value in every position.
func TestLower8(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			b := []byte("aZ_9Qz0x")
			b[pos] = byte(c)
			for n := 8; n <= 16; n++ {
				s := strings.Repeat(string(b), 2)[:n]
				got := make([]byte, n)
				lowerInto(got, s)
				want := make([]byte, n)
				for i := range n {
					want[i] = s[i]
					if want[i] >= 'A' && want[i] <= 'Z' {
						want[i] += 32
					}
				}
				if string(got) != string(want) {
					t.Fatalf("lowerInto(%q) = %q, want %q", s, got, want)
				}
			}
		}
	}
}
