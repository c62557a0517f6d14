package hugeheap

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// childEnv marks the run of this test binary that TestInitAdvises starts
// with GODEBUG=disablethp=1.
const childEnv = "HUGEHEAP_TEST_CHILD"

// init advises the heap exactly when the kernel's THP mode, read here
// apart from init's own reading, is madvise and GODEBUG does not disable
// THP; the advice shows in /proc/self/smaps as the mapping's "hg" flag in
// every mode. Where init advised, the mappings are also eligible for huge
// pages (THPeligible 1). The test reruns itself with GODEBUG=disablethp=1,
// so the branch that leaves the heap alone runs on every machine too.
func TestInitAdvises(t *testing.T) {
	raw, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	mode := ""
	if err == nil {
		mode = selectedMode(raw)
	}
	v, _ := os.LookupEnv("GODEBUG")
	want := mode == "madvise" && !strings.Contains(","+strings.ReplaceAll(v, " ", "")+",", ",disablethp=1,")
	if got := block != 0; got != want {
		t.Fatalf("THP mode %q, GODEBUG %q: init advised the heap = %v, want %v", mode, v, got, want)
	}
	addrs := []struct {
		name string
		addr uintptr
	}{{"first heap mapping", uintptr(unsafe.Pointer(first))}}
	if want {
		addrs = append(addrs, struct {
			name string
			addr uintptr
		}{"block start", block}, struct {
			name string
			addr uintptr
		}{"block end", block + Size - 1})
	}
	for _, a := range addrs {
		m, err := mappingOf(a.addr)
		if err != nil {
			t.Fatal(err)
		}
		if m.advised != want {
			t.Errorf("%s %#x: MADV_HUGEPAGE advice (smaps VmFlags hg) = %v, want %v", a.name, a.addr, m.advised, want)
		}
		if want && !m.eligible {
			t.Errorf("%s %#x is in a mapping not eligible for huge pages", a.name, a.addr)
		}
	}
	if os.Getenv(childEnv) != "" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInitAdvises$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", "GODEBUG="+strings.TrimPrefix(v+",disablethp=1", ","))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("with GODEBUG=disablethp=1: %v\n%s", err, out)
	}
}

// The spans init would advise for a fresh block are advised (smaps
// VmFlags hg) whatever the THP mode: the kernel records the advice even
// where it does not act on it ("always", "never").
func TestSpansAdvised(t *testing.T) {
	b := make([]byte, Size)
	p := uintptr(unsafe.Pointer(&b[0]))
	for _, sp := range spans(uintptr(unsafe.Pointer(first)), p) {
		if err := madvise(sp.addr, sp.n); err != nil {
			if _, serr := os.Stat("/sys/kernel/mm/transparent_hugepage"); serr != nil {
				t.Skipf("kernel without transparent huge pages: madvise: %v", err)
			}
			t.Fatalf("madvise %#x+%#x: %v", sp.addr, sp.n, err)
		}
	}
	for _, addr := range []uintptr{uintptr(unsafe.Pointer(first)), p, p + Size - 1} {
		m, err := mappingOf(addr)
		if err != nil {
			t.Fatal(err)
		}
		if !m.advised {
			t.Errorf("%#x: not advised (smaps VmFlags lacks hg)", addr)
		}
	}
	runtime.KeepAlive(b)
}

func TestSpans(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		name     string
		first, p uintptr
		want     []span
	}{
		{"block right after first", 0xc000000000 + 8*1024, 0xc000400000, []span{{0xc000000000, 4*mb + Size}}},
		{"unaligned block", 0xc000100000, 0xc000410000, []span{{0xc000000000, 8*mb + Size}}},
		{"block 64 MB away", 0xc000000000, 0xc004000000, []span{{0xc000000000, 4 * mb}, {0xc004000000, Size}}},
		{"block below first", 0xc008000000, 0xc000200000, []span{{0xc008000000, 4 * mb}, {0xc000000000, 4*mb + Size}}},
		{"block in first's mapping", 0xc000000000, 0xc000000000, []span{{0xc000000000, 4 * mb}, {0xc000000000, Size}}},
	} {
		got := spans(tc.first, tc.p)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: spans(%#x, %#x) = %#v, want %#v", tc.name, tc.first, tc.p, got, tc.want)
		}
		for _, sp := range got {
			if sp.addr%(4*mb) != 0 || sp.n%(4*mb) != 0 {
				t.Errorf("%s: span %#v is not 4 MB aligned", tc.name, sp)
			}
		}
		if end := got[len(got)-1]; end.addr+end.n < tc.p+Size {
			t.Errorf("%s: spans %#v end before the block does", tc.name, got)
		}
	}
}

