package gitobj_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/internal/testtool"
)

// TestMeasureVerify (run by hand with PRETENSE_MEASURE_VERIFY=1) times
// Verify of 100 MB blobs packed whole and as a delta, and of three
// versions of a 320 MB blob (a delta chain git writes, so the cost per
// byte of a delta several times the 64 MB limit shows), for
// docs/git-scanning.md (CPU time per 100 MB, load-independent enough on a
// shared machine; it writes about 1.3 GB to a temporary directory).
func TestMeasureVerify(t *testing.T) {
	if os.Getenv("PRETENSE_MEASURE_VERIFY") == "" {
		t.Skip("set PRETENSE_MEASURE_VERIFY=1")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b.invalid", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b.invalid")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := map[string][]byte{}
	rnd := make([]byte, 100<<20)
	for i := range rnd {
		rnd[i] = byte(rng.UintN(256))
	}
	kinds["random.bin"] = rnd
	tab := make([]byte, 0, 100<<20)
	for i := 0; len(tab) < 100<<20; i++ {
		tab = append(tab, []byte("row\x00")...)
		tab = append(tab, byte(i), byte(i>>8), byte(rng.UintN(256)), '\n')
	}
	kinds["table.bin"] = tab[:100<<20]
	for name, b := range kinds {
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	git("add", ".")
	git("commit", "-qm", "v1")
	edited := append([]byte(nil), tab[:100<<20]...)
	copy(edited[50<<20:], "an edit in the middle")
	os.WriteFile(filepath.Join(dir, "table.bin"), edited, 0o644)
	git("add", ".")
	git("commit", "-qm", "v2")
	// Three versions of a 320 MB file, each an edit of the one before:
	// git stores two of them as deltas (the chain's depth is up to 2).
	big := make([]byte, 0, 320<<20)
	for i := 0; len(big) < 320<<20; i++ {
		big = append(big, []byte("cell\x00")...)
		big = append(big, byte(i), byte(i>>8), byte(i>>16), byte(rng.UintN(256)), '\n')
	}
	big = big[:320<<20]
	bigs := map[string][]byte{}
	for v, at := range []int{0, 200 << 20, 70 << 20} {
		if at > 0 {
			big = append([]byte(nil), big...)
			copy(big[at:], fmt.Sprintf("edit %d", v))
		}
		bigs[fmt.Sprintf("big.bin v%d", v+1)] = big
		os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644)
		git("add", ".")
		git("commit", "-qm", fmt.Sprintf("big v%d", v+1))
	}
	git("repack", "-adq", "--window=10")
	r, err := gitobj.OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Objects(gitobj.Options{MaxSize: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rd := s.NewReader()
	ids := map[string]gitobj.Hash{
		"random.bin":       r.Format.BlobID(rnd),
		"table.bin":        r.Format.BlobID(kinds["table.bin"]),
		"table.bin edited": r.Format.BlobID(edited),
	}
	sizes := map[string]int{"random.bin": len(rnd), "table.bin": len(kinds["table.bin"]), "table.bin edited": len(edited)}
	for name, b := range bigs {
		ids[name], sizes[name] = r.Format.BlobID(b), len(b)
	}
	names := make([]string, 0, len(ids))
	for name := range ids {
		names = append(names, name)
	}
	sort.Strings(names)
	stored := map[gitobj.Hash]string{}
	for _, p := range s.Packs() {
		if err := p.Load(); err != nil {
			t.Fatal(err)
		}
		for i, e := range p.Entries {
			h, _ := p.Hash(int32(i))
			stored[h] = e.Type.String()
		}
	}
	per100 := func(d time.Duration, n int) time.Duration { return d * (100 << 20) / time.Duration(n) }
	for _, name := range names {
		id, n := ids[name], sizes[name]
		var ts, cs []time.Duration
		for range 5 {
			start, cpu := time.Now(), testtool.ProcessCPU()
			if err := rd.Verify(id); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ts = append(ts, time.Since(start))
			cs = append(cs, testtool.ProcessCPU()-cpu)
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i] < cs[j] })
		sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
		t.Logf("%-18s (%-9s %3d MB) Verify CPU per 100 MB: median %v (min %v, max %v); wall per 100 MB median %v",
			name, stored[id], n>>20, per100(cs[2], n), per100(cs[0], n), per100(cs[4], n), per100(ts[2], n))
	}
}
