package audit

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pretense/pretense/internal/testtool"
	"golang.org/x/net/html"
)

// chromium finds the headless browser the report is checked in (a skip
// with the install command on a developer's machine, a failure under CI).
func chromium(t *testing.T) string {
	t.Helper()
	return testtool.Need(t, "apt-get install chromium", "chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium")
}

func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1200,1600"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes()
}

// TestHTMLReportInChromium renders the report in headless Chromium, reads
// the numbers back from the rendered DOM, compares them with counts taken
// straight from the entries written, and checks the screenshot shows the
// page and the chart.
func TestHTMLReportInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	entries := buildMixedLog(t, dir, 240, 12, 7)
	s, err := Report(dir, Filter{}, testPolicy(), time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report.html")
	var buf bytes.Buffer
	if err := s.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, external := range []string{"http://", "https://", "<script", "<link", "@import", "url("} {
		if bytes.Contains(bytes.ReplaceAll(buf.Bytes(), []byte(`xmlns="http://www.w3.org/2000/svg"`), nil), []byte(external)) {
			t.Errorf("report is not self-contained: contains %q", external)
		}
	}

	// What the log says, computed here independently of Summarize.
	want := map[string]int{}
	perDay := map[string]int{}
	sessions := map[string]bool{}
	for _, e := range entries {
		want["requests"]++
		want["mutations"] += e.Mutations
		want[e.Outcome]++
		sessions[e.Session] = true
		if e.Outcome == OutcomeBlocked && e.SecretsBlocked > 0 {
			want["blocked-secrets"]++
		}
		if e.Outcome == OutcomeBlocked && e.PHIPatternsDetected > 0 {
			want["blocked-phi"]++
		}
		perDay[e.Timestamp.UTC().Format("2006-01-02")]++
	}
	want["sessions"] = len(sessions)

	dom := runChromium(t, bin, "--dump-dom", "file://"+out)
	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]string{}
	var days []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id := attr(n, "id"); id != "" {
				byID[id] = strings.TrimSpace(text(n))
			}
			if attr(n, "class") == "day" {
				days = append(days, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	check := map[string]int{
		"requests": want["requests"], "sessions": want["sessions"], "mutations": want["mutations"],
		"blocked": want[OutcomeBlocked], "forwarded": want[OutcomeForwarded], "failed": want[OutcomeFailed],
		"blocked-secrets": want["blocked-secrets"], "blocked-phi": want["blocked-phi"],
	}
	for id, n := range check {
		if byID[id] != strconv.Itoa(n) {
			t.Errorf("rendered #%s = %q, the log says %d", id, byID[id], n)
		}
	}
	if !strings.HasPrefix(byID["verify-status"], "chain verified: 241 records") {
		t.Errorf("rendered verification: %q", byID["verify-status"])
	}
	if byID["phi-mode"] != "strict" || byID["mutation-policy"] != "phi" {
		t.Errorf("rendered policy: %q %q", byID["phi-mode"], byID["mutation-policy"])
	}
	if len(days) != 12 {
		t.Errorf("chart has %d day groups, want 12", len(days))
	}
	for _, d := range days {
		if got := attr(d, "data-requests"); got != strconv.Itoa(perDay[attr(d, "data-day")]) {
			t.Errorf("chart day %s shows %s requests, the log has %d", attr(d, "data-day"), got, perDay[attr(d, "data-day")])
		}
	}

	shot := filepath.Join(t.TempDir(), "shot.png")
	if p := os.Getenv("PRETENSE_KEEP_SHOT"); p != "" {
		shot = p
	}
	runChromium(t, bin, "--hide-scrollbars", "--screenshot="+shot, "file://"+out)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	ink, green, red := countPixels(img)
	total := img.Bounds().Dx() * img.Bounds().Dy()
	t.Logf("screenshot %dx%d: %d non-white pixels, %d bar-green, %d bar-red", img.Bounds().Dx(), img.Bounds().Dy(), ink, green, red)
	if ink < total/100 {
		t.Errorf("screenshot is blank: only %d of %d pixels are not white", ink, total)
	}
	if green < 500 || red < 50 {
		t.Errorf("chart bars not visible in the screenshot: %d green and %d red pixels", green, red)
	}
}

func countPixels(img image.Image) (ink, green, red int) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			if r < 245 || g < 245 || bl < 245 {
				ink++
			}
			if near(r, 0x2d) && near(g, 0xa4) && near(bl, 0x4e) {
				green++
			}
			if near(r, 0xcf) && near(g, 0x22) && near(bl, 0x2e) {
				red++
			}
		}
	}
	return ink, green, red
}

func near(a, b uint32) bool { return a+6 >= b && a <= b+6 }

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return b.String()
}
