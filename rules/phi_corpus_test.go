package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/testgen/phigen"
	"github.com/pretense/pretense/rules"
)

// phiRules compiles only the built-in PHI rules, so these tests measure
// the PHI library alone.
func phiRules(t testing.TB, mode rules.Mode) *rules.Ruleset {
	t.Helper()
	var defs []rules.Rule
	for _, r := range rules.Builtin() {
		if r.Kind == finding.KindPHI {
			defs = append(defs, r)
		}
	}
	rs, err := rules.Compile(defs, rules.Options{PHIMode: mode})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

type score struct {
	tp, fp, fn int
	fps, fns   []string
}

func (s score) precision() float64 { return float64(s.tp) / float64(max(1, s.tp+s.fp)) }
func (s score) recall() float64    { return float64(s.tp) / float64(max(1, s.tp+s.fn)) }

// evaluate scans every corpus file and matches findings to planted values
// by file, rule and exact value: a finding of the wrong rule counts as a
// false positive and leaves its planted value missed.
func evaluate(rs *rules.Ruleset, c *phigen.Corpus) score {
	want := map[string]int{}
	for _, p := range c.Planted {
		want[p.Path+"\x00"+p.RuleID+"\x00"+p.Value]++
	}
	var s score
	for _, f := range c.Files {
		for _, m := range rs.Scan([]byte(f.Content)) {
			k := f.Path + "\x00" + m.Rule.ID + "\x00" + m.Value
			if want[k] > 0 {
				want[k]--
				s.tp++
				continue
			}
			s.fp++
			s.fps = append(s.fps, fmt.Sprintf("%s: %s %q %v", f.Path, m.Rule.ID, m.Value, m.Reasons))
		}
	}
	for k, n := range want {
		for range n {
			s.fn++
			s.fns = append(s.fns, strings.ReplaceAll(k, "\x00", " | "))
		}
	}
	return s
}

// TestPHICorpusPrecisionRecall is the quality gate of the PHI library: on
// a labelled corpus of fixtures in nine formats, with decoys, standard mode
// must reach recall and precision of at least 0.97.
func TestPHICorpusPrecisionRecall(t *testing.T) {
	c := phigen.New(2026).Corpus(40)
	s := evaluate(phiRules(t, rules.ModeStandard), c)
	t.Logf("corpus: %d files, %d planted, %d decoys; TP %d FP %d FN %d; precision %.4f recall %.4f",
		len(c.Files), len(c.Planted), c.Decoys, s.tp, s.fp, s.fn, s.precision(), s.recall())
	for _, x := range s.fps[:min(len(s.fps), 25)] {
		t.Logf("FP %s", x)
	}
	for _, x := range s.fns[:min(len(s.fns), 25)] {
		t.Logf("FN %s", x)
	}
	if s.precision() < 0.97 || s.recall() < 0.97 {
		t.Fatalf("precision %.4f, recall %.4f: want both >= 0.97", s.precision(), s.recall())
	}
}

// TestPHICorpusStrict: strict mode adds unlabelled checksum-valid values
// at lower confidence, so it may lose some precision, but it must never
// lose recall against standard mode.
func TestPHICorpusStrict(t *testing.T) {
	c := phigen.New(2027).Corpus(40)
	std := evaluate(phiRules(t, rules.ModeStandard), c)
	strict := evaluate(phiRules(t, rules.ModeStrict), c)
	t.Logf("standard: precision %.4f recall %.4f; strict: precision %.4f recall %.4f (FP %d)",
		std.precision(), std.recall(), strict.precision(), strict.recall(), strict.fp)
	for _, x := range strict.fps[:min(len(strict.fps), 10)] {
		t.Logf("strict FP %s", x)
	}
	for _, x := range std.fns {
		t.Logf("standard FN %s", x)
	}
	if strict.recall() < std.recall() {
		t.Fatalf("strict recall %.4f below standard %.4f", strict.recall(), std.recall())
	}
	if strict.precision() < 0.9 {
		t.Fatalf("strict precision %.4f: want >= 0.9", strict.precision())
	}
}
