//go:build linux

package scanner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/pretense/pretense/internal/testfs"
)

// walkTrace runs walk over root and records what it sends (rel, size and
// the path the worker would open) and what it skips, in order.
func walkTrace(t *testing.T, root string, opts Options, walk func(string, *treeVisitor, func(walkItem) error) error) (sent, skipped []string) {
	t.Helper()
	gv, err := openGitView(root)
	if err != nil {
		t.Fatal(err)
	}
	v := &treeVisitor{root: root, opts: opts, gv: gv, addSkip: func(rel, reason string) {
		skipped = append(skipped, rel+": "+reason)
	}}
	v.own.Add("", opts.Ignore)
	v.own.Push("")
	err = walk(root, v, func(it walkItem) error {
		if it.size == sizeUnknown {
			// The worker learns the size by reading; an empty file
			// it leaves out (scanFileDirect).
			fi, err := os.Lstat(it.path())
			if err != nil {
				t.Fatal(err)
			}
			if it.size = fi.Size(); !wantSize(it.size) {
				it.release()
				return nil
			}
		}
		sent = append(sent, fmt.Sprintf("%s %d %s", it.rel, it.size, it.path()))
		it.release()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sent, skipped
}

// The walk that reads directories itself and opens files relative to
// their directory must send and skip exactly what filepath.WalkDir's walk
// does, in the same order: ignore files at every depth (listed or not),
// .git, links, empty and over-size files, a FIFO, names that sort
// differently as bytes and as paths.
func TestWalkersAgree(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		".gitignore":             "*.log\nbuild/\n!keep.log\n",
		IgnoreFile:               "secret_dir/\n",
		"a/.gitignore":           "x.txt\n",
		"a/x.txt":                "x",
		"a/y.txt":                "y",
		"a-b/f.txt":              "f",
		"a.b/f.txt":              "f",
		"a0/f.txt":               "f",
		"B/f.txt":                "f",
		"b.log":                  "log",
		"keep.log":               "keep",
		"build/out.txt":          "out",
		"secret_dir/z.txt":       "z",
		".git/config":            "[core]",
		"empty.txt":              "",
		"big.txt":                strings.Repeat("b", 2000),
		"deep/1/2/3/4/5/6.go":    "package six",
		"deep/1/2/" + IgnoreFile: "3/4/\n",
		"ünï/çødé.txt":           "u",
		"sp ace/f g.txt":         "s",
	}
	for name, content := range files {
		write(t, root, name, content)
	}
	if err := os.Symlink("a/y.txt", filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a", filepath.Join(root, "dirlink")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := Options{MaxFileSize: 1000, Ignore: []string{"a0/"}}
	wantSent, wantSkipped := walkTrace(t, root, opts, walkTreeStd)
	gotSent, gotSkipped := walkTrace(t, root, opts, walkTree)
	if !reflect.DeepEqual(gotSent, wantSent) || !reflect.DeepEqual(gotSkipped, wantSkipped) {
		t.Fatalf("walkTree sent\n%s\nskipped %q\nfilepath.WalkDir's walk sent\n%s\nskipped %q",
			strings.Join(gotSent, "\n"), gotSkipped, strings.Join(wantSent, "\n"), wantSkipped)
	}
	if len(wantSent) < 8 {
		t.Fatalf("fixture too small: %q", wantSent)
	}
	// A real tree: the Go sources of the toolchain running the test.
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	src := filepath.Join(strings.TrimSpace(string(goroot)), "src", "net")
	if _, err := os.Stat(src); err != nil {
		t.Skip("no GOROOT sources")
	}
	wantSent, wantSkipped = walkTrace(t, src, Options{}, walkTreeStd)
	gotSent, gotSkipped = walkTrace(t, src, Options{}, walkTree)
	if !reflect.DeepEqual(gotSent, wantSent) || !reflect.DeepEqual(gotSkipped, wantSkipped) {
		t.Fatalf("walks of %s differ: %d and %d files sent", src, len(gotSent), len(wantSent))
	}
}

// openFDs counts this process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(ents)
}

// Every directory descriptor the walk hands to the workers is closed by
// the end of a scan, whether it completes or is cancelled halfway.
func TestWalkClosesDirs(t *testing.T) {
	root := t.TempDir()
	for i := range 300 {
		write(t, root, fmt.Sprintf("d%d/e%d/f.txt", i%30, i), "hello")
	}
	rs := ruleset(t)
	before := openFDs(t)
	if _, err := Dir(context.Background(), root, rs, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if n := openFDs(t); n != before {
		t.Fatalf("after a scan %d descriptors are open, before %d", n, before)
	}
	for _, stop := range []int64{1, 50, 200} {
		ctx, cancel := context.WithCancel(context.Background())
		var seen atomic.Int64
		_, err := Dir(ctx, root, rs, Options{Workers: 2, Progress: func(files, _ int64) {
			if seen.Add(1) == stop {
				cancel()
			}
		}})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stop at %d: err = %v", stop, err)
		}
		if n := openFDs(t); n != before {
			t.Fatalf("after a scan cancelled at file %d, %d descriptors are open, before %d", stop, n, before)
		}
	}
}

// The walks also agree on what they cannot read: a directory nobody may
// list, one that may be entered but not listed, and ignore files that
// cannot be read (run as nobody, since root reads them all).
func TestWalkersAgreeUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		testfs.RerunAsNobody(t, "^TestWalkersAgreeUnreadable$", "--- PASS: TestWalkersAgreeUnreadable")
		return
	}
	root := t.TempDir()
	for _, name := range []string{"locked/a.txt", "enter-only/b.txt", "open/c.txt", "gi/.gitignore", "gi/d.txt", "pi/" + IgnoreFile, "pi/e.txt"} {
		write(t, root, name, "x")
	}
	for name, mode := range map[string]os.FileMode{"locked": 0, "enter-only": 0o100, "gi/.gitignore": 0, "pi/" + IgnoreFile: 0} {
		p := filepath.Join(root, name)
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(p, 0o755)
	}
	wantSent, wantSkipped := walkTrace(t, root, Options{}, walkTreeStd)
	gotSent, gotSkipped := walkTrace(t, root, Options{}, walkTree)
	if !reflect.DeepEqual(gotSent, wantSent) || !reflect.DeepEqual(gotSkipped, wantSkipped) {
		t.Fatalf("walkTree sent %q skipped %q\nfilepath.WalkDir's walk sent %q skipped %q", gotSent, gotSkipped, wantSent, wantSkipped)
	}
	if len(wantSkipped) != 4 {
		t.Fatalf("skipped %q, want the two directories and two ignore files", wantSkipped)
	}
}

