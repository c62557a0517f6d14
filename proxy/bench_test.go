package proxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pretense/pretense/internal/testtool"
	"github.com/pretense/pretense/rules"
)

// benchIdentifiers are 200 distinct PHI-adjacent names (the mutation engine
// selects every one of them under the phi policy).
func benchIdentifiers() []string {
	words := []string{"Patient", "Mrn", "DateOfBirth", "InsuranceMember", "Diagnosis", "Ssn", "Medication", "Encounter", "Allergy", "Admission"}
	nouns := []string{"Record", "Id", "Lookup", "Cache", "Store", "Index", "Table", "Queue", "View", "Form", "Row", "Key", "Map", "List", "Set", "Entry", "Field", "Value", "Batch", "Report"}
	var out []string
	for _, w := range words {
		for _, n := range nouns {
			out = append(out, "get"+w+n)
		}
	}
	return out
}

// benchBody is a 64 KB Anthropic request whose code mentions 200
// identifiers, padded with ordinary code, the shape of an agent turn.
func benchBody() []byte {
	var code strings.Builder
	ids := benchIdentifiers()
	for i, id := range ids {
		fmt.Fprintf(&code, "export function %s(input: Input%d): Output { return transform(input, %d); }\n", id, i, i)
	}
	for i := 0; code.Len() < 63<<10; i++ {
		fmt.Fprintf(&code, "const total%d = items.reduce((acc, item) => acc + item.amount * %d, 0); // running sum\n", i, i)
	}
	body := mustJSON(map[string]any{
		"model": "claude-test", "max_tokens": 1024,
		"system": "You are a careful reviewer.",
		"messages": []any{map[string]any{"role": "user", "content": []any{
			map[string]any{"type": "text", "text": "Review this file (nonce 0000000000):\n```ts\n" + code.String() + "```"},
		}}},
	})
	return []byte(body)
}

const benchResponse = `{"id":"msg_1","type":"message","role":"assistant","model":"claude-test","content":[{"type":"text","text":"Looks fine."}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}`

// benchTargets starts the fake upstream, a plain httputil.ReverseProxy and
// pretense in front of it. All three are what one benchmark run compares.
type benchTargets struct {
	upstream, reverse, pretense *httptest.Server
	srv                         *Server
	client                      *http.Client
}

func newBenchTargets(b *testing.B, handler http.HandlerFunc) *benchTargets {
	b.Helper()
	up := httptest.NewServer(handler)
	target, _ := url.Parse(up.URL)
	rp := &httputil.ReverseProxy{
		Rewrite:       func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		Transport:     defaultTransport(),
		FlushInterval: -1,
	}
	rev := httptest.NewServer(rp)
	s, err := New(Options{Key: testKey, AnthropicUpstream: up.URL, OpenAIUpstream: up.URL, Audit: &memSink{}, PHIMode: rules.ModeStandard})
	if err != nil {
		b.Fatal(err)
	}
	// Served as Serve serves it: the connection's addresses (and so the
	// loopback peer's uid, read from the kernel) are learnt once per
	// connection, not once per request.
	pre := httptest.NewUnstartedServer(s)
	pre.Config.ConnContext = connContext
	pre.Start()
	tr := &http.Transport{MaxIdleConnsPerHost: 1024, MaxConnsPerHost: 0, DisableCompression: true}
	bt := &benchTargets{upstream: up, reverse: rev, pretense: pre, srv: s, client: &http.Client{Transport: tr}}
	b.Cleanup(func() {
		tr.CloseIdleConnections()
		pre.Close()
		rev.Close()
		s.Close()
		rp.Transport.(*http.Transport).CloseIdleConnections()
		up.Close()
	})
	return bt
}

func (bt *benchTargets) named() []struct {
	name string
	url  string
} {
	return []struct {
		name string
		url  string
	}{{"direct", bt.upstream.URL}, {"reverseproxy", bt.reverse.URL}, {"pretense", bt.pretense.URL}}
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(p*float64(len(s)-1) + 0.5)
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkOverhead64KB: each iteration is one round in which 32 clients
// send the 64 KB, 200-identifier request at once through each target in
// turn (order rotated per round). It reports median and p99 latency per
// target and pretense's added latency over the plain reverse proxy.
// "repeat" sends the same body every time, as an agent resends its
// history each turn (the scan of known-clean text is skipped); "cold"
// makes every body new, so everything is scanned.
//
//	go test ./proxy -run '^$' -bench Overhead64KB -benchtime 40x
func BenchmarkOverhead64KB(b *testing.B) {
	for _, cold := range []bool{false, true} {
		name := "repeat"
		if cold {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) { benchOverhead(b, cold) })
	}
}

