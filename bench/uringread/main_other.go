//go:build !linux

// Command uringread is Linux's: io_uring is a Linux interface.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "uringread: io_uring is Linux only")
	os.Exit(1)
}