// mapping is what /proc/self/smaps says of one mapping.
type mapping struct {
	eligible bool // THPeligible: 1
	advised  bool // VmFlags hg: MADV_HUGEPAGE
}

// mappingOf reads /proc/self/smaps for the mapping holding addr.
func mappingOf(addr uintptr) (mapping, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return mapping{}, err
	}
	defer f.Close()
	var m mapping
	in, found := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		// A mapping's header: "lo-hi perms offset dev inode [path]".
		if f := strings.Fields(line); len(f) >= 5 && len(f[1]) == 4 && strings.Contains(f[0], "-") {
			var lo, hi uintptr
			if n, _ := fmt.Sscanf(f[0], "%x-%x", &lo, &hi); n == 2 {
				in = lo <= addr && addr < hi
				found = found || in
				continue
			}
		}
		if !in {
			continue
		}
		if v, ok := strings.CutPrefix(line, "THPeligible:"); ok {
			m.eligible = strings.TrimSpace(v) == "1"
		}
		if v, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			m.advised = slices.Contains(strings.Fields(v), "hg")
		}
	}
	if err := sc.Err(); err != nil {
		return mapping{}, err
	}
	if !found {
		return mapping{}, fmt.Errorf("no mapping in /proc/self/smaps holds %#x", addr)
	}
	return m, nil
}

func TestSelectedMode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"always [madvise] never\n", "madvise"},
		{"[always] madvise never\n", "always"},
		{"always madvise [never]\n", "never"},
		{"always madvise never\n", ""},
		{"[madvise", ""},
		{"", ""},
	} {
		if got := selectedMode([]byte(tc.in)); got != tc.want {
			t.Errorf("selectedMode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestGodebugDisablesTHP(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", false},
		{"disablethp=1", true},
		{"inittrace=1,disablethp=1", true},
		{"disablethp=1, madvdontneed=1", true},
		{"disablethp=0", false},
		{"disablethp=1,disablethp=0", false},
		{"xdisablethp=1", false},
		{"disablethp", false},
	} {
		if got := godebugDisablesTHP(tc.in); got != tc.want {
			t.Errorf("godebugDisablesTHP(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// FuzzSelectedMode: any sysfs text gives "" or the word between its first
// '[' and the next ']', never a panic.
func FuzzSelectedMode(f *testing.F) {
	for _, s := range []string{"always [madvise] never\n", "[always] madvise never", "", "[", "]", "][", "[]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := selectedMode([]byte(s))
		if got == "" {
			return
		}
		i := strings.IndexByte(s, '[')
		if i < 0 || !strings.HasPrefix(s[i+1:], got+"]") || strings.ContainsAny(got, "]") {
			t.Fatalf("selectedMode(%q) = %q", s, got)
		}
	})
}

// gogcEnv marks the runs of this test binary that TestInitRestoresGOGC
// starts with a GOGC of its own.
const gogcEnv = "HUGEHEAP_TEST_GOGC"

// init turns collection off around the block and back to what the runtime
// read from GOGC: unset (100), a number, or off, checked in runs of this
// binary with each.
func TestInitRestoresGOGC(t *testing.T) {
	want := 100
	switch v := os.Getenv("GOGC"); v {
	case "":
	case "off":
		want = -1
	default:
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("GOGC=%q", v)
		}
		want = n
	}
	got := debug.SetGCPercent(want)
	if got != want {
		t.Errorf("GOGC=%q: the GC percent after init is %d, want %d", os.Getenv("GOGC"), got, want)
	}
	if os.Getenv(gogcEnv) != "" {
		return
	}
	for _, gogc := range []string{"37", "off", "250"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestInitRestoresGOGC$", "-test.count=1")
		cmd.Env = append(os.Environ(), gogcEnv+"=1", "GOGC="+gogc)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("with GOGC=%s: %v\n%s", gogc, err, out)
		}
	}
}

// gcAfterInit is the collector's count right after this package's init
// (this file's init runs after hugeheap_linux.go's, in file order).
var gcAfterInit struct{ all, forced uint32 }

func init() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gcAfterInit.all, gcAfterInit.forced = ms.NumGC, ms.NumForcedGC
}

// Where init advised the heap, it cost one collection, the forced one
// that frees the block: with collection on, allocating the block (over
// the first goal) started a second.
func TestInitOneCollection(t *testing.T) {
	if block == 0 {
		t.Skip("init did not advise the heap here (THP mode or GODEBUG); TestInitAdvises checks that decision")
	}
	if gcAfterInit.all != 1 || gcAfterInit.forced != 1 {
		t.Errorf("after init: %d collections, %d forced; want 1 and 1", gcAfterInit.all, gcAfterInit.forced)
	}
}
