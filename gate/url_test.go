package gate

import "testing"

func TestNoProxyCovers(t *testing.T) {
	tests := []struct {
		value, host, port string
		want              bool
	}{
		{"localhost,127.0.0.1,::1", "127.0.0.1", "9339", true},
		{"localhost 127.0.0.1", "localhost", "9339", true},
		{"*", "127.0.0.1", "9339", true},
		{"127.0.0.0/8", "127.0.0.1", "9339", true},
		{"::1/128", "::1", "9339", true},
		{"[::1]", "::1", "9339", true},
		{"127.0.0.1:9339", "127.0.0.1", "9339", true},
		{"127.0.0.1:8080", "127.0.0.1", "9339", false},
		{".localhost", "pretense.localhost", "9339", true},
		{"localhost", "127.0.0.1", "9339", false},
		{"example.com,.internal", "127.0.0.1", "9339", false},
		{"", "127.0.0.1", "9339", false},
		{"10.0.0.0/8", "127.0.0.1", "9339", false},
	}
	for _, tc := range tests {
		if got := noProxyCovers(tc.value, tc.host, tc.port); got != tc.want {
			t.Errorf("noProxyCovers(%q, %q, %q) = %v, want %v", tc.value, tc.host, tc.port, got, tc.want)
		}
	}
}

func TestClassify(t *testing.T) {
	px, err := parseProxy("http://127.0.0.1:9339")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		raw  string
		want routing
	}{
		{"http://127.0.0.1:9339", routeProxy},
		{"http://localhost:9339/v1", routeProxy},
		{"http://[::1]:9339", routeProxy},
		{"http://127.0.0.2:9339/", routeProxy},
		{"https://127.0.0.1:9339", routeOtherLoop},
		{"http://127.0.0.1:9340", routeOtherLoop},
		{"http://127.0.0.1", routeOtherLoop},
		{"https://api.anthropic.com", routeDirect},
		{"http://10.0.0.1:9339", routeDirect},
		{"127.0.0.1:9339", routeDirect},
		{"", routeDirect},
		{"http://localhost.evil.example:9339", routeDirect},
	}
	for _, tc := range tests {
		if got, why := px.classify(tc.raw); got != tc.want {
			t.Errorf("classify(%q) = %v (%s), want %v", tc.raw, got, why, tc.want)
		}
	}
}

func TestCanaryPath(t *testing.T) {
	tests := []struct {
		base  string
		style apiStyle
		want  string
	}{
		{"http://127.0.0.1:9339", styleAnthropic, "v1/models"},
		{"http://127.0.0.1:9339/v1", styleAnthropic, "models"},
		{"http://127.0.0.1:9339/v1/", styleOpenAI, "models"},
		{"http://127.0.0.1:9339", styleGemini, "v1beta/models"},
		{"http://127.0.0.1:9339", styleAzure, "openai/models"},
	}
	for _, tc := range tests {
		if got := canaryPath(tc.base, tc.style); got != tc.want {
			t.Errorf("canaryPath(%q) = %q, want %q", tc.base, got, tc.want)
		}
	}
}
