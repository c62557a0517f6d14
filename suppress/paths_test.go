package suppress

import (
	"strings"
	"testing"
)

func TestCutDir(t *testing.T) {
	for _, tc := range []struct {
		rel, dir, rest string
		ok             bool
	}{
		{"a/b", "a", "b", true},
		{"a/b/c", "a/b", "c", true},
		{"a", "a", "a", false},
		{"ab/c", "a", "ab/c", false},
		{"a/", "a", "", true},
		{"b/a/c", "a", "b/a/c", false},
		{"", "a", "", false},
		{"/x", "", "x", true},
	} {
		rest, ok := cutDir(tc.rel, tc.dir)
		want, wantOK := strings.CutPrefix(tc.rel, tc.dir+"/")
		if rest != tc.rest || ok != tc.ok || rest != want || ok != wantOK {
			t.Errorf("cutDir(%q, %q) = %q, %v; want %q, %v", tc.rel, tc.dir, rest, ok, tc.rest, tc.ok)
		}
	}
}

// A directory walk asks PopTo and Match for every file: with directory
// patterns and paths longer than 32 bytes they must not allocate.
func TestPathsWalkDoesNotAllocate(t *testing.T) {
	var p Paths
	dir := "internal/some/rather/deeply/nested/package/dir"
	p.Add("", []string{"*.log"})
	p.Push("")
	p.Push(dir)
	p.Add(dir, []string{"gen/", "*.pb.go"})
	rel := dir + "/handlers/http_server_test_fixture.go"
	allocs := testing.AllocsPerRun(100, func() {
		p.PopTo(rel)
		if p.Match(rel, false) {
			t.Fatal("matched")
		}
	})
	if allocs != 0 {
		t.Fatalf("PopTo and Match allocated %.0f times", allocs)
	}
}

// FuzzCutDir: cutDir is strings.CutPrefix(rel, dir+"/").
func FuzzCutDir(f *testing.F) {
	f.Add("a/b", "a")
	f.Add("a", "")
	f.Fuzz(func(t *testing.T, rel, dir string) {
		rest, ok := cutDir(rel, dir)
		want, wantOK := strings.CutPrefix(rel, dir+"/")
		if rest != want || ok != wantOK {
			t.Fatalf("cutDir(%q, %q) = %q, %v; want %q, %v", rel, dir, rest, ok, want, wantOK)
		}
	})
}
