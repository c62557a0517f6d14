// Command pretense keeps PHI, secrets and proprietary identifiers out of
// what developers commit and send to LLM APIs. See internal/cli.
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
	cli.PauseGC() // until the command has set up
	os.Exit(run())
}

// run is main without the exit, so the end-to-end scripts run the same
// wiring (signals included) as the binary.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}
