package suppress

import (
	"slices"
	"testing"

	"github.com/pretense/pretense/internal/gitobj"
)

// StagedChanges judges the markers of a staged file from the content the
// scan read (no repository): a marker is added unless HEAD's version had
// the same line as often; a file whose HEAD version could not be read, or
// that is binary, is not judged; watched files are added or modified.
func TestStagedChanges(t *testing.T) {
	marker := "# pretense" + ":allow"
	id := func(s string) gitobj.Hash { return gitobj.SHA1.BlobID([]byte(s)) }
	cases := []struct {
		name string
		file StagedFile
		want []Change
	}{
		{"new file with a marker",
			StagedFile{Path: "a.py", To: id("x"), Marked: true, New: []byte("x = 1\ny = 2  " + marker + "\n")},
			[]Change{{Path: "a.py", Line: 2, What: "adds a pretense:allow marker", Marker: "pretense:allow"}}},
		{"marker HEAD had",
			StagedFile{Path: "a.py", From: id("o"), To: id("x"), Marked: true,
				New: []byte("y = 2  " + marker + "\nz = 3  # gitleaks:allow\n"), Old: []byte("q\ny = 2  " + marker + "\n")},
			[]Change{{Path: "a.py", Line: 2, What: "adds a gitleaks:allow marker", Marker: "gitleaks:allow"}}},
		{"HEAD's version unreadable",
			StagedFile{Path: "a.py", From: id("o"), To: id("x"), Marked: true, New: []byte("y  " + marker + "\n"), OldUnreadable: true},
			nil},
		{"binary",
			StagedFile{Path: "a.bin", To: id("x"), Marked: true, New: []byte("\x00y  " + marker + "\n")},
			nil},
		{"not marked: content not read",
			StagedFile{Path: "a.py", To: id("x"), New: []byte("y  " + marker + "\n")},
			nil},
		{"watched file added",
			StagedFile{Path: ".pretense.yaml", To: id("x")},
			[]Change{{Path: ".pretense.yaml", Line: 1, What: "added"}}},
		{"ignore file modified",
			StagedFile{Path: "d/.pretenseignore", From: id("o"), To: id("x")},
			[]Change{{Path: "d/.pretenseignore", Line: 1, What: "modified"}}},
	}
	for _, tc := range cases {
		got := StagedChanges([]StagedFile{tc.file}, []string{".pretense.yaml"})
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestBlankMarkers(t *testing.T) {
	in := "a  # pretense:allow\nb  # gitleaks:allow\nc  # pretense:allow\n"
	got := string(BlankMarkers([]byte(in), []int{1, 2, 9}))
	want := "a  #               \nb  #               \nc  # pretense:allow\n"
	if got != want {
		t.Errorf("BlankMarkers = %q, want %q", got, want)
	}
}
