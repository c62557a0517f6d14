package proxy

import (
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