// FuzzWalkersAgree builds a small tree from the input (directories, files,
// ignore files with patterns drawn from a list, links, empty files) and
// checks that walkTree and filepath.WalkDir's walk send and skip the same
// files in the same order.
func FuzzWalkersAgree(f *testing.F) {
	f.Add([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"))
	f.Add([]byte("\x10\x21\x32\x43\x54\x65\x76\x87\x98\xa9\xba\xcb\xdc\xed\xfe"))
	f.Add([]byte("gitignore pretenseignore .git a/b/c"))
	names := []string{"a", "b", "A", "a-b", "a.b", "a0", "ü", ".git", ".gitignore", IgnoreFile, "x.txt", "y.log", "z"}
	patterns := []string{"*.txt", "b/", "!x.txt", "a*", "/a", "**/z", "*.log", "!*.log", "a/b", "ü", "[ab]", "#c", "", "\\!x", "z/"}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 64 {
			in = in[:64]
		}
		root := t.TempDir()
		for i := 0; i+1 < len(in); i += 2 {
			op, arg := in[i], in[i+1]
			// A path of up to three names.
			var parts []string
			for k, v := 0, int(arg); k <= int(op>>6); k++ {
				parts = append(parts, names[v%len(names)])
				v = v/len(names) + int(op)
			}
			rel := filepath.Join(parts...)
			p := filepath.Join(root, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				continue // a file is in the way
			}
			switch name := parts[len(parts)-1]; {
			case op&7 == 0:
				os.Mkdir(p, 0o755)
			case op&7 == 1:
				os.Symlink(names[int(arg)%len(names)], p)
			case name == ".gitignore" || name == IgnoreFile || op&7 == 2:
				var lines []string
				for k := 0; k < 1+int(arg&3); k++ {
					lines = append(lines, patterns[(int(op)+k*int(arg))%len(patterns)])
				}
				os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644)
			case op&7 == 3:
				os.WriteFile(p, nil, 0o644)
			default:
				os.WriteFile(p, []byte("content "+rel), 0o644)
			}
		}
		opts := Options{MaxFileSize: 16}
		wantSent, wantSkipped := walkTrace(t, root, opts, walkTreeStd)
		gotSent, gotSkipped := walkTrace(t, root, opts, walkTree)
		if !reflect.DeepEqual(gotSent, wantSent) || !reflect.DeepEqual(gotSkipped, wantSkipped) {
			t.Fatalf("walkTree sent %q skipped %q\nfilepath.WalkDir's walk sent %q skipped %q", gotSent, gotSkipped, wantSent, wantSkipped)
		}
	})
}
