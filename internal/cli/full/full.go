// Package full is pretense's whole command line: the commands of package
// cli (scan, mutate, config, init, hook, version) and the ones whose
// dependencies the commit hook should not pay for at every start: proxy
// (net/http, the AWS and Google SDKs, Prometheus), gate and audit.
// cmd/pretense runs this grammar; cmd/pretense-scan runs cli's alone.
package full

import (
	"context"
	"io"

	"github.com/pretense/pretense/internal/cli"
)

type root struct {
	cli.Globals

	Scan    cli.ScanCmd    `cmd:""`
	Proxy   proxyGroup     `cmd:"" aliases:"start"`
	Mutate  cli.MutateCmd  `cmd:""`
	Gate    gateCmd        `cmd:""`
	Audit   auditCmd       `cmd:""`
	Config  cli.ConfigCmd  `cmd:""`
	Init    cli.InitCmd    `cmd:""`
	Hook    cli.HookCmd    `cmd:""`
	Version cli.VersionCmd `cmd:""`
}

// Run parses args against the whole grammar, runs the command and returns
// the process exit code (cli.Exec: the same parsing, help and exit codes
// as pretense-scan). `pretense scan …`, what the commit hook runs, is
// parsed against the scan-only grammar (cli.RunScan): kong builds its
// model of every command of a grammar at each start, ~30 M instructions
// for this one against ~11 M for scan's, a tenth of a scan of a small
// directory. The scan command, its flags, help and errors are the same
// in both (TestRunScanSameAsFull); a global flag before "scan" takes the
// whole grammar.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "scan" {
		return cli.RunScan(ctx, args[1:], stdin, stdout, stderr)
	}
	return runFull(ctx, args, stdin, stdout, stderr)
}

// runFull is Run against the whole grammar, whatever the command.
func runFull(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var g root
	return cli.Exec(ctx, &g, &g.Globals, args, stdin, stdout, stderr)
}
