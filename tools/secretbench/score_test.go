package main

import "testing"

// TestFakeWord: "fake" marks a placeholder only as a word of its own, not
// as four letters inside a random run.
func TestFakeWord(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"fake", true},
		{"'fake'", true},
		{"fake-value@unit-test", true},
		{"acct-fake.documents.azure.com", true},
		{"my_fake_key", true},
		{"FAKE_KEY", true},
		{"myFakeKey", true},
		{"fakeToken", true},
		{"FakeToken", true},
		{"ab12fake34cd", false},
		{"Fakee9P35zY", false},
		{"PAT_FAKEd5qPre", false},
		{"eyJFAKEiOj", false},
		{"thisisfakeZDqV", false},
		{"x1FaKe", false},
		{"no such word", false},
	}
	for _, tc := range tests {
		if got := fakeWord(tc.in); got != tc.want {
			t.Errorf("fakeWord(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
