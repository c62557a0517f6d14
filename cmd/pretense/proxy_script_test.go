package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// The proxy scripts need an LLM API that is not the network: a fake
// Anthropic/OpenAI upstream in the test process records every body it
// receives in a file the script can grep, and answers with the last user
// text echoed back (so restoration can be checked).

var upstreams sync.Map // script work dir -> *httptest.Server

// upstream VAR RECORD: start a fake upstream, set VAR to its URL, and append
// each request it receives (method, path, body) to the file RECORD.
func cmdUpstream(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: upstream VAR RECORD")
	}
	record := ts.MkAbs(args[1])
	ts.Check(os.WriteFile(record, nil, 0o644))
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		f, err := os.OpenFile(record, os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			fmt.Fprintf(f, "%s %s\n%s\n", r.Method, r.URL.RequestURI(), body)
			f.Close()
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/chat/completions") {
			fmt.Fprint(w, `{"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`)
			return
		}
		fmt.Fprint(w, `{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}`)
	}))
	ts.Defer(srv.Close)
	upstreams.Store(ts.Getenv("WORK"), srv)
	ts.Setenv(args[0], srv.URL)
}

// freeport VAR: set VAR to a free loopback port.
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ts.Setenv(args[0], fmt.Sprint(port))
}

// waithttp URL: wait up to 20s for URL to answer 200.
func cmdWaitHTTP(ts *testscript.TestScript, neg bool, args []string) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(args[0])
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("%s did not answer within 20s", args[0])
}

// post URL FILE [HEADER=VALUE...]: POST FILE's contents as JSON; prints
// "status N" and the response body on stdout.
func cmdPost(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: post URL FILE [HEADER=VALUE...]")
	}
	body, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	req, err := http.NewRequest(http.MethodPost, args[0], bytes.NewReader(body))
	ts.Check(err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", "test-key-not-real")
	req.Header.Set("anthropic-version", "2023-06-01")
	for _, h := range args[2:] {
		k, v, _ := strings.Cut(h, "=")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	fmt.Fprintf(ts.Stdout(), "status %d\n%s\n", resp.StatusCode, out)
}
