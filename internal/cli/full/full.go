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
// as pretense-scan).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var g root
	return cli.Exec(ctx, &g, &g.Globals, args, stdin, stdout, stderr)
}
