//go:build !unix

package testtool

import "time"

// ProcessCPU is 0 where getrusage is missing; callers then report no CPU
// figure.
func ProcessCPU() time.Duration { return 0 }
