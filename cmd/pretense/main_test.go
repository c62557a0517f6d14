package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pretense/pretense/internal/testtool"
	"github.com/pretense/pretense/rules"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pretense": func() { os.Exit(run()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: the real
// binary entry point, real files, real exit codes.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		// [ci]: the tests run under CI, where a script must not skip for
		// a missing program (`[!exec:git] [!ci] skip`), as testtool rules.
		Condition: func(cond string) (bool, error) {
			if cond == "ci" {
				return testtool.InCI(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("PRETENSE_HOME", env.WorkDir+"/.pretense-home")
			env.Setenv("HOME", env.WorkDir+"/home")
			// PRETENSE_BIN is the pretense that scripts run (testscript's
			// copy of this test binary on PATH), for commands that record
			// an executable's path, such as the git hook.
			for _, dir := range filepath.SplitList(env.Getenv("PATH")) {
				if p := filepath.Join(dir, "pretense"); fileExists(p) {
					env.Setenv("PRETENSE_BIN", p)
					break
				}
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"upstream": cmdUpstream,
			"freeport": cmdFreePort,
			"waithttp": cmdWaitHTTP,
			"post":     cmdPost,
			// gen FILE TEMPLATE...: write rules.ExpandSample(TEMPLATE) lines
			// to FILE, so scripts hold no secret-shaped literal.
			"gen": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: gen FILE TEMPLATE...")
				}
				rng := rand.New(rand.NewPCG(uint64(len(args[0])), 42))
				var b strings.Builder
				for _, tmpl := range args[1:] {
					s, err := rules.ExpandSample(tmpl, rng)
					ts.Check(err)
					b.WriteString(s + "\n")
				}
				ts.Check(os.MkdirAll(filepath.Dir(ts.MkAbs(args[0])), 0o755))
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o644))
			},
			// device PATH: PATH is still a device or pipe, not a regular
			// file that replaced it.
			"device": func(ts *testscript.TestScript, neg bool, args []string) {
				fi, err := os.Stat(args[0])
				ts.Check(err)
				isDev := fi.Mode()&(os.ModeCharDevice|os.ModeNamedPipe|os.ModeDevice) != 0
				if isDev == neg {
					ts.Fatalf("%s: mode %v", args[0], fi.Mode())
				}
			},
			// absent OUT SRC: OUT (a file, stdout or stderr) holds none of
			// the values that gen wrote to SRC.
			"absent": func(ts *testscript.TestScript, neg bool, args []string) {
				data := ts.ReadFile(args[0])
				src, err := os.ReadFile(ts.MkAbs(args[1]))
				ts.Check(err)
				for _, line := range strings.Split(strings.TrimSpace(string(src)), "\n") {
					_, val, _ := strings.Cut(line, "=")
					val = strings.Trim(strings.TrimSpace(val), `"`)
					if len(val) > 8 && strings.Contains(data, val) {
						ts.Fatalf("%s leaks a value from %s", args[0], args[1])
					}
				}
				fmt.Fprintf(ts.Stdout(), "no value of %s in %s\n", args[1], args[0])
			},
		},
	})
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