func benchOverhead(b *testing.B, cold bool) {
	const clients = 32
	body := benchBody()
	nonceAt := bytes.Index(body, []byte("nonce 0000000000")) + len("nonce ")
	var counter atomic.Int64
	bt := newBenchTargets(b, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, benchResponse)
	})
	targets := bt.named()
	send := func(u string) time.Duration {
		payload := body
		if cold {
			payload = slices.Clone(body)
			copy(payload[nonceAt:], fmt.Sprintf("%010d", counter.Add(1)))
		}
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, u+"/v1/messages", bytes.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("anthropic-version", "2023-06-01")
		resp, err := bt.client.Do(req)
		if err != nil {
			b.Error(err)
			return 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Errorf("%s: status %d", u, resp.StatusCode)
		}
		return time.Since(start)
	}
	round := func(u string, into *[]time.Duration) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range clients {
			wg.Go(func() {
				d := send(u)
				mu.Lock()
				*into = append(*into, d)
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	var warm []time.Duration
	for _, t := range targets {
		round(t.url, &warm) // open connections first
	}
	lat := make([][]time.Duration, len(targets))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range targets {
			k := (i + j) % len(targets)
			round(targets[k].url, &lat[k])
		}
	}
	b.StopTimer()
	for k, t := range targets {
		b.ReportMetric(ms(percentile(lat[k], 0.5)), t.name+"-p50-ms")
		b.ReportMetric(ms(percentile(lat[k], 0.99)), t.name+"-p99-ms")
	}
	b.ReportMetric(ms(percentile(lat[2], 0.5)-percentile(lat[1], 0.5)), "added-p50-ms")
	b.ReportMetric(ms(percentile(lat[2], 0.99)-percentile(lat[1], 0.99)), "added-p99-ms")
}

// BenchmarkSequential64KB is the same comparison with one client at a
// time: the added latency of one request on an idle proxy, without the
// queueing that 32 clients on few cores add.
//
//	go test ./proxy -run '^$' -bench Sequential64KB -benchtime 200x
func BenchmarkSequential64KB(b *testing.B) {
	for _, cold := range []bool{false, true} {
		name := "repeat"
		if cold {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) { benchSequential(b, cold) })
	}
}

func benchSequential(b *testing.B, cold bool) {
	body := benchBody()
	nonceAt := bytes.Index(body, []byte("nonce 0000000000")) + len("nonce ")
	bt := newBenchTargets(b, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, benchResponse)
	})
	targets := bt.named()
	n := 0
	send := func(u string) time.Duration {
		payload := body
		if cold {
			n++
			payload = slices.Clone(body)
			copy(payload[nonceAt:], fmt.Sprintf("%010d", n))
		}
		start := time.Now()
		resp, err := bt.client.Post(u+"/v1/messages", "application/json", bytes.NewReader(payload))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(start)
	}
	for _, t := range targets {
		send(t.url)
	}
	lat := make([][]time.Duration, len(targets))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range targets {
			k := (i + j) % len(targets)
			lat[k] = append(lat[k], send(targets[k].url))
		}
	}
	b.StopTimer()
	for k, t := range targets {
		b.ReportMetric(ms(percentile(lat[k], 0.5)), t.name+"-p50-ms")
	}
	b.ReportMetric(ms(percentile(lat[2], 0.5)-percentile(lat[1], 0.5)), "added-p50-ms")
	b.ReportMetric(ms(percentile(lat[2], 0.99)-percentile(lat[1], 0.99)), "added-p99-ms")
}

// BenchmarkRewriteRequest64KB is the CPU cost of the request path alone:
// parse, scan (secrets + PHI standard) and mutate 200 identifiers, reported
// as process CPU per request (cpu-ms/op, the collector included), which is
// what 32 clients on 2 cores queue for.
//
// "cold": nothing remembered (no clean-scan cache, no mutation memo), every
// text scanned and lexed. "unseen": a warm proxy and a never-seen body (a
// new nonce in the big text), scanned, lexed and remembered for next time.
// "resent": a warm proxy and the same body again, as an agent resends its
// history every turn.
//
//	go test ./proxy -run '^$' -bench RewriteRequest64KB -benchtime 200x
func BenchmarkRewriteRequest64KB(b *testing.B) {
	for _, mode := range []string{"cold", "unseen", "resent"} {
		b.Run(mode, func(b *testing.B) { benchRewrite(b, mode) })
	}
}

func benchRewrite(b *testing.B, mode string) {
	body := benchBody()
	nonceAt := bytes.Index(body, []byte("nonce 0000000000")) + len("nonce ")
	rig := newRawFPRig(b)
	eng, ck := rig.eng, rig.ck
	if mode == "cold" {
		me := eng.(mutateEngine)
		me.memo = nil
		eng, ck = me, &checker{rs: rig.rs}
	}
	n := 0
	run := func() {
		if mode == "unseen" {
			n++
			copy(body[nonceAt:], fmt.Sprintf("%010d", n))
		}
		sess := eng.newSession()
		// As the exchange does: large texts decoded into lent buffers,
		// given back when the request is over.
		var l lease
		res, err := rewriteLeased(&l, body, apiAnthropic, sess, ck, eng.langFromPath)
		if err != nil || len(res.hits) > 0 || sess.count() < 200 {
			b.Fatalf("err %v hits %v count %d", err, res.hits, sess.count())
		}
		res.body.release()
		l.release()
	}
	run() // warm: the resent body is known, the caches exist
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	runtime.GC()
	cpu0 := testtool.ProcessCPU()
	for b.Loop() {
		run()
	}
	if cpu := testtool.ProcessCPU() - cpu0; cpu > 0 {
		b.ReportMetric(ms(cpu)/float64(b.N), "cpu-ms/op")
	}
}

