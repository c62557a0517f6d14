package hugeheap

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// With THP in madvise mode, the heap the runtime had mapped
// when init ran, and the 16 MB it mapped for the block, lie in mappings the
// kernel may back with huge pages (smaps: THPeligible 1). Without the
// advice the heap's mappings are not eligible in madvise mode.
func TestHeapIsTHPEligible(t *testing.T) {
	if m := thpMode(); m != "madvise" {
		t.Skipf("transparent huge pages are %q here, not madvise", m)
	}
	if v, ok := os.LookupEnv("GODEBUG"); ok && godebugDisablesTHP(v) {
		t.Skip("GODEBUG disables THP")
	}
	for _, a := range []struct {
		name string
		addr uintptr
	}{
		{"first heap mapping", uintptr(unsafe.Pointer(first))},
		{"block start", block},
		{"block end", block + Size - 1},
	} {
		eligible, err := thpEligible(a.addr)
		if err != nil {
			t.Fatal(err)
		}
		if !eligible {
			t.Errorf("%s %#x is in a mapping not eligible for huge pages", a.name, a.addr)
		}
	}
}

// thpEligible reads /proc/self/smaps for the mapping holding addr.
func thpEligible(addr uintptr) (bool, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return false, err
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		// A mapping's header: "lo-hi perms offset dev inode [path]".
		if f := strings.Fields(line); len(f) >= 5 && len(f[1]) == 4 && strings.Contains(f[0], "-") {
			var lo, hi uintptr
			if n, _ := fmt.Sscanf(f[0], "%x-%x", &lo, &hi); n == 2 {
				in = lo <= addr && addr < hi
				continue
			}
		}
		if in && strings.HasPrefix(line, "THPeligible:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "THPeligible:")) == "1", nil
		}
	}
	if err := sc.Err(); err != nil {
		return false, err
	}
	return false, fmt.Errorf("no mapping in /proc/self/smaps holds %#x", addr)
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
