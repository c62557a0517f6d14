package proxy

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
)

// longCode is above minMemoText, so the memo keeps it.
func longCode(names ...string) string {
	var b strings.Builder
	for i := 0; b.Len() < 2*minMemoText; i++ {
		n := names[i%len(names)]
		fmt.Fprintf(&b, "const row%d = await %s(input%d); // step %d\n", i, n, i, i)
	}
	return b.String()
}

// TestMemoRoundTrip: a conversation resent turn after turn goes through
// the memo; the upstream sees the same bytes as on the first turn, and
// every turn's answer is restored, including text that mixes memoised and
// new identifiers.
func TestMemoRoundTrip(t *testing.T) {
	up := newFakeUpstream(t, anthropicFake(t))
	p := startProxy(t, up.srv.URL)
	client := anthropicClient(p)
	history := longCode("lookupPatientRecord", "loadDateOfBirth")
	turns := []string{
		fixturePrompt,
		fixturePrompt,
		"And now getInsuranceMemberId too: " + fixturePrompt,
	}
	for i, last := range turns {
		params := anthropic.MessageNewParams{
			Model: "claude-test", MaxTokens: 100,
			Messages: []anthropic.MessageParam{
				anthropic.NewUserMessage(anthropic.NewTextBlock(history)),
				anthropic.NewAssistantMessage(anthropic.NewTextBlock("Noted.")),
				anthropic.NewUserMessage(anthropic.NewTextBlock(last)),
			},
		}
		var msg anthropic.Message
		stream := client.Messages.NewStreaming(context.Background(), params)
		for stream.Next() {
			if err := msg.Accumulate(stream.Current()); err != nil {
				t.Fatal(err)
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatalf("turn %d: %v", i, err)
		}
		stream.Close()
		if msg.Content[1].Text != last {
			t.Errorf("turn %d: not restored:\n got %q\nwant %q", i, msg.Content[1].Text, last)
		}
	}
	reqs := up.requests()
	assertClean(t, reqs)
	if strings.Contains(string(reqs[2].body), "getInsuranceMemberId") || strings.Contains(string(reqs[2].body), "loadDateOfBirth") {
		t.Error("identifier leaked")
	}
	if string(reqs[0].body) != string(reqs[1].body) {
		t.Error("the same turn sent twice produced different bytes")
	}
	entries := p.sink.waitEntries(t, 3)
	for i, e := range entries {
		if e.RoundTripFidelity != 1 || e.Mutations == 0 {
			t.Errorf("turn %d audit: %+v", i, e)
		}
	}
	if entries[0].Mutations != entries[1].Mutations {
		t.Errorf("mutation count differs between a fresh and a memoised turn: %d vs %d", entries[0].Mutations, entries[1].Mutations)
	}
}

// TestMemoConflictFallsBack: a memo entry whose synthetic stands for
// another name than this session's (an HMAC collision resolved
// differently) makes the request mutate afresh.
func TestMemoConflictFallsBack(t *testing.T) {
	eng, err := newMutateEngine(testKey, "phi")
	if err != nil {
		t.Fatal(err)
	}
	me := eng.(mutateEngine)
	text := longCode("lookupPatientRecord")
	s1 := eng.newSession().(*mutateSession)
	out1, err := s1.mutateAll([]string{text}, []string{"ts"}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Poison the memo entry: its synthetic now claims another original.
	e := me.memo.get(me.memo.key(text, "ts", fingerprint{}))
	if e == nil || e.set == nil || e.set.Len() == 0 {
		t.Fatal("text was not memoised")
	}
	liar := me.m.NewSession()
	var syns []string
	for syn := range e.set.Pairs() {
		if err := liar.AddPairs(map[string]string{syn: "somethingElse"}); err != nil {
			t.Fatal(err)
		}
		syns = append(syns, syn)
	}
	set, err := liar.PairSetOf(syns)
	if err != nil {
		t.Fatal(err)
	}
	poisoned := &memoEntry{quoted: e.quoted, set: set, size: e.size}
	me.memo.mu.Lock()
	me.memo.m[me.memo.key(text, "ts", fingerprint{})] = poisoned
	me.memo.mu.Unlock()

	s2 := eng.newSession().(*mutateSession)
	// A fresh text in the same request issues the real pair, so the union
	// conflicts.
	out2, err := s2.mutateAll([]string{text, "x lookupPatientRecord"}, []string{"ts", "ts"}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out2[0].String() != out1[0].String() {
		t.Error("fallback mutation differs")
	}
	back, f := s2.reverse(out2[0].String(), false)
	if back != text || f.found == 0 || f.restored != f.found {
		t.Errorf("fallback session does not reverse: fidelity %+v", f)
	}
}

// TestMemoSplices: a text known by its JSON string as sent is remembered
// as splices of those bytes, not as a copy, and a resent request writes
// them from its own bytes; an entry of splices is used only on a string of
// the length it was made from (anything else is mutated afresh).
func TestMemoSplices(t *testing.T) {
	text := longCode("lookupPatientRecord", "loadDateOfBirth") + "tab\there \"quoted\" caf\u00e9\n"
	raw := appendQuote(nil, text)
	raw = bytes.Replace(raw, []byte("é"), []byte(`\u00e9`), 1) // the client's own escape, kept
	fp := rawFingerprintOf(raw)
	for _, tc := range []struct {
		name   string
		second []byte // the JSON string of the resent text, under fp
		fresh  bool   // the second request must not use the memo's splices
	}{
		{"same bytes", raw, false},
		{"longer string under the same key", append(raw[:len(raw)-1:len(raw)-1], ` tail"`...), true},
		{"no string", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng, err := newMutateEngine(testKey, "phi")
			if err != nil {
				t.Fatal(err)
			}
			me := eng.(mutateEngine)
			own := bytes.Clone(raw)
			s1 := eng.newSession().(*mutateSession)
			out1, err := s1.mutateAll([]string{text}, []string{"ts"}, []fingerprint{fp}, nil, func(int) ([]byte, escTable) { return own, nil })
			if err != nil {
				t.Fatal(err)
			}
			e := me.memo.get(me.memo.key(text, "ts", fp))
			if e == nil || e.splices == nil || e.quoted != "" || e.rawLen != len(raw) {
				t.Fatalf("memo entry %+v: want splices of %d bytes, no copy", e, len(raw))
			}
			first := appendMQuote(nil, out1[0])
			if got, err := unquote(first); err != nil || got != out1[0].String() || !bytes.Contains(first, []byte(`\u00e9`)) {
				t.Fatalf("first send %q (%v) does not decode to the mutated text with the client's escape", first, err)
			}
			for i := range own {
				own[i] = 'x' // the request's buffer is reused: the memo must not see it
			}
			var rawOf func(int) ([]byte, escTable)
			if tc.second != nil {
				rawOf = func(int) ([]byte, escTable) { return tc.second, nil }
			}
			t2, _ := unquote(tc.second)
			if tc.second == nil {
				t2 = text
			}
			s2 := eng.newSession().(*mutateSession)
			out2, err := s2.mutateAll([]string{t2}, []string{"ts"}, []fingerprint{fp}, nil, rawOf)
			if err != nil {
				t.Fatal(err)
			}
			if used := out2[0].splices != nil && len(out2[0].reps) == 0; used == tc.fresh {
				t.Fatalf("memo splices used: %v, want %v", used, !tc.fresh)
			}
			want := string(first)
			if tc.fresh {
				fresh, err := newMutateEngine(testKey, "phi")
				if err != nil {
					t.Fatal(err)
				}
				want = string(appendQuote(nil, fresh.newSession().mutate(t2, "ts")))
			}
			if got := out2[0].String(); string(appendQuote(nil, got)) != string(appendQuote(nil, mustUnquote(t, want))) {
				t.Fatalf("second send decodes to\n%q\nwant\n%q", got, mustUnquote(t, want))
			}
			if !tc.fresh && string(appendMQuote(nil, out2[0])) != string(first) {
				t.Fatal("a resent string is not sent as the first one was")
			}
		})
	}
}

func mustUnquote(t *testing.T, q string) string {
	t.Helper()
	s, err := unquote([]byte(q))
	if err != nil {
		t.Fatalf("unquote %q: %v", q, err)
	}
	return s
}
