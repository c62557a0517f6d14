package gitleaksconf

import (
	"testing"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// FuzzParse: any input either is refused with an error or gives rules
// that compile, scan and filter without panicking. A configuration Parse
// accepts must never fail later in rules.Compile: every check is made at
// load time, where the error names the field.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"[[rules]]\nid='a'\nregex='''a(b)c'''\nsecretGroup=1\nkeywords=['a']\nentropy=1.5\n",
		"[[rules]]\nid='x'\nregex='tok-[0-9]+'\npath='\\.env$'\n[[rules.allowlists]]\ncondition='AND'\nregexTarget='line'\nregexes=['L']\npaths=['^o/']\n",
		"[[rules]]\nid='x'\nregex='k=(\\w+)|k:(\\w+)'\n[rules.allowlist]\nstopwords=['t']\ncommits=['abc']\n",
		"[allowlist]\npaths=['^v/']\n[[rules]]\nid='y'\nregex='y'\n",
		"[extend]\nuseDefault=true\ndisabledRules=['a']\n[[allowlists]]\ntargetRules=['z']\nregexes=['q']\n[[rules]]\nid='z'\nregex='z+'\n",
		"[[rules]]\nid='r'\nregex='r'\n[[rules.required]]\nid='s'\nwithinLines=1\n",
		"title='t'\nminVersion='v8.25.0'\n[[rules]]\nID='a'\nRegex='b'\nSecretGroup=0\n",
	} {
		f.Add([]byte(s))
	}
	data := []byte("k=abc123 a1bc tok-12345 y zzz gitleaks:allow\nk:xyz L\n")
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := Parse(raw)
		if err != nil {
			return
		}
		rs, err := rules.Compile(c.Rules(), rules.Options{})
		if err != nil {
			t.Fatalf("Parse accepted rules that do not compile: %v", err)
		}
		fs := rules.Findings(data, rs.Scan(data), "o/a.env", finding.NewFingerprinter(nil))
		for i := range fs {
			fs[i].Commit = "abc"
		}
		c.Filter(fs)
	})
}
