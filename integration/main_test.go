package integration

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pretense/pretense/internal/luhn"
	"github.com/pretense/pretense/internal/testtool"
	"github.com/pretense/pretense/rules"
)

// suite is what TestMain prepares once for every test.
type suite struct {
	root    string            // module root of this checkout
	bin     string            // pretense built from it
	scanBin string            // pretense-scan built from it, beside bin
	goEnv   map[string]string // the caller's Go caches, kept when HOME moves
	seed    uint64
	tmpDir  string
}

var env suite // set once by TestMain, read-only afterwards

func TestMain(m *testing.M) {
	if err := setup(); err != nil {
		fmt.Fprintf(os.Stderr, "integration: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(env.tmpDir)
	os.Exit(code)
}

func setup() error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	env.root = filepath.Dir(wd)
	if _, err := os.Stat(filepath.Join(env.root, "go.mod")); err != nil {
		return fmt.Errorf("module root not found above %s: %w", wd, err)
	}
	env.tmpDir, err = os.MkdirTemp("", "pretense-integration")
	if err != nil {
		return err
	}
	env.goEnv = map[string]string{}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			return fmt.Errorf("go env %s: %w", k, err)
		}
		env.goEnv[k] = strings.TrimSpace(string(out))
	}
	// Every module of the build list goes into the module cache here (a
	// no-op when it is already there, as after go vet ./...), so the
	// builds the tests trigger (the action's build step, pre-commit's
	// go install ./...) run with GOPROXY=off.
	dl := exec.Command("go", "mod", "download")
	dl.Dir = env.root
	dl.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := dl.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod download: %w\n%s", err, out)
	}
	// Both binaries, side by side as go install and the release archives
	// put them: the hook the tests install runs pretense-scan from there.
	env.bin = filepath.Join(env.tmpDir, "bin", "pretense")
	env.scanBin = env.bin + "-scan"
	for bin, pkg := range map[string]string{env.bin: "./cmd/pretense", env.scanBin: "./cmd/pretense-scan"} {
		build := exec.Command("go", "build", "-o", bin, pkg)
		build.Dir = env.root
		build.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOPROXY=off")
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %w\n%s", pkg, err, out)
		}
	}
	env.seed = uint64(time.Now().UnixNano())
	if s := os.Getenv("PRETENSE_TEST_SEED"); s != "" {
		if env.seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			return fmt.Errorf("PRETENSE_TEST_SEED: %w", err)
		}
	}
	return nil
}

// rng is a per-test generator; the seed is logged so a failure can be
// replayed with PRETENSE_TEST_SEED.
func rng(t *testing.T) *rand.Rand {
	t.Helper()
	t.Logf("fixture seed %d (replay with PRETENSE_TEST_SEED)", env.seed)
	return rand.New(rand.NewPCG(env.seed, uint64(len(t.Name()))))
}

// need returns a system program these tests run for real: missing, the
// test skips with the install command, or fails under CI (see testtool).
func need(t *testing.T, tool, install string) string {
	t.Helper()
	return testtool.Need(t, install, tool)
}

// goTool returns the binary of a tool pinned by a tool directive in go.mod
// (`go tool -n` builds it into the cache if needed and prints its path), so
// these tests need nothing installed beyond Go.
func goTool(t *testing.T, name string) string {
	t.Helper()
	cmd := exec.Command("go", "tool", "-n", name)
	cmd.Dir = env.root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go tool -n %s: %v (is it a tool directive in go.mod?)", name, err)
	}
	return strings.TrimSpace(string(out))
}

