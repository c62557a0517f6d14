package finding

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		kind  Kind
		value string
		want  string
	}{
		{KindSecret, "short", "…[REDACTED]"},
		{KindSecret, "abcdefghijklmno", "abc…[REDACTED]"},
		{KindSecret, strings.Repeat("z", 30), "zzzzzz…[REDACTED]"},
		{KindPHI, "123-45-6789", "********[REDACTED]"},
		{KindPHI, "ab", "**[REDACTED]"},
		{KindSecret, "ééééééééééééé", "ééé…[REDACTED]"},
		{KindSecret, "aéééééééééééé", "aéé…[REDACTED]"},
	}
	for _, tt := range tests {
		if got := Redact(tt.kind, tt.value); got != tt.want {
			t.Errorf("Redact(%q, %q) = %q, want %q", tt.kind, tt.value, got, tt.want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	a := NewFingerprinter(nil)
	b := NewFingerprinter([]byte("team-key"))
	if a.Of("r", "v") != NewFingerprinter(nil).Of("r", "v") {
		t.Fatal("fingerprint not stable across fingerprinters with the same key")
	}
	if a.Of("r", "v") == b.Of("r", "v") {
		t.Fatal("different keys gave the same fingerprint")
	}
	if a.Of("r1", "v") == a.Of("r2", "v") {
		t.Fatal("rule id not part of the fingerprint")
	}
	if fp := a.Of("r", "secretvalue"); strings.Contains(fp, "secretvalue") || len(fp) != 32 {
		t.Fatalf("bad fingerprint %q", fp)
	}
}

func TestSeverity(t *testing.T) {
	if !ValidSeverity("high") || ValidSeverity("urgent") {
		t.Fatal("ValidSeverity wrong")
	}
	if SeverityCritical.Rank() <= SeverityHigh.Rank() {
		t.Fatal("rank order wrong")
	}
}
