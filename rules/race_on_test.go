//go:build race

package rules

// raceEnabled: the race detector slows the scan ten- to twentyfold, and
// the exhaustive path-equivalence tests below are single-goroutine checks
// of what the scan returns; under -race they take a stride through their
// inputs (the plain `go test` and the fuzz targets walk all of them).
const raceEnabled = true