// cleanEnv is the process environment without anything a surrounding git
// hook, CI job or user config could leak in (GIT_*, GITHUB_*, RUNNER_*,
// PRETENSE_*, pre-commit's own variables), with its own HOME and git
// config, the caller's Go caches, and no network for Go.
func cleanEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	write(t, cfg, "[user]\n\tname = Pretense Test\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[advice]\n\tdetachedHead = false\n")
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "GIT_"), strings.HasPrefix(k, "GITHUB_"), strings.HasPrefix(k, "RUNNER_"),
			strings.HasPrefix(k, "PRETENSE_"), strings.HasPrefix(k, "PRE_COMMIT"), strings.HasPrefix(k, "INPUT_"),
			k == "HOME", k == "GOCACHE", k == "GOMODCACHE", k == "GOPATH", k == "GOPROXY", k == "GOTOOLCHAIN", k == "CI":
			continue
		}
		out = append(out, kv)
	}
	return append(out,
		"HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+cfg,
		"GOCACHE="+env.goEnv["GOCACHE"],
		"GOMODCACHE="+env.goEnv["GOMODCACHE"],
		"GOPATH="+env.goEnv["GOPATH"],
		"GOPROXY=off",
		"GOTOOLCHAIN=local",
		"PRE_COMMIT_HOME="+filepath.Join(home, "pre-commit-cache"),
	)
}

// result is a finished command.
type result struct {
	code int
	out  string // stdout and stderr interleaved, as a terminal shows them
}

func run(t *testing.T, dir string, environ []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = environ
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %v: %v", name, args, err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, out: b.String()}
}

// repo is a git repository in a temporary directory, driven by the git
// command line: commits must run hooks, which only git itself does.
type repo struct {
	t   *testing.T
	dir string
	env []string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	need(t, "git", "apt-get install git")
	r := &repo{t: t, dir: filepath.Join(t.TempDir(), "repo"), env: cleanEnv(t)}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q")
	write(t, filepath.Join(r.dir, "README.md"), "# test project\n")
	r.git("add", "README.md")
	r.git("commit", "-q", "-m", "initial commit")
	return r
}

// git runs git in the repository and fails the test when it fails.
func (r *repo) git(args ...string) string {
	r.t.Helper()
	res := run(r.t, r.dir, r.env, "git", args...)
	if res.code != 0 {
		r.t.Fatalf("git %v: exit %d\n%s", args, res.code, res.out)
	}
	return strings.TrimSpace(res.out)
}

func (r *repo) head() string { return r.git("rev-parse", "HEAD") }

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeExec writes an executable script to path: a fake or a shim of a
// program, put first on a test's PATH.
func writeExec(t *testing.T, path, script string) {
	t.Helper()
	write(t, path, script)
	if err := os.Chmod(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

// githubToken is a well-formed, random (never real) classic GitHub token,
// expanded from the same kind of template the rules' samples use.
func githubToken(t *testing.T, r *rand.Rand) string {
	t.Helper()
	tok, err := rules.ExpandSample("ghp_{alnum:36}", r)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// secretFile is Python source holding a token on line 2.
func secretFile(t *testing.T, r *rand.Rand) (content, token string) {
	token = githubToken(t, r)
	return "import os\nGITHUB_TOKEN = \"" + token + "\"\nprint(os.getcwd())\n", token
}

// ssn is a random SSN from the issued ranges: area 001–899 without 666,
// group 01–99, serial 0001–9999, and none of the numbers validators reject
// as samples (one repeated digit, the published advertising numbers).
func ssn(r *rand.Rand) string {
	for {
		area := 1 + r.IntN(899)
		s := fmt.Sprintf("%03d-%02d-%04d", area, 1+r.IntN(99), 1+r.IntN(9999))
		digits := strings.ReplaceAll(s, "-", "")
		if area == 666 || strings.Count(digits, digits[:1]) == 9 || digits == "078051120" || digits == "219099999" {
			continue
		}
		return s
	}
}

// npi is a random National Provider Identifier with a valid check digit
// (Luhn over the prefix 80840 and the first nine digits).
func npi(r *rand.Rand) string {
	var b strings.Builder
	b.WriteByte(byte('1' + r.IntN(2)))
	for range 8 {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	nine := b.String()
	if strings.Count(nine, nine[:1]) == 9 {
		return npi(r) // a placeholder, not an identifier
	}
	check, _ := luhn.CheckDigit("80840" + nine) // nine ASCII digits: always ok
	return nine + string(check)
}

// phiFile is a YAML patient fixture with an SSN on line 3 and an NPI on
// line 4.
func phiFile(r *rand.Rand) string {
	return "patient:\n  name_id: 42\n  ssn: \"" + ssn(r) + "\"\n  npi: \"" + npi(r) + "\"\n"
}
