// Package cli is pretense's composition root: the kong grammar (one file
// per command), loading configuration, building the engines from options,
// and mapping every error to the documented exit codes in one place.
//
// Exit codes: 0 clean; 1 findings, gate violations or a blocked request;
// 2 usage or configuration error; 3 runtime error (I/O, corrupt repository).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/pretense/pretense/internal/version"
)

// Exit codes, everywhere.
const (
	ExitClean    = 0
	ExitFindings = 1
	ExitUsage    = 2
	ExitRuntime  = 3
)

// IO carries the process streams, bound once so every command can use them
// and tests can replace them with buffers.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// Globals are flags every command accepts.
//
// NO_COLOR is read by colorOn, not bound to --no-color: no-color.org says any
// non-empty value disables colour, and a bool flag bound to the variable
// made NO_COLOR=x an error and NO_COLOR=0 a request for colour.
type Globals struct {
	Config      string           `help:"Project config file (default .pretense.yaml at the scanned root)." type:"path" env:"PRETENSE_CONFIG" placeholder:"FILE"`
	NoColor     bool             `name:"no-color" help:"Never colour output (so does NO_COLOR set to anything; FORCE_COLOR forces it)."`
	Quiet       bool             `short:"q" help:"Print only findings and errors." xor:"verbosity"`
	Verbose     bool             `short:"v" help:"Also print what was skipped or suppressed, and why." xor:"verbosity"`
	ShowVersion kong.VersionFlag `name:"version" short:"V" help:"Print the version and exit."`
}

// colorOn decides whether output to w is coloured: --no-color or a
// non-empty NO_COLOR turn it off; a FORCE_COLOR other than "", "0" or
// "false" turns it on (CI logs that render ANSI); else only a terminal.
func (g *Globals) colorOn(w io.Writer, getenv func(string) string) bool {
	if g.NoColor || getenv("NO_COLOR") != "" {
		return false
	}
	switch getenv("FORCE_COLOR") {
	case "", "0", "false":
		return isTerminal(w)
	}
	return true
}

// Root is the grammar of the commands this package holds: scanning and
// what sets it up (hook, init, config), mutate and version. The full
// command line (internal/cli/full) adds proxy, gate and audit in a grammar
// of its own that takes these commands' help from Help, so both read the
// same. Their dependencies (net/http, the AWS and Google SDKs, Prometheus)
// cost every process ~10 ms of package initialisation: the commit hook's
// binary, cmd/pretense-scan, runs `scan` from this grammar alone.
type Root struct {
	Globals

	Scan    ScanCmd    `cmd:""`
	Mutate  MutateCmd  `cmd:""`
	Config  ConfigCmd  `cmd:""`
	Init    InitCmd    `cmd:""`
	Hook    HookCmd    `cmd:""`
	Version VersionCmd `cmd:""`
}

// Help is the one-line help of each command, by name; both grammars
// take it (Exec sets it on the parsed model). Not kong variables in the
// tags: kong interpolates every variable it holds for every flag, and
// these nine cost ~20 M instructions (~10 ms) a start.
var Help = map[string]string{
	"scan":    "Scan a directory, git history, a commit range, staged changes or stdin for secrets and PHI.",
	"proxy":   "Run the local LLM proxy that mutates identifiers and blocks secrets and PHI.",
	"mutate":  "Print a file (or stdin) with sensitive identifiers replaced by keyed synthetics, or reverse it.",
	"gate":    "Check that every LLM endpoint of this environment routes through the proxy.",
	"audit":   "Show, export, verify and report on the tamper-evident audit log.",
	"config":  "Read and change configuration.",
	"init":    "Write a commented .pretense.yaml and a .pretenseignore.",
	"hook":    "Install or remove the git pre-commit hook.",
	"version": "Print the version.",
}

// rawArgs are the arguments as given. kong replaces an invalid UTF-8 byte
// with U+FFFD while parsing; commands that must refuse such input (config
// set) check these.
type rawArgs []string

