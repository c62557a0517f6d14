//go:build !amd64 || purego

package rules

// longRunVector is false: eachLongRun's block loop is faster than
// longRunEventsGo without vectors.
const longRunVector = false

func longRunEvents(buf *[longRunBlocks + 4]uint64, n int) uint64 {
	return longRunEventsGo(buf[:n+1])
}
