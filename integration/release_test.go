package integration

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// buildRelease runs scripts/release.sh for this machine's platform only,
// as the release workflow does for all six, and returns the dist directory.
func buildRelease(t *testing.T, version string) string {
	t.Helper()
	need(t, "bash", "apt-get install bash")
	dist := filepath.Join(t.TempDir(), "dist")
	environ := append(cleanEnv(t), "PRETENSE_RELEASE_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH, "SOURCE_DATE_EPOCH=1767225600")
	r := run(t, env.root, environ, "bash", filepath.Join(env.root, "scripts", "release.sh"), version, dist)
	if r.code != 0 {
		t.Fatalf("release.sh: exit %d\n%s", r.code, r.out)
	}
	return dist
}

// TestReleaseSnapshot checks what a release holds: the archive with a
// stamped binary, its SBOM, the image binary the Dockerfile copies, and
// SHA256SUMS covering every file.
func TestReleaseSnapshot(t *testing.T) {
	dist := buildRelease(t, "v9.9.9")
	name := "pretense_9.9.9_" + runtime.GOOS + "_" + runtime.GOARCH
	for _, f := range []string{name + ".tar.gz", name + ".sbom.cdx.json", "SHA256SUMS"} {
		if _, err := os.Stat(filepath.Join(dist, f)); err != nil {
			t.Errorf("release lacks %s: %v", f, err)
		}
	}
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{name + ".tar.gz", name + ".sbom.cdx.json"} {
		if !strings.Contains(string(sums), "  "+f+"\n") {
			t.Errorf("SHA256SUMS does not list %s:\n%s", f, sums)
		}
	}
	if r := run(t, dist, os.Environ(), "sha256sum", "-c", "SHA256SUMS"); r.code != 0 {
		t.Errorf("sha256sum -c: %s", r.out)
	}
	// The archive holds both commands; pretense-scan is stamped like pretense.
	unpacked := t.TempDir()
	if r := run(t, dist, os.Environ(), "tar", "-xzf", name+".tar.gz", "-C", unpacked); r.code != 0 {
		t.Fatalf("tar: %s", r.out)
	}
	for _, cmd := range []string{"pretense", "pretense-scan"} {
		r := run(t, dist, os.Environ(), filepath.Join(unpacked, name, cmd), "--version")
		if r.code != 0 || !strings.Contains(r.out, "pretense v9.9.9 (commit ") {
			t.Errorf("%s from the archive --version: exit %d: %s", cmd, r.code, r.out)
		}
	}
	if runtime.GOOS == "linux" {
		img := filepath.Join(dist, "image", "linux", runtime.GOARCH, "pretense")
		r := run(t, dist, os.Environ(), img, "--version")
		if r.code != 0 || !strings.Contains(r.out, "pretense v9.9.9 (commit ") {
			t.Errorf("image binary --version: exit %d: %s", r.code, r.out)
		}
		dockerfile, err := os.ReadFile(filepath.Join(env.root, "Dockerfile"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(dockerfile), "dist/image/${TARGETOS}/${TARGETARCH}/pretense") || !strings.Contains(string(dockerfile), "USER 65532") {
			t.Error("Dockerfile does not copy dist/image/<os>/<arch>/pretense or does not run as non-root")
		}
	}
	// A second build of the same commit is byte for byte the same archive.
	again := buildRelease(t, "v9.9.9")
	a, _ := os.ReadFile(filepath.Join(dist, name+".tar.gz"))
	b, _ := os.ReadFile(filepath.Join(again, name+".tar.gz"))
	if string(a) != string(b) {
		t.Error("two release builds of one commit differ")
	}
}

// TestActionInstallsRelease runs the action's install path against a
// release served on 127.0.0.1: download, checksum, cache, reuse from the
// cache without a request, refusal of a tampered archive, and the source
// build when the release cannot be had.
func TestActionInstallsRelease(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the action's steps run under bash on Linux and macOS runners here")
	}
	need(t, "curl", "apt-get install curl")
	a := loadAction(t)
	dist := buildRelease(t, "v9.9.9")
	name := "pretense_9.9.9_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"

	var requests atomic.Int32
	var tamper atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		rel, ok := strings.CutPrefix(r.URL.Path, "/download/v9.9.9/")
		if !ok || strings.Contains(rel, "/") {
			http.NotFound(w, r)
			return
		}
		body, err := os.ReadFile(filepath.Join(dist, rel))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if tamper.Load() && rel == name {
			body[len(body)/2] ^= 0xff
		}
		w.Write(body)
	}))
	defer srv.Close()

	repo := newRepo(t)
	cache := t.TempDir()
	runIt := func(version string) actionResult {
		return runAction(t, a, actionRun{
			workspace: repo.dir, event: "workflow_dispatch", payload: map[string]any{}, ref: "refs/heads/main",
			actionRef: version,
			with:      map[string]string{"fail-on-findings": "false", "release-url": srv.URL + "/download"},
			extraEnv:  []string{"RUNNER_TOOL_CACHE=" + cache},
		})
	}

	first := runIt("v9.9.9")
	inst := first.stepOut["install"]
	if first.failed != "" || inst["need-go"] != "false" || !strings.HasPrefix(inst["binary"], cache) {
		t.Fatalf("install from the release: failed=%q outputs=%v\n%s", first.failed, inst, first.steps["install"].out)
	}
	if _, ran := first.steps["build"]; ran {
		t.Error("the source build ran although the release installed")
	}
	if !strings.Contains(first.steps["install"].out, "checksum ok") || !strings.Contains(first.steps["install"].out, "pretense v9.9.9") {
		t.Errorf("install log:\n%s", first.steps["install"].out)
	}
	if r, ok := first.steps["scan"]; !ok || r.code != 0 {
		t.Errorf("scan with the released binary: %+v", r)
	}

	n := requests.Load()
	second := runIt("v9.9.9")
	if second.failed != "" || !strings.Contains(second.steps["install"].out, "from the cache") {
		t.Errorf("second run did not use the cache:\n%s", second.steps["install"].out)
	}
	if got := requests.Load(); got != n {
		t.Errorf("second run made %d requests; the cache should make none", got-n)
	}

	// A cached binary that changed on disk is not trusted: downloaded again,
	// and this time the archive is tampered with, so the job fails.
	bin := second.stepOut["install"]["binary"]
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho evil\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tamper.Store(true)
	bad := runIt("v9.9.9")
	if bad.failed != "install" || bad.steps["install"].code != 2 || !strings.Contains(bad.steps["install"].out, "checksum mismatch") {
		t.Errorf("tampered archive: failed=%q code=%d\n%s", bad.failed, bad.steps["install"].code, bad.steps["install"].out)
	}
	if _, ran := bad.steps["build"]; ran {
		t.Error("a checksum mismatch fell back to a source build; it must fail")
	}
	tamper.Store(false)

	// A release that does not exist: build from source, and the scan runs.
	missing := runIt("v9.9.8")
	if missing.stepOut["install"]["need-go"] != "true" {
		t.Fatalf("missing release: install outputs %v\n%s", missing.stepOut["install"], missing.steps["install"].out)
	}
	if r, ok := missing.steps["build"]; !ok || r.code != 0 || missing.stepOut["build"]["binary"] == "" {
		t.Errorf("source build fallback: %+v", r)
	}
	if r, ok := missing.steps["scan"]; !ok || r.code != 0 {
		t.Errorf("scan after the fallback build: %+v", r)
	}
}
