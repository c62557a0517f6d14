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

type root struct {
	Globals

	Scan    scanCmd    `cmd:"" help:"Scan a directory, git history, a commit range, staged changes or stdin for secrets and PHI."`
	Proxy   proxyGroup `cmd:"" aliases:"start" help:"Run the local LLM proxy that mutates identifiers and blocks secrets and PHI."`
	Mutate  mutateCmd  `cmd:"" help:"Print a file (or stdin) with sensitive identifiers replaced by keyed synthetics, or reverse it."`
	Gate    gateCmd    `cmd:"" help:"Check that every LLM endpoint of this environment routes through the proxy."`
	Audit   auditCmd   `cmd:"" help:"Show, export, verify and report on the tamper-evident audit log."`
	Config  configCmd  `cmd:"" help:"Read and change configuration."`
	Init    initCmd    `cmd:"" help:"Write a commented .pretense.yaml and a .pretenseignore."`
	Hook    hookCmd    `cmd:"" help:"Install or remove the git pre-commit hook."`
	Version versionCmd `cmd:"" help:"Print the version."`
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

// usageError marks err as the user's mistake (exit 2).
func usageError(err error) error { return &exitError{code: ExitUsage, err: err} }

// usageErrorf formats a usage error.
func usageErrorf(format string, a ...any) error { return usageError(fmt.Errorf(format, a...)) }

// runtimeError marks err as a failure while doing the work (exit 3).
func runtimeError(err error) error { return &exitError{code: ExitRuntime, err: err} }

// withHint attaches a one-line fix to an error.
func withHint(err error, hint string) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return &exitError{code: ee.code, err: ee.err, hint: hint}
	}
	return &exitError{code: ExitRuntime, err: err, hint: hint}
}

// errFindings is returned by commands that completed but found something:
// exit 1, with nothing more to print.
var errFindings = errors.New("findings")

// exitWith is errFindings with the status --exit-code chose (gitleaks'
// flag): 0 reports findings without failing the job.
func exitWith(code int) error {
	if code == ExitFindings {
		return errFindings
	}
	return &exitError{code: code, err: errFindings}
}

// kongExit stops kong from calling os.Exit: help and parse errors become
// panics caught in Run.
type kongExit struct{ code int }

// Run parses args, runs the command and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	var cli root
	streams := &IO{In: stdin, Out: stdout, Err: stderr}
	parser, err := kong.New(&cli,
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
	return exitCode(kctx.Run(&cli.Globals), stderr)
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
	if errors.Is(err, errFindings) {
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
