package proxy

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// The per-request decode budget (payloadCounter.budget) bounds what the
// proxy decodes for one request. Running out of it must refuse the
// request: compressed content it stopped reading is content it did not
// scan. These tests hold that for text pasted into a prompt (the
// non-strict, embedded path) and for the clean-scan cache, which would
// otherwise remember a field whose payload was passed unread as clean.

// budgetRig is a rawFPRig whose checker decodes at most budget bytes per
// request.
func budgetRig(t *testing.T, budget int64) *rawFPRig {
	t.Helper()
	r := newRawFPRig(t)
	r.ck = newChecker(r.rs, Options{MaxBodyBytes: budget})
	return r
}

// try rewrites body as one request: forwarded (the bytes sent), refused
// for a finding (hits) or refused with an error.
func (r *rawFPRig) try(t *testing.T, body []byte) (sent []byte, hits []hit, err error) {
	t.Helper()
	res, err := rewriteRequest(bytes.Clone(body), apiAnthropic, r.eng.newSession(), r.ck, r.eng.langFromPath)
	if err != nil {
		return nil, nil, err
	}
	if len(res.hits) > 0 {
		return nil, res.hits, nil
	}
	return sentBody(t, res.body), nil, nil
}

// docTurn is a user turn with a declared text document (base64) and texts.
func docTurn(doc []byte, texts ...string) []byte {
	content := []any{map[string]any{"type": "document", "source": map[string]any{
		"type": "base64", "media_type": "text/plain", "data": base64.StdEncoding.EncodeToString(doc),
	}}}
	for _, s := range texts {
		content = append(content, map[string]any{"type": "text", "text": s})
	}
	return []byte(mustJSON(map[string]any{
		"model": "m", "max_tokens": 16,
		"messages": []any{map[string]any{"role": "user", "content": content}},
	}))
}

// TestBudgetOverrunRefused: gzip pasted into prompt text that inflates
// past what is left of the budget is refused, not passed unread.
func TestBudgetOverrunRefused(t *testing.T) {
	tok := plantToken(t)
	const budget = 256 << 10
	// The token first, then more filler than the whole budget.
	bomb := "notes\n" + gzB64("GITHUB_TOKEN="+tok+"\n"+strings.Repeat("filler line of text\n", 2*budget/20)) + "\n"
	r := budgetRig(t, budget)
	sent, hits, err := r.try(t, userTurn(strings.Repeat("Some ordinary words. ", 30)+bomb))
	if sent != nil {
		t.Fatalf("a token in gzip larger than the budget was forwarded unread (hits %v)", hits)
	}
	if err != nil && !errors.Is(err, errTooLarge) {
		t.Fatalf("refused with %v, want errTooLarge or a finding", err)
	}
}

// TestBudgetKnownCleanField: a field whose pasted gzip did not fit in what
// a declared document left of the budget was not read, so it is neither
// forwarded nor remembered as clean; sent alone (where it fits) its token
// is found.
func TestBudgetKnownCleanField(t *testing.T) {
	tok := plantToken(t)
	const budget = 256 << 10
	field := strings.Repeat("Some ordinary words. ", 30) + "\nattached: " +
		gzB64("GITHUB_TOKEN="+tok+"\n"+strings.Repeat("filler line of text\n", budget/2/20)) + "\n"
	doc := bytes.Repeat([]byte("an ordinary document line\n"), (budget*3/4)/26)
	r := budgetRig(t, budget)
	if sent, hits, _ := r.try(t, docTurn(doc, field)); sent != nil {
		t.Fatalf("a field whose gzip overran the budget was forwarded unread (hits %v)", hits)
	}
	if r.ck.cache.cleanFP(rawFPOf(t, userTurn(field), field)) {
		t.Fatal("a field whose payload was not read is remembered as clean")
	}
	sent, hits, err := r.try(t, userTurn(field))
	if sent != nil || err != nil || len(hits) == 0 {
		t.Fatalf("the field alone: sent %t, hits %v, err %v; want the token found", sent != nil, hits, err)
	}
}

// TestTruncatedGzipScanned: gzip pasted into text and cut short (trailer
// gone, or the stream cut after the token) still inflates up to the cut
// with any gzip reader, so what it holds is scanned, not passed as opaque.
func TestTruncatedGzipScanned(t *testing.T) {
	tok := plantToken(t)
	z := gz([]byte("GITHUB_TOKEN=" + tok + "\n" + strings.Repeat("filler line of text that goes on\n", 400)))
	for _, c := range []struct {
		name string
		cut  []byte
	}{
		{"no trailer", z[:len(z)-8]},
		{"cut mid-stream", z[:len(z)/2]},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRawFPRig(t)
			text := strings.Repeat("Some ordinary words. ", 30) + "\nattached: " + base64.StdEncoding.EncodeToString(c.cut) + "\n"
			if sent, _, err := r.try(t, userTurn(text)); sent != nil {
				t.Fatalf("a token in truncated gzip was forwarded (err %v)", err)
			}
		})
	}
}