// streamHandler streams an Anthropic answer: message_start and the first
// text delta at once, then n more deltas every gap.
func streamHandler(n int, gap time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		sseWrite(w, "message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"m","usage":{"input_tokens":1,"output_tokens":1}}}`)
		sseWrite(w, "content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
		sseWrite(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"First"}}`)
		for i := 0; i < n; i++ {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(gap):
			}
			sseWrite(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" and more words _vexample here"}}`)
		}
		sseWrite(w, "content_block_stop", `{"type":"content_block_stop","index":0}`)
		sseWrite(w, "message_stop", `{"type":"message_stop"}`)
	}
}

// BenchmarkStreamTTFT: time from sending a streaming request to reading the
// first text delta, per target, one request at a time.
//
//	go test ./proxy -run '^$' -bench StreamTTFT -benchtime 200x
func BenchmarkStreamTTFT(b *testing.B) {
	bt := newBenchTargets(b, streamHandler(0, 0))
	body := []byte(`{"model":"m","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Why is getPatientRecord slow?"}]}`)
	marker := []byte("text_delta")
	ttft := func(u string) time.Duration {
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, u+"/v1/messages", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := bt.client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var seen []byte
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			seen = append(seen, buf[:n]...)
			if bytes.Contains(seen, marker) {
				d := time.Since(start)
				_, _ = io.Copy(io.Discard, resp.Body)
				return d
			}
			if err != nil {
				b.Fatalf("%s: no text delta: %v", u, err)
			}
		}
	}
	targets := bt.named()
	for _, t := range targets {
		ttft(t.url)
	}
	lat := make([][]time.Duration, len(targets))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range targets {
			k := (i + j) % len(targets)
			lat[k] = append(lat[k], ttft(targets[k].url))
		}
	}
	b.StopTimer()
	for k, t := range targets {
		b.ReportMetric(ms(percentile(lat[k], 0.5)), t.name+"-ttft-p50-ms")
	}
	b.ReportMetric(ms(percentile(lat[2], 0.5)-percentile(lat[1], 0.5)), "added-ttft-p50-ms")
	b.ReportMetric(ms(percentile(lat[2], 0.99)-percentile(lat[1], 0.99)), "added-ttft-p99-ms")
}

// BenchmarkConcurrentStreams500 holds 500 streams open at once through the
// reverse proxy and then through pretense (each about 2.4 s of deltas every
// 40 ms) and samples the process heap while they run: the peak heap per
// stream, and the change in average live heap (sampled right after a GC)
// between the two halves of the steady part of the run (all streams open;
// steady memory means no growth). The process also holds the clients and the fake
// upstream; the reverse-proxy run is the baseline for those.
//
//	go test ./proxy -run '^$' -bench ConcurrentStreams500 -benchtime 1x
func BenchmarkConcurrentStreams500(b *testing.B) {
	const streams = 500
	bt := newBenchTargets(b, streamHandler(60, 40*time.Millisecond))
	bt.client.Transport.(*http.Transport).MaxIdleConnsPerHost = streams
	body := []byte(`{"model":"m","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Why is getPatientRecord slow?"}]}`)
	run := func(u string) (peak, early, late uint64) {
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var wg sync.WaitGroup
		for range streams {
			wg.Go(func() {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u+"/v1/messages", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := bt.client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		var samples []uint64
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				// Skip the ramp-up (first 30%) and the wind-down (last 15%).
				lo, hi := len(samples)*3/10, len(samples)*85/100
				if hi-lo < 2 {
					return peak, 0, 0
				}
				mid := (lo + hi) / 2
				return peak, avg(samples[lo:mid]), avg(samples[mid:hi])
			case <-tick.C:
				// Live memory: collect first, so garbage between GC cycles
				// does not read as growth.
				runtime.GC()
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				inuse := m.HeapAlloc + m.StackInuse - base.HeapAlloc - base.StackInuse
				samples = append(samples, inuse)
				peak = max(peak, inuse)
			}
		}
	}
	for i := 0; i < b.N; i++ {
		rpPeak, rpEarly, rpLate := run(bt.reverse.URL)
		pPeak, pEarly, pLate := run(bt.pretense.URL)
		b.ReportMetric(float64(rpPeak)/streams/1024, "reverseproxy-KB/stream")
		b.ReportMetric(float64(pPeak)/streams/1024, "pretense-KB/stream")
		b.ReportMetric((float64(pPeak)-float64(rpPeak))/streams/1024, "added-KB/stream")
		b.ReportMetric((float64(pLate)-float64(pEarly))/1024/1024, "pretense-growth-MB")
		b.ReportMetric((float64(rpLate)-float64(rpEarly))/1024/1024, "reverseproxy-growth-MB")
		b.ReportMetric(float64(pEarly)/1024/1024, "pretense-steady-MB")
	}
}

func avg(s []uint64) uint64 {
	var t uint64
	for _, v := range s {
		t += v
	}
	return t / uint64(len(s))
}
