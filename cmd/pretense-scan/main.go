// Command pretense-scan is `pretense scan` in a binary of its own, for the
// git pre-commit hook: it runs at every commit, and a process that links
// the proxy's dependencies (net/http, the AWS and Google SDKs, Prometheus)
// spends ~10 ms initialising them before it reads a file. It takes the
// same flags, configuration, output and exit codes as `pretense scan`;
// `pretense-scan --staged` is `pretense scan --staged`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pretense/pretense/internal/cli"
	// For its init: huge pages for the heap a short command fills (Linux).
	_ "github.com/pretense/pretense/internal/hugeheap"
)

func main() {
	cli.PauseGC() // until the scan has set up
	os.Exit(run(os.Args[1:]))
}

// run is main without the exit, for the end-to-end scripts.
func run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.RunScan(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}
