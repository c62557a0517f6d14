package audit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Filter selects entries by timestamp: Since is inclusive, Until exclusive,
// and a zero bound is open. [Since, Until) makes consecutive exports
// (--since A --until B, then --since B) cover every entry exactly once.
// User, when set, keeps only that user's entries (exact match, so
// "alice" never selects "alice@example.org").
type Filter struct {
	Since, Until time.Time
	User         string
}

// Match reports whether t is inside the filter.
func (f Filter) Match(t time.Time) bool {
	if !f.Since.IsZero() && t.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !t.Before(f.Until) {
		return false
	}
	return true
}

// ScanStats counts lines a scan could not turn into entries. They are never
// skipped silently: the CLI prints them, and Verify names them.
type ScanStats struct {
	Torn       int // lines cut short by a crash (sealed by a later writer or not)
	Unreadable int // complete lines that are not valid records
}

// Skipped is the number of lines that were not entries and not markers.
func (s ScanStats) Skipped() int { return s.Torn + s.Unreadable }

// Scan calls fn for every entry in dir that matches f, in log order.
func Scan(dir string, f Filter, fn func(Entry) error) (ScanStats, error) {
	var stats ScanStats
	segs, err := listSegments(dir)
	if err != nil {
		return stats, err
	}
	unreadable := false // the previous line was not a record
	err = walkLines(dir, segs, func(_ lineRef, line []byte, terminated bool) error {
		if !terminated {
			stats.Torn++
			return nil
		}
		isMarker := bytes.Contains(line[:min(len(line), 40)], []byte(`"kind":"`))
		if unreadable {
			// A torn write a later writer sealed is followed by its
			// recovery record; anything else is an unreadable line.
			if isMarker && bytes.Contains(line[:min(len(line), 40)], []byte(`"kind":"recovery"`)) {
				stats.Torn++
			} else {
				stats.Unreadable++
			}
			unreadable = false
		}
		if isMarker {
			return nil // anchors, recoveries and prunes are not entries
		}
		// Canonical entries start {"seq":N,"timestamp":"…": check the
		// range before paying for a full decode.
		if ts, ok := quickTimestamp(line); ok && !f.Match(ts) {
			return nil
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil || e.Outcome == "" {
			unreadable = true
			return nil
		}
		if !f.Match(e.Timestamp) || f.User != "" && e.User != f.User {
			return nil
		}
		return fn(e)
	})
	if unreadable {
		stats.Unreadable++
	}
	return stats, err
}

// quickTimestamp reads the timestamp of a canonical entry line.
func quickTimestamp(line []byte) (time.Time, bool) {
	const member = `,"timestamp":"`
	i := bytes.Index(line[:min(len(line), 48)], []byte(member))
	if i < 0 {
		return time.Time{}, false
	}
	rest := line[i+len(member):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(rest[:j]))
	return t, err == nil
}

// Read returns the entries of dir that match f.
func Read(dir string, f Filter) ([]Entry, ScanStats, error) {
	var out []Entry
	stats, err := Scan(dir, f, func(e Entry) error { out = append(out, e); return nil })
	return out, stats, err
}

// WriteJSON writes entries as one indented JSON array, chain fields
// included so an export can be checked against the log it came from.
func WriteJSON(w io.Writer, entries []Entry) error {
	if entries == nil {
		entries = []Entry{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(entries); err != nil {
		return fmt.Errorf("write json export: %w", err)
	}
	return nil
}

// csvHeader is the first row of a CSV export.
func csvHeader() []string {
	return []string{
		"seq", "timestamp", "session", "file", "model", "endpoint", "mutations",
		"secretsBlocked", "phiPatternsDetected", "rules", "roundTripFidelity",
		"requestId", "outcome", "prev", "hash",
		// Added with caller identity; last so existing column positions hold.
		"user", "client", "route", "attachments",
	}
}

// WriteCSV writes entries as CSV with a header row. Rule ids are joined with
// ";". Text cells that a spreadsheet would run as a formula get a leading
// apostrophe (the usual CSV-injection guard), since file names and model
// names come from requests.
func WriteCSV(w io.Writer, entries []Entry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader()); err != nil {
		return fmt.Errorf("write csv export: %w", err)
	}
	for _, e := range entries {
		row := []string{
			strconv.FormatUint(e.Seq, 10),
			e.Timestamp.UTC().Format(time.RFC3339Nano),
			cell(e.Session), cell(e.File), cell(e.Model), cell(e.Endpoint),
			strconv.Itoa(e.Mutations), strconv.Itoa(e.SecretsBlocked), strconv.Itoa(e.PHIPatternsDetected),
			cell(strings.Join(e.Rules, ";")),
			strconv.FormatFloat(e.RoundTripFidelity, 'f', -1, 64),
			cell(e.RequestID), cell(e.Outcome), e.Prev, e.Hash,
			cell(e.User), cell(e.Client), cell(e.Route), strconv.Itoa(e.Attachments),
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv export: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv export: %w", err)
	}
	return nil
}

func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
