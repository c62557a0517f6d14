// Package hugeheap gives the start of the Go heap transparent huge pages
// on Linux systems that hand them out only on request
// (/sys/kernel/mm/transparent_hugepage/enabled = madvise, the default of
// Ubuntu, among others). It has no API: main imports it for its init.
//
// Why: a short command (a pre-commit `pretense scan --staged`) touches
// 6-12 MB of fresh heap, 1,500-2,500 4 KB pages, and each first touch is
// a page fault. Where those are dear (on the VM the figures in
// docs/git-scanning.md come from, 15-50 us each; a 2 MB huge page costs
// about what one 4 KB page does) they were a third of a start's CPU time.
// With THP in "always" mode the kernel does this for every process, in
// "never" mode (or with GODEBUG=disablethp=1, the runtime's own switch)
// nothing is done.
//
// How: the Go runtime maps its heap in 4 MB steps, each a new mapping
// without the huge-page advice, so advising the heap as it is would cover
// little. The init below, which runs before nearly every other package's
// (it imports only syscall and runtime; Go initialises packages in import
// path order as their dependencies allow), allocates one Size block,
// which makes the runtime map that much heap at once, advises that range
// (and the rest of the runtime's first 4 MB heap mapping) MADV_HUGEPAGE,
// and frees the block with a collection of the still tiny heap (~1 ms).
// The allocations of the package inits and the command that follow fill
// those free pages from the lowest address up, 2 MB per fault. The block
// is never written to, so what it costs in memory is only what is used
// afterwards, rounded up to 2 MB.
package hugeheap

// Size is how much heap is mapped with the huge-page advice at start-up:
// more than a one-file scan (~8 MB) or a --staged scan of ten files
// (~12 MB) allocates before it exits, and what a directory scan's heap
// peaks at with one worker (~30 MB at GOGC=200: 16 MB left a scan of
// $GOROOT/src ~3,600 4 KB page faults past the advised range). The block
// is never written, so a command that uses less costs only the address
// space. Beyond it the heap grows as usual.
const Size = 64 << 20
