package cli

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pretense/pretense/internal/testfs"
	"github.com/pretense/pretense/rules"
)

// TestScanUnreadableInput: a file or directory the scan cannot open makes
// it exit 3 after the report, naming it. A text file over the size limit
// is text left unscanned: exit 3 too, unless --no-fail-on-unscanned makes
// it a listed skip (exit 0). A binary file, small or over the limit, has
// no text and is only listed.
func TestScanUnreadableInput(t *testing.T) {
	t.Run("policy skips", func(t *testing.T) {
		cliEnv(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "blob.bin"), []byte("\x00\x01\x02binary"), 0o644)
		os.WriteFile(filepath.Join(dir, "large.bin"), []byte(strings.Repeat("\x00\x01binary", 400)), 0o644)
		os.WriteFile(filepath.Join(dir, "big.txt"), []byte(strings.Repeat("x", 4096)), 0o644)
		for _, c := range []struct {
			args []string
			code int
			want []string
			not  []string
		}{
			{[]string{"--max-file-size", "1KB"}, ExitRuntime,
				[]string{"not scanned: " + filepath.Join(dir, "big.txt") + ": larger than", "--max-file-size 4KB", "--no-fail-on-unscanned"},
				[]string{"not scanned: " + filepath.Join(dir, "blob.bin"), "not scanned: " + filepath.Join(dir, "large.bin")}},
			{[]string{"--max-file-size", "1KB", "--no-fail-on-unscanned"}, ExitClean, []string{"big.txt: larger than"}, []string{"not scanned"}},
			{[]string{"--max-file-size", "4KB"}, ExitClean, nil, []string{"not scanned"}},
		} {
			code, _, errOut := runScan(t, append([]string{"--path", dir, "-v"}, c.args...)...)
			if code != c.code {
				t.Errorf("%v: exit %d, want %d; stderr:\n%s", c.args, code, c.code, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("%v: stderr lacks %q:\n%s", c.args, w, errOut)
				}
			}
			for _, w := range c.not {
				if strings.Contains(errOut, w) {
					t.Errorf("%v: stderr has %q:\n%s", c.args, w, errOut)
				}
			}
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			// Permissions do not stop root: run this subtest again as
			// nobody, where the chmods below bite.
			testfs.RerunAsNobody(t, "^TestScanUnreadableInput$/^unreadable$", "--- PASS: TestScanUnreadableInput/unreadable")
			return
		}
		cliEnv(t)
		dir := t.TempDir()
		tok, err := rules.ExpandSample("ghp_{alnum:36}", rand.New(rand.NewPCG(5, 6)))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "open.txt"), []byte("token = '"+tok+"'\n"), 0o644)
		os.MkdirAll(filepath.Join(dir, "locked"), 0o755)
		os.WriteFile(filepath.Join(dir, "locked", "a.txt"), []byte("token = '"+tok+"'\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "closed.txt"), []byte("token = '"+tok+"'\n"), 0o644)
		os.Chmod(filepath.Join(dir, "locked"), 0)
		os.Chmod(filepath.Join(dir, "closed.txt"), 0)
		t.Cleanup(func() { os.Chmod(filepath.Join(dir, "locked"), 0o755) })
		code, out, errOut := runScan(t, "--path", dir, "--format", "json")
		if code != ExitRuntime {
			t.Fatalf("exit %d, want 3; stderr:\n%s", code, errOut)
		}
		for _, want := range []string{"could not read", "locked", "closed.txt", "scan incomplete", "permissions"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errOut)
			}
		}
		doc := decodeReport(t, out)
		if len(doc.Findings) != 1 || !strings.HasSuffix(doc.Findings[0].Path, "open.txt") {
			t.Errorf("findings %+v, want the readable file's", doc.Findings)
		}
	})
}
