// Command runtimes runs several commands in turn, RUNS times each, so all
// see the same machine load, and prints for each the median wall time
// (fork to exit), CPU time (user+sys from the kernel's rusage, in
// microseconds, finer than time(1)'s 10 ms), its user part, and minor page faults (first
// touches of memory; on a VM each can cost 15-50 us).
//
//	go run ./bench/runtimes RUNS 'LABEL|DIR|COMMAND ARG...' ...
//
// Arguments are split on spaces (no quoting). Exit status 1 (a scan's
// "findings") counts as a completed run; any other failure stops it.
// bench/floor.sh uses it.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type spec struct {
	label, dir string
	argv       []string
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: runtimes RUNS 'LABEL|DIR|COMMAND ARG...' ...")
		os.Exit(2)
	}
	runs, err := strconv.Atoi(os.Args[1])
	if err != nil || runs < 1 {
		fmt.Fprintln(os.Stderr, "runtimes: RUNS must be a positive number")
		os.Exit(2)
	}
	var specs []spec
	for _, a := range os.Args[2:] {
		p := strings.SplitN(a, "|", 3)
		if len(p) != 3 || len(strings.Fields(p[2])) == 0 {
			fmt.Fprintf(os.Stderr, "runtimes: %q is not LABEL|DIR|COMMAND\n", a)
			os.Exit(2)
		}
		specs = append(specs, spec{p[0], p[1], strings.Fields(p[2])})
	}
	wall := make([][]float64, len(specs))
	cpu := make([][]float64, len(specs))
	faults := make([][]float64, len(specs))
	user := make([][]float64, len(specs))
	for range runs {
		for i, s := range specs {
			w, c, u, f, err := run(s)
			if err != nil {
				fmt.Fprintf(os.Stderr, "runtimes: %s: %v\n", s.label, err)
				os.Exit(3)
			}
			wall[i] = append(wall[i], w)
			cpu[i] = append(cpu[i], c)
			faults[i] = append(faults[i], f)
			user[i] = append(user[i], u)
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("runs: %d  load: %s\n", runs, strings.Join(strings.Fields(string(load))[:3], " "))
	fmt.Printf("%-34s %9s %9s %8s %9s\n", "command", "wall_ms", "cpu_ms", "faults", "user_ms")
	for i, s := range specs {
		fmt.Printf("%-34s %9.1f %9.1f %8.0f %9.1f\n", s.label, median(wall[i]), median(cpu[i]), median(faults[i]), median(user[i]))
	}
}

// run runs s once: wall, CPU and user time in ms, minor faults.
func run(s spec) (wall, cpu, user, faults float64, err error) {
	c := exec.Command(s.argv[0], s.argv[1:]...)
	c.Dir = s.dir
	var stderr strings.Builder
	c.Stderr = &stderr
	start := time.Now()
	err = c.Run()
	elapsed := time.Since(start)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		return 0, 0, 0, 0, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0, 0, 0, fmt.Errorf("no rusage on this system")
	}
	used := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return ms(elapsed), ms(used), ms(time.Duration(ru.Utime.Nano())), float64(ru.Minflt), nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}
