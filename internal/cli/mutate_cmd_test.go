package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

const mutateSample = `// Medical Record Number lookup
interface PatientRecord { mrn: string; dateOfBirth: string; total: number }
export function getPatient(mrn: string): PatientRecord { return cache[mrn] }
`

var synthWord = regexp.MustCompile(`_(cls|fn|v)[A-Za-z2-9]{11}`)

func TestMutateCommandRoundTrip(t *testing.T) {
	home, work := cliEnv(t)
	src := filepath.Join(work, "patient.ts")
	if err := os.WriteFile(src, []byte(mutateSample), 0o644); err != nil {
		t.Fatal(err)
	}
	mapFile := filepath.Join(work, "map.json")
	code, out, errs := runStdin(t, "", "mutate", src, "--map-out", mapFile)
	if code != 0 {
		t.Fatalf("mutate: exit %d: %s", code, errs)
	}
	for _, w := range []string{"PatientRecord", "mrn", "dateOfBirth", "getPatient", "Medical", "Record"} {
		if regexp.MustCompile(`\b` + w + `\b`).MatchString(out) {
			t.Errorf("%q survives in %s", w, out)
		}
	}
	if !strings.Contains(out, "total: number") || len(synthWord.FindAllString(out, -1)) < 8 {
		t.Errorf("unexpected output:\n%s", out)
	}
	if !strings.Contains(errs, "mutated 6 identifiers (ts, policy phi)") {
		t.Errorf("stderr %q", errs)
	}
	if runtime.GOOS != "windows" {
		for _, p := range []string{filepath.Join(home, "key"), mapFile} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %04o, want 0600", p, fi.Mode().Perm())
			}
		}
	}
	// Same key, same output: a second run is identical.
	if _, again, _ := runStdin(t, "", "mutate", src); again != out {
		t.Error("second run with the same key differs")
	}
	// The model's answer: our text plus derived names, restored from stdin.
	syn := synthWord.FindString(out)
	answer := out + "\nSee " + syn + "List.\n"
	code, back, errs := runStdin(t, answer, "mutate", "--reverse", "--map", mapFile)
	if code != 0 {
		t.Fatalf("reverse: exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(back, mutateSample) || strings.Contains(back, syn) {
		t.Errorf("reverse gave:\n%s", back)
	}
	if !strings.Contains(errs, "fidelity 1.00") {
		t.Errorf("stderr %q", errs)
	}
	// A synthetic that is not in the map is reported, exit still 0.
	foreign := "_vabcdefghj" // not checksum-valid: plain text, untouched
	code, back, errs = runStdin(t, out+foreign, "mutate", "--reverse", "--map", mapFile, "-q")
	if code != 0 || !strings.HasSuffix(back, foreign) || errs != "" {
		t.Errorf("quiet reverse: %d %q %q", code, back[len(back)-20:], errs)
	}
}

// Reverse with a map that restores nothing: exit 1 and no output when the
// input carries synthetics (the wrong map); exit 0 and the text unchanged
// when it carries none.
func TestMutateReverseWrongMap(t *testing.T) {
	_, work := cliEnv(t)
	mapA := filepath.Join(work, "a.json")
	t.Setenv("PRETENSE_KEY", strings.Repeat("1a", 32))
	if code, _, errs := runStdin(t, mutateSample, "mutate", "--lang", "ts", "--map-out", mapA); code != 0 {
		t.Fatalf("mutate A: %d %s", code, errs)
	}
	t.Setenv("PRETENSE_KEY", strings.Repeat("2b", 32))
	code, outB, errs := runStdin(t, mutateSample, "mutate", "--lang", "ts")
	if code != 0 || len(synthWord.FindAllString(outB, -1)) == 0 {
		t.Fatalf("mutate B: %d %s", code, errs)
	}
	for _, tc := range []struct {
		name, in string
		code     int
		out      string
		stderr   string
	}{
		{"synthetics of another key", outB, 1, "", "none of the "},
		{"no synthetics at all", "plain text, nothing mutated\n", 0, "plain text, nothing mutated\n", "no synthetics in the input"},
		{"empty input", "", 0, "", "no synthetics in the input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runStdin(t, tc.in, "mutate", "--reverse", "--map", mapA)
			if code != tc.code || out != tc.out || !strings.Contains(errs, tc.stderr) {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
			}
		})
	}
}

