//go:build !linux

// Command mmapread is Linux's: it compares read(2) with mmap(2) as the
// scanner's Linux reads would use them.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "mmapread: Linux only")
	os.Exit(1)
}
