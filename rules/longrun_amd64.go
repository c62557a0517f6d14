//go:build !purego

package rules

import "github.com/pretense/pretense/internal/bytemask"

// longRunVector says eachLongRun finds its event blocks with
// longRunEventsAVX2; it classifies with AVX2 then (bytemask.Vector).
var longRunVector = bytemask.Vector

// longRunEventsAVX2 is longrun_amd64.s: longRunEventsGo of buf[1:n+1]
// after buf[0], reading buf up to buf[4*ceil(n/4)], bits from n on
// unspecified.
//
//go:noescape
func longRunEventsAVX2(buf *uint64, n int) uint64

func longRunEvents(buf *[longRunBlocks + 4]uint64, n int) uint64 {
	return longRunEventsAVX2(&buf[0], n) & (1<<n - 1)
}
