package gitobj_test

import (
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
// Verify of a 100 MB blob, packed whole and as a delta, and of an object
// read whole, for docs/git-scanning.md (CPU time, load-independent
// enough on a shared machine; it writes about 300 MB to a temporary
// directory).
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
	for name, id := range ids {
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
		t.Logf("%-18s (%s) Verify of 100 MB: CPU median %v (min %v, max %v)", name, stored[id], cs[2], cs[0], cs[4])
		sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
		t.Logf("%-18s (%s) Verify of 100 MB: median %v (min %v, max %v)", name, stored[id], ts[2], ts[0], ts[4])
	}
}
