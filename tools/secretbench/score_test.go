package main

import (
	"encoding/base64"
	"strings"
	"testing"
)

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

// TestNoRealPassword: connection URIs and registry logins count as
// plausible credentials only when they hold a password that is not a
// placeholder.
func TestNoRealPassword(t *testing.T) {
	reg := func(login string) string {
		return `{"registry":"quay.io","auth":"` + base64.StdEncoding.EncodeToString([]byte(login)) + `"}`
	}
	tests := []struct {
		name  string
		wants []string
		want  bool
	}{
		{"jdbc without password", []string{"jdbc:postgresql://localhost:5432/postgres"}, true},
		{"placeholder user:pass", []string{"amqps://user123:pass456@mq.internal:5672/v"}, true},
		{"placeholder password param", []string{"jdbc:sqlserver://h:1433;user=u;password=MY-PASSWORD"}, true},
		{"random password", []string{"postgres://app:" + "q7Vx2Lm9Tz4K" + "@db:5432/app"}, false},
		{"one real among placeholders", []string{"jdbc:mysql://h/db", "mysql://u:" + "Zr8kPq2Wn5Jc" + "@h/db"}, false},
		{"registry login repeating its user", []string{reg("123:123")}, true},
		{"registry login with a real password", []string{reg("ci:" + "Hq4Rz8Wm2Kx6")}, false},
		{"not a uri", []string{"sk_" + "abc"}, false},
	}
	for _, tc := range tests {
		if got := noRealPassword(tc.wants); got != tc.want {
			t.Errorf("%s: noRealPassword(%q) = %v, want %v", tc.name, tc.wants, got, tc.want)
		}
	}
}

// FuzzPlaceholderTests: the harness's placeholder tests take any text.
func FuzzPlaceholderTests(f *testing.F) {
	f.Add("fake-value@x", "jdbc:mysql://u:p@h/db")
	f.Add("ab12fake", `{"registry":"q","auth":"MTIzOjEyMw=="}`)
	f.Add("Fake", "postgres://a:b@c")
	f.Fuzz(func(t *testing.T, s, w string) {
		_ = fakeWord(s)
		_ = noRealPassword([]string{w, s})
	})
}

func TestAzureRedisShape(t *testing.T) {
	ok := detectorDecoded["redis"]
	key43 := strings.Repeat("Ab3+", 10) + "Xy9="
	tests := []struct {
		want string
		ok   bool
	}{
		{"rediss://:" + key43 + "@cache1.redis.cache.windows.net:6380", true},
		// 44 characters without '=': not the base64 of a 32-byte key.
		{"rediss://:" + strings.Repeat("Ab3+", 11) + "@cache1.redis.cache.windows.net:6380", false},
		// Other Redis URIs are not judged by this shape.
		{"redis://user:Zq81xKLm2@cache.internal:6379", true}, // pretense:allow
	}
	for _, tt := range tests {
		if got := ok(tt.want); got != tt.ok {
			t.Errorf("%q: got %v, want %v", tt.want, got, tt.ok)
		}
	}
}

func TestSignedJWT(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	body := enc(`{"sub":"1234567890"}`)
	sig := "Zk8vQ2mX7rLp4Tw9yB3nC6dF1gH5jK0sVq2eUoAiZxY"
	hs := enc(`{"alg":"HS256","typ":"JWT"}`) + "." + body + "." + sig
	noAlg := enc(`{"ver":"2"}`) + "." + body + "." + sig
	tests := []struct {
		name, text string
		want       bool
	}{
		{"signed", "JWT := " + hs, true},
		{"signed, base64-wrapped", "t = " + base64.StdEncoding.EncodeToString([]byte(hs)), true},
		{"no alg in the header", "JWT := " + noAlg, false},
		{"no alg, base64-wrapped", base64.StdEncoding.EncodeToString([]byte(noAlg)), false},
		{"unsigned alg none", enc(`{"alg":"none"}`) + "." + body + ".", false},
		{"header not JSON", "eyJhbGciOieeeiIsInR5cCI6IkpXVCJ9." + body + "." + sig, false},
		{"no token", "nothing here", false},
	}
	for _, tt := range tests {
		if got := signedJWT(tt.text); got != tt.want {
			t.Errorf("%s: signedJWT = %v, want %v", tt.name, got, tt.want)
		}
	}
}