func TestMutateCommandStdinLangAndPolicy(t *testing.T) {
	cliEnv(t)
	t.Setenv("PRETENSE_KEY", strings.Repeat("5a", 32))
	py := "def compute_invoice_total(line_items):\n    return sum(line_items)  # patient\n"
	code, phi, _ := runStdin(t, py, "mutate", "--lang", "python")
	if code != 0 || !strings.Contains(phi, "compute_invoice_total") || strings.Contains(phi, "# patient") {
		t.Errorf("phi policy: %d\n%s", code, phi)
	}
	code, all, _ := runStdin(t, py, "mutate", "--lang", "py", "--policy", "all")
	if code != 0 || strings.Contains(all, "compute_invoice_total") || strings.Contains(all, "line_items") {
		t.Errorf("all policy: %d\n%s", code, all)
	}
	// The environment picks the policy when no flag does.
	t.Setenv("PRETENSE_MUTATION_POLICY", "all")
	if _, env, _ := runStdin(t, py, "mutate", "--lang", "py"); env != all {
		t.Errorf("PRETENSE_MUTATION_POLICY=all gave\n%s", env)
	}
	// PRETENSE_KEY means no key file is created.
	if _, err := os.Stat(filepath.Join(os.Getenv("PRETENSE_HOME"), "key")); err == nil {
		t.Error("a key file was created although PRETENSE_KEY was set")
	}
	// Plain text from stdin is prose.
	if _, out, _ := runStdin(t, "the patient's MRN", "mutate"); strings.Contains(out, "patient") || strings.Contains(out, "MRN") { // pretense:allow
		t.Errorf("prose not mutated: %q", out)
	}
}

func TestMutateCommandErrors(t *testing.T) {
	home, work := cliEnv(t)
	goodMap := filepath.Join(work, "good.json")
	if code, _, errs := runStdin(t, "mrn", "mutate", "--map-out", goodMap); code != 0 {
		t.Fatalf("setup: %d %s", code, errs)
	}
	badMap := filepath.Join(work, "bad.json")
	os.WriteFile(badMap, []byte(`{"format":"nope"}`), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"reverse without map", []string{"mutate", "--reverse"}, 2, "--reverse needs --map"},
		{"map without reverse", []string{"mutate", "--map", goodMap}, 2, "only used with --reverse"},
		{"map-out with reverse", []string{"mutate", "--reverse", "--map", goodMap, "--map-out", "x"}, 2, "cannot be used with --reverse"},
		{"unknown lang", []string{"mutate", "--lang", "cobol"}, 2, `unknown --lang "cobol"`},
		{"unknown policy", []string{"mutate", "--policy", "most"}, 2, "most"},
		{"missing input", []string{"mutate", filepath.Join(work, "nope.ts")}, 2, "open input"},
		{"directory input", []string{"mutate", work}, 2, "is a directory"},
		{"missing map", []string{"mutate", "--reverse", "--map", filepath.Join(work, "nope.json")}, 2, "open map"},
		{"corrupt map", []string{"mutate", "--reverse", "--map", badMap}, 2, "read mutation map"},
		{"map-out unwritable", []string{"mutate", "--map-out", filepath.Join(work, "no", "dir", "m.json")}, 3, "write map"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runStdin(t, "mrn", tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tc.code, tc.want)
			}
			if code != 0 && out != "" {
				t.Errorf("output on failure: %q", out)
			}
		})
	}
	_ = home
}

func TestMutateCommandKeyErrors(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions")
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, key string)
		want  string
	}{
		{"world-readable key", func(t *testing.T, key string) {
			os.WriteFile(key, []byte(strings.Repeat("ab", 32)), 0o600)
			os.Chmod(key, 0o644)
		}, "mode 0644, want 0600"},
		{"key is a directory", func(t *testing.T, key string) {
			os.Mkdir(key, 0o700)
		}, "not a regular file"},
		{"empty key", func(t *testing.T, key string) {
			os.WriteFile(key, nil, 0o600)
		}, "is empty"},
		{"dangling link", func(t *testing.T, key string) {
			os.Symlink(key+".gone", key)
		}, "dangling"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home, _ := cliEnv(t)
			os.MkdirAll(home, 0o700)
			tc.setup(t, filepath.Join(home, "key"))
			code, out, errs := runStdin(t, "const mrn = 1", "mutate", "--lang", "ts")
			if code != 2 || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "hint: set PRETENSE_KEY") {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, tc.want)
			}
			if out != "" {
				t.Errorf("printed %q without a key", out)
			}
		})
	}
}

func TestMutateCommandPolicyFromConfig(t *testing.T) {
	_, work := cliEnv(t)
	t.Setenv("PRETENSE_KEY", strings.Repeat("6b", 32))
	if err := os.WriteFile(filepath.Join(work, ".pretense.yaml"), []byte("mutation-policy: all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	py := "def reconcile_ledger(rows):\n    return rows\n"
	code, out, errs := runStdin(t, py, "mutate", "--lang", "py")
	if code != 0 || strings.Contains(out, "reconcile_ledger") || !strings.Contains(errs, "policy all") {
		t.Errorf("project config ignored: %d %q %q", code, out, errs)
	}
	code, out, errs = runStdin(t, py, "mutate", "--lang", "py", "--policy", "phi")
	if code != 0 || !strings.Contains(out, "reconcile_ledger") || !strings.Contains(errs, "policy phi") {
		t.Errorf("--policy does not win over the project file: %d %q %q", code, out, errs)
	}
	os.WriteFile(filepath.Join(work, ".pretense.yaml"), []byte("mutation-policy: most\n"), 0o644)
	if code, _, errs := runStdin(t, py, "mutate", "--lang", "py"); code != 2 || !strings.Contains(errs, "mutation-policy") {
		t.Errorf("bad config value: %d %q", code, errs)
	}
}