// exitError carries the exit code an error maps to.
type exitError struct {
	code int
	err  error
	hint string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// UsageError marks err as the user's mistake (exit 2).
func UsageError(err error) error { return &exitError{code: ExitUsage, err: err} }

// UsageErrorf formats a usage error.
func UsageErrorf(format string, a ...any) error { return UsageError(fmt.Errorf(format, a...)) }

// RuntimeError marks err as a failure while doing the work (exit 3).
func RuntimeError(err error) error { return &exitError{code: ExitRuntime, err: err} }

// WithHint attaches a one-line fix to an error.
func WithHint(err error, hint string) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return &exitError{code: ee.code, err: ee.err, hint: hint}
	}
	return &exitError{code: ExitRuntime, err: err, hint: hint}
}

// ErrFindings is returned by commands that completed but found something:
// exit 1, with nothing more to print.
var ErrFindings = errors.New("findings")

// exitWith is ErrFindings with the status --exit-code chose (gitleaks'
// flag): 0 reports findings without failing the job.
func exitWith(code int) error {
	if code == ExitFindings {
		return ErrFindings
	}
	return &exitError{code: code, err: ErrFindings}
}

// kongExit stops kong from calling os.Exit: help and parse errors become
// panics caught in Run.
type kongExit struct{ code int }

// Run parses args against Root, runs the command and returns the process
// exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var g Root
	return Exec(ctx, &g, &g.Globals, args, stdin, stdout, stderr)
}

// scanOnly is pretense-scan's grammar: kong builds its model of every
// command in the grammar at each start (~1 ms for Root's), so the hook's
// binary has the one it runs.
type scanOnly struct {
	Globals

	Scan ScanCmd `cmd:""`
}

// RunScan runs `pretense scan` with args, the arguments after "scan".
func RunScan(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var g scanOnly
	return Exec(ctx, &g, &g.Globals, append([]string{"scan"}, args...), stdin, stdout, stderr)
}

// Exec parses args against grammar, a kong grammar struct that embeds
// *globals, runs the command and returns the process exit code. Parsing,
// help, panics and the mapping of errors to exit codes are the same for
// every grammar.
func Exec(ctx context.Context, grammar any, globals *Globals, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	streams := &IO{In: stdin, Out: stdout, Err: stderr}
	parser, err := kong.New(grammar,
		kong.Name("pretense"),
		kong.Description("Keeps PHI, secrets and proprietary identifiers out of commits and LLM requests."),
		kong.UsageOnError(),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(kongExit{c}) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"version": "pretense " + version.Long()},
		kong.BindTo(ctx, (*context.Context)(nil)),
		kong.Bind(streams, rawArgs(args)),
	)
	if err != nil {
		fmt.Fprintf(stderr, "pretense: internal error: %v\n", err)
		return ExitRuntime
	}
	for _, c := range parser.Model.Children {
		if h, ok := Help[c.Name]; ok && c.Help == "" {
			c.Help = h
		}
	}
	defer func() {
		if r := recover(); r != nil {
			ke, ok := r.(kongExit)
			if !ok {
				// A bug, not the user's fault: say so and exit as a
				// runtime error rather than dumping a goroutine trace.
				fmt.Fprintf(stderr, "pretense: internal error: %v\n%s", r, debug.Stack())
				code = ExitRuntime
				return
			}
			code = ke.code
			if code != 0 {
				code = ExitUsage
			}
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "pretense: error: %v\n", err)
		if kctx != nil {
			fmt.Fprintf(stderr, "pretense: hint: run '%s --help'\n", strings.TrimSpace(kctx.Command()))
		}
		return ExitUsage
	}
	if !strings.HasPrefix(kctx.Command(), "scan") {
		resumeGC() // only a scan holds it off longer: see PauseGC
	}
	return exitCode(kctx.Run(globals), stderr)
}

// exitCode maps an error to its exit code and prints it once.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return ExitClean
	}
	code := ExitRuntime
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if errors.Is(err, ErrFindings) {
		if ee != nil {
			return code // --exit-code
		}
		return ExitFindings
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "pretense: interrupted")
		return ExitRuntime
	}
	fmt.Fprintf(stderr, "pretense: error: %v\n", err)
	if ee != nil && ee.hint != "" {
		fmt.Fprintf(stderr, "pretense: hint: %s\n", ee.hint)
	}
	return code
}
