package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

type env map[string]ast.Expr

// eval computes the string value of a constant-ish expression.
func eval(e ast.Expr, vars env, depth int) (string, bool) {
	if depth > 20 {
		return "", false
	}
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING || x.Kind == token.CHAR {
			s, err := strconv.Unquote(x.Value)
			return s, err == nil
		}
		return x.Value, true
	case *ast.ParenExpr:
		return eval(x.X, vars, depth+1)
	case *ast.Ident:
		if v, ok := vars[x.Name]; ok {
			return eval(v, vars, depth+1)
		}
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			a, ok1 := eval(x.X, vars, depth+1)
			b, ok2 := eval(x.Y, vars, depth+1)
			return a + b, ok1 && ok2
		}
	case *ast.CallExpr:
		sel, ok := x.Fun.(*ast.SelectorExpr)
		if !ok {
			return "", false
		}
		pkg, _ := sel.X.(*ast.Ident)
		if pkg == nil {
			return "", false
		}
		var args []any
		for _, a := range x.Args {
			s, ok := eval(a, vars, depth+1)
			if !ok {
				return "", false
			}
			args = append(args, s)
		}
		switch pkg.Name + "." + sel.Sel.Name {
		case "fmt.Sprintf":
			if len(args) == 0 {
				return "", false
			}
			f := args[0].(string)
			f = strings.ReplaceAll(f, "%d", "%s")
			f = strings.ReplaceAll(f, "%v", "%s")
			f = strings.ReplaceAll(f, "%q", "%q")
			return fmt.Sprintf(f, args[1:]...), true
		case "strings.Repeat":
			n, err := strconv.Atoi(args[1].(string))
			return strings.Repeat(args[0].(string), n), err == nil
		case "strings.ToUpper":
			return strings.ToUpper(args[0].(string)), true
		case "strings.ToLower":
			return strings.ToLower(args[0].(string)), true
		case "strings.Join":
			return "", false
		}
	}
	return "", false
}

// sample is one labelled input of a peer's rule tests.
type sample struct {
	Src  string   `json:"src"`
	Rule string   `json:"rule"`
	Kind string   `json:"kind"`
	Text string   `json:"text"`
	Want []string `json:"want,omitempty"`
	Case string   `json:"case"`
}

// extractTrufflehog walks trufflehog's pkg/detectors and writes the inputs
// of every Test*_Pattern table as JSON lines: kind tp when the case wants
// results, fp when it wants none. Inputs are evaluated from string literals,
// package-level strings, + and fmt.Sprintf; cases built otherwise are
// counted as unevaluable and skipped.
func extractTrufflehog(root string, w io.Writer) error {
	enc := json.NewEncoder(w)
	var files, tests, ok, bad int
	walkErr := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, "_test.go") || strings.Contains(p, "integration") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return nil
		}
		files++
		rule := strings.TrimPrefix(filepath.Dir(p), root+"/")
		vars := env{}
		for _, d := range f.Decls {
			g, isGen := d.(*ast.GenDecl)
			if !isGen {
				continue
			}
			for _, s := range g.Specs {
				vs, isVal := s.(*ast.ValueSpec)
				if !isVal {
					continue
				}
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						vars[n.Name] = vs.Values[i]
					}
				}
			}
		}
		for _, d := range f.Decls {
			fn, isFn := d.(*ast.FuncDecl)
			if !isFn || !strings.HasSuffix(fn.Name.Name, "_Pattern") || fn.Body == nil {
				continue
			}
			local := env{}
			for k, v := range vars {
				local[k] = v
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				// local string assignments
				if as, isAs := n.(*ast.AssignStmt); isAs && len(as.Lhs) == len(as.Rhs) {
					for i, l := range as.Lhs {
						if id, isId := l.(*ast.Ident); isId {
							local[id.Name] = as.Rhs[i]
						}
					}
				}
				cl, isCL := n.(*ast.CompositeLit)
				if !isCL {
					return true
				}
				var input, name ast.Expr
				var want ast.Expr
				hasWant := false
				for _, el := range cl.Elts {
					kv, isKV := el.(*ast.KeyValueExpr)
					if !isKV {
						continue
					}
					k, _ := kv.Key.(*ast.Ident)
					if k == nil {
						continue
					}
					switch k.Name {
					case "input":
						input = kv.Value
					case "name":
						name = kv.Value
					case "want":
						want, hasWant = kv.Value, true
					}
				}
				if input == nil {
					return true
				}
				tests++
				text, good := eval(input, local, 0)
				nm, _ := eval(name, local, 0)
				if !good {
					bad++
					return false
				}
				var ws []string
				if hasWant {
					if wl, isWL := want.(*ast.CompositeLit); isWL {
						for _, e := range wl.Elts {
							if s, okw := eval(e, local, 0); okw {
								ws = append(ws, s)
							}
						}
					}
				}
				kind := "fp"
				if len(ws) > 0 {
					kind = "tp"
				}
				ok++
				enc.Encode(sample{Src: "trufflehog", Rule: rule, Kind: kind, Text: text, Want: ws, Case: nm})
				return false
			})
		}
		return nil
	})
	if walkErr != nil {
		return fmt.Errorf("walk %s: %w", root, walkErr)
	}
	fmt.Fprintf(os.Stderr, "trufflehog: %d test files, %d cases, %d extracted, %d unevaluable\n", files, tests, ok, bad)
	return nil
}
