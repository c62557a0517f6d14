package rules

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

// TestLabelGate: the name rule's candidates without a label are dropped
// before the regex; those with one, those a title may shift (person-name
// trims "Mr") and those whose match may cover the next candidate are kept.
func TestLabelGate(t *testing.T) {
	rs, err := Compile(Builtin(), Options{PHIMode: ModeStandard})
	if err != nil {
		t.Fatal(err)
	}
	var cr *compiledRule
	for _, r := range rs.rules {
		if r.def.ID == "phi-patient-name" {
			cr = r
		}
	}
	if cr == nil || !cr.labelGated(rs.mode) {
		t.Fatal("phi-patient-name is not under the label gate")
	}
	tests := []struct {
		name, data string
		want       []string // the words of the candidates kept
	}{
		{"code without labels", "export function getPatientRecord(input: Input0): Output { return x; }", nil},
		// "Patient" is a word person-name trims; Alma's match may cover
		// Quist, which has a label.
		{"strong label", "Patient name: Alma Quist", []string{"Patient", "Alma", "Quist"}}, // pretense:allow: synthetic name
		{"title may shift", "report: Mr. Quist", []string{"Mr"}},
		{"next candidate inside the match", "report: Alma Quist", []string{"Alma"}}, // pretense:allow: synthetic name
	}
	for _, tt := range tests {
		data := []byte(tt.data)
		sc := &scanState{}
		sc.lines.reset(data, nil)
		w := span{0, len(data)}
		cands, ok := cr.lead.candidates(data, w, nil, false)
		if !ok {
			t.Fatalf("%s: too many candidates", tt.name)
		}
		var got []string
		for _, p := range rs.labelGate(cr, data, w, cands, cr.lead.forms, sc) {
			e := p
			for e < len(data) && asciiLetter(data[e]) {
				e++
			}
			got = append(got, tt.data[p:e])
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: kept %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestValueAtStart: the gate needs the value to start where the match does.
func TestValueAtStart(t *testing.T) {
	for _, tt := range []struct {
		pat  string
		want bool
	}{
		{`\b([A-Z][a-z]+)`, true},
		{`(?m)^(\d{5})`, true},
		{`([A-Z])x`, true},
		{`name: ([A-Z][a-z]+)`, false},
		{`\b(?:Mr\. )?([A-Z][a-z]+)`, false},
		{`[A-Z]([a-z]+)`, false},
	} {
		rs, err := Compile([]Rule{{ID: "t", Pattern: tt.pat, Keywords: []string{"x"}, SecretGroup: 1}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		re, err := syntax.Parse(rs.rules[0].rx.pat, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := valueAtStart(re, 1); got != tt.want {
			t.Errorf("valueAtStart(%q) = %v, want %v", tt.pat, got, tt.want)
		}
	}
}

// TestChecksKeepStart guards what the label gate assumes: no check but
// person-name moves a value's start (CheckContext.Start), so the label a
// gated candidate is searched for is where applyContext searches. A check
// that assigns Start must be handled in labelgate.go first.
func TestChecksKeepStart(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var movers []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				var lhs []ast.Expr
				switch s := n.(type) {
				case *ast.AssignStmt:
					lhs = s.Lhs
				case *ast.IncDecStmt:
					lhs = []ast.Expr{s.X}
				}
				for _, e := range lhs {
					if sel, ok := e.(*ast.SelectorExpr); ok && sel.Sel.Name == "Start" && takesCheckContext(fn) {
						movers = append(movers, fn.Name.Name)
					}
				}
				return true
			})
		}
	}
	slices.Sort(movers)
	if movers = slices.Compact(movers); !slices.Equal(movers, []string{"checkPersonName"}) {
		t.Errorf("functions taking a *CheckContext that assign a Start: %v, want [checkPersonName]", movers)
	}
}

// takesCheckContext reports whether fn has a *CheckContext parameter.
func takesCheckContext(fn *ast.FuncDecl) bool {
	for _, p := range fn.Type.Params.List {
		if st, ok := p.Type.(*ast.StarExpr); ok {
			if id, ok := st.X.(*ast.Ident); ok && id.Name == "CheckContext" {
				return true
			}
		}
	}
	return false
}
