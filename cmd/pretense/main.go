// Command pretense keeps PHI, secrets and proprietary identifiers out of
// what developers commit and send to LLM APIs: all four jobs (scan, proxy,
// gate, audit). See internal/cli/full; cmd/pretense-scan is the commit
// hook's lean binary for `pretense scan` alone.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pretense/pretense/internal/cli"
	"github.com/pretense/pretense/internal/cli/full"
	// For its init: huge pages for the heap a short command fills (Linux).
	_ "github.com/pretense/pretense/internal/hugeheap"
)

func main() {
	cli.PauseGC() // until the command has set up
	os.Exit(run())
}

// run is main without the exit, so the end-to-end scripts run the same
// wiring (signals included) as the binary.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return full.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}
