package audit

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Period is how much time one segment file covers.
type Period string

// Segment periods.
const (
	Monthly Period = "month" // audit-2026-11.jsonl; the default
	Daily   Period = "day"   // audit-2026-11-28.jsonl
)

const (
	segPrefix = "audit-"
	segSuffix = ".jsonl"
)

// segmentName is the segment that a write at t goes to.
func (p Period) segmentName(t time.Time) string {
	t = t.UTC()
	if p == Daily {
		return segPrefix + t.Format("2006-01-02") + segSuffix
	}
	return segPrefix + t.Format("2006-01") + segSuffix
}

// segmentSpan parses a segment file name into the half-open time span
// [start, end) it covers. ok is false for names that are not segments.
func segmentSpan(name string) (start, end time.Time, ok bool) {
	start, end, _, _, ok = parseSegmentName(name)
	return start, end, ok
}

// parseSegmentName splits audit-STAMP[.GEN].jsonl. GEN (1, 2, …) numbers
// the segments a writer started within one period after it found the live
// one deleted or replaced; the first segment of a period has gen 0.
func parseSegmentName(name string) (start, end time.Time, stamp string, gen int, ok bool) {
	if !strings.HasPrefix(name, segPrefix) || !strings.HasSuffix(name, segSuffix) {
		return start, end, "", 0, false
	}
	stamp = strings.TrimSuffix(strings.TrimPrefix(name, segPrefix), segSuffix)
	if i := strings.IndexByte(stamp, '.'); i >= 0 {
		g := stamp[i+1:]
		n, err := strconv.Atoi(g)
		if err != nil || n <= 0 || n > 1_000_000 || strconv.Itoa(n) != g {
			return start, end, "", 0, false
		}
		stamp, gen = stamp[:i], n
	}
	switch len(stamp) {
	case len("2006-01"):
		t, err := time.Parse("2006-01", stamp)
		if err != nil {
			return start, end, "", 0, false
		}
		return t, t.AddDate(0, 1, 0), stamp, gen, true
	case len("2006-01-02"):
		t, err := time.Parse("2006-01-02", stamp)
		if err != nil {
			return start, end, "", 0, false
		}
		return t, t.AddDate(0, 0, 1), stamp, gen, true
	}
	return start, end, "", 0, false
}

// segmentLess orders segment names by the time they start, so a log whose
// period changed from monthly to daily still reads in time order; within
// one period, later generations come after earlier ones.
func segmentLess(a, b string) bool {
	sa, _, stampA, genA, _ := parseSegmentName(a)
	sb, _, stampB, genB, _ := parseSegmentName(b)
	if !sa.Equal(sb) {
		return sa.Before(sb)
	}
	if len(stampA) != len(stampB) {
		return len(stampA) > len(stampB) // a month starts with its first day: month first
	}
	return genA < genB
}

// nextGeneration names the segment a writer starts after it found lost
// (the live segment) deleted or replaced: the period's normal segment when
// the period has moved on and that name is free, else lost's period with a
// generation above every existing one, so the new segment sorts last.
func nextGeneration(segs []string, lost, want string) string {
	exists := map[string]bool{}
	for _, s := range segs {
		exists[s] = true
	}
	if segmentLess(lost, want) && !exists[want] {
		return want
	}
	_, _, stamp, gen, ok := parseSegmentName(lost)
	if !ok {
		return want
	}
	for _, s := range segs {
		if _, _, st, g, ok := parseSegmentName(s); ok && st == stamp && g > gen {
			gen = g
		}
	}
	return segPrefix + stamp + "." + strconv.Itoa(gen+1) + segSuffix
}

// listSegments returns the segment files of dir in chain order. A missing
// directory is an empty log.
func listSegments(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list audit segments: %w", err)
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() {
			if _, _, ok := segmentSpan(e.Name()); ok {
				names = append(names, e.Name())
			}
		}
	}
	sort.Slice(names, func(i, j int) bool { return segmentLess(names[i], names[j]) })
	return names, nil
}

// Retention is how long entries are kept, in calendar units so that the
// default of 13 months means 13 months.
type Retention struct {
	Years, Months, Days int
	Forever             bool // never delete
}

// DefaultRetention keeps entries for 13 months: a year of evidence plus
// slack for an annual audit that runs late.
func DefaultRetention() Retention { return Retention{Months: 13} }

// ParseRetention reads "13mo", "1y", "400d", "8w" or "forever".
func ParseRetention(s string) (Retention, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "forever" || s == "never" {
		return Retention{Forever: true}, nil
	}
	units := []struct {
		suffix string
		set    func(n int) Retention
	}{
		{"mo", func(n int) Retention { return Retention{Months: n} }},
		{"y", func(n int) Retention { return Retention{Years: n} }},
		{"w", func(n int) Retention { return Retention{Days: 7 * n} }},
		{"d", func(n int) Retention { return Retention{Days: n} }},
	}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.Atoi(num)
			if err != nil || n <= 0 {
				break
			}
			return u.set(n), nil
		}
	}
	return Retention{}, fmt.Errorf("retention %q: want a positive count with a unit d, w, mo or y (e.g. 13mo, 90d), or forever", s)
}

// String is the form ParseRetention reads.
func (r Retention) String() string {
	switch {
	case r.Forever:
		return "forever"
	case r.Years != 0 && r.Months == 0 && r.Days == 0:
		return strconv.Itoa(r.Years) + "y"
	case r.Months != 0 && r.Years == 0 && r.Days == 0:
		return strconv.Itoa(r.Months) + "mo"
	case r.Days != 0 && r.Years == 0 && r.Months == 0:
		return strconv.Itoa(r.Days) + "d"
	}
	return fmt.Sprintf("%dy%dmo%dd", r.Years, r.Months, r.Days)
}

// cutoff is the oldest instant still inside retention at now.
func (r Retention) cutoff(now time.Time) time.Time {
	return now.AddDate(-r.Years, -r.Months, -r.Days)
}

func (r Retention) isZero() bool { return r == Retention{} }
