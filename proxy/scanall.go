package proxy

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/pretense/pretense/audit"
)

// Scan everything. The request walker (request.go) picks the fields that
// carry prompt text: those are scanned and rewritten. Every other string of
// the body — unknown fields at any depth, object keys, ids, tool names,
// metadata, schemas, thinking blocks — is scanned too, but never rewritten
// (changing it could break the API contract or a signature). The request
// line and headers are scanned before anything else. This runs for every
// route that reaches rewriteRequest, so a route added later is covered
// without work of its own.

// scanText is one string that is scanned but not rewritten.
type scanText struct {
	text string
	// where names it for the block message; computed only on a hit. Nil
	// for a key, value or labelled pair of a document, which node and
	// form name (path): a request has hundreds of these, and a closure
	// for each was an allocation.
	where func() string
	d     *jdoc
	node  int
	form  whereForm
}

// whereForm is what of node a scanText without a where function is.
type whereForm uint8

const (
	formValue    whereForm = iota // node's value (valueWhere)
	formKey                       // node's key (keyWhere)
	formLabelled                  // node's value with its key (labelledWhere)
)

// path names t for the block message.
func (t *scanText) path() string {
	switch {
	case t.where != nil:
		return t.where()
	case t.form == formKey:
		return keyWhere(t.d, t.node)()
	case t.form == formLabelled:
		return labelledWhere(t.d, t.node)()
	}
	return valueWhere(t.d, t.node)()
}

// nestedJSONDepth bounds how deep JSON text inside strings is unwrapped.
const nestedJSONDepth = 2

// collectScanOnly lists every string of d that the rewrite units do not
// already cover: values not among fields, every object key, and the whole
// text of JSON-text fields (their inner keys are not units). It also
// decodes payloads (payload.go) and adds their text.
func collectScanOnly(d *jdoc, fields []textField, pc *payloadCounter) ([]scanText, error) {
	covered := make(map[int]bool, len(fields))
	for _, f := range fields {
		if !f.args {
			covered[f.node] = true
		}
	}
	var out []scanText
	for i := range d.nodes {
		n := &d.nodes[i]
		if n.keyEnd > 0 {
			// Keys are text like any other: payloads and JSON in them too.
			// A hit keeps no text of what it found (rule, path and
			// offsets): the key may alias the request.
			k := d.keyView(i)
			out = append(out, scanText{text: k, d: d, node: i, form: formKey})
			decoded, err := pc.embedded(k, 0)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", errPayload, keyWhere(d, i)(), err)
			}
			for _, t := range decoded {
				out = append(out, scanText{text: t.text, where: suffixWhere(keyWhere(d, i), " (decoded "+t.what+")")})
			}
			if mayBeNestedJSON(k) {
				out = appendNestedJSON(out, k, keyWhere(d, i), nestedJSONDepth, pc)
			}
		}
		if n.kind != jStr || covered[i] {
			// Rewrite units are scanned, and their payloads decoded, by
			// rewriteRequest.
			continue
		}
		s := d.str(i)

		decoded, isPayload, err := pc.inspect(d, i, s)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", errPayload, valueWhere(d, i)(), err)
		}
		for _, t := range decoded {
			out = append(out, scanText{text: t.text, where: suffixWhere(valueWhere(d, i), " (decoded "+t.what+")")})
		}
		if isPayload {
			// Its decoded form was scanned above; the encoded bytes of an
			// image or PDF say nothing a rule could read.
			continue
		}
		out = append(out, scanText{text: s, d: d, node: i, form: formValue})
		if mayBeNestedJSON(s) {
			out = appendNestedJSON(out, s, valueWhere(d, i), nestedJSONDepth, pc)
		}
	}
	out, err := appendLabelled(out, d)
	if err != nil {
		return nil, err
	}
	if pc != nil && pc.err != nil {
		return nil, fmt.Errorf("%w: %w", errPayload, pc.err)
	}
	return out, nil
}

// labelledMax bounds the values scanned again under their key: what a
// label turns into PHI or a credential (an SSN, MRN, NPI, member id, date
// of birth; an assigned password) is short, and a longer value is scanned
// on its own like every string.
const labelledMax = 256

// maxLabelled bounds how many values one request may hold under keys
// (each is scanned again with its key, at about 80 bytes of memory): far
// above any real request (a long agent session holds thousands), far below
// what a 64 MB body of tiny members would make (millions), which is
// refused rather than half scanned.
const maxLabelled = 1 << 18

// appendLabelled adds every short string and number of d that sits under
// a key (an array's elements under the array's key) as the text
// `"key": value`. Nine digits are an SSN only under patient_ssn, eight an
// MRN only under mrn, a generic password only under its name: a value
// scanned apart from its key passed where a repository scan of the same
// JSON reports it. Prompt fields are included (a tool_use input is an
// object whose members are text fields); numbers too, which are not
// otherwise scanned.
func appendLabelled(out []scanText, d *jdoc) ([]scanText, error) {
	if len(d.nodes) == 0 {
		return out, nil
	}
	// All pairs are written into one buffer, each text a slice of it: one
	// allocation for the texts of a request, not one per pair.
	var buf []byte
	type pair struct{ node, start, end int }
	var pairs []pair
	var walk func(i int, label []byte)
	walk = func(i int, label []byte) {
		if len(pairs) > maxLabelled {
			return // refused below, before more is written
		}
		n := &d.nodes[i]
		switch n.kind {
		case jObj:
			for c := n.first; c >= 0; c = d.nodes[c].next {
				walk(c, d.keyBytes(c))
			}
		case jArr:
			for c := n.first; c >= 0; c = d.nodes[c].next {
				walk(c, label)
			}
		case jStr, jNum:
			if len(label) == 0 || n.end-n.start > labelledMax+2 {
				return
			}
			start := len(buf)
			buf = append(buf, '"')
			buf = append(buf, label...)
			buf = append(buf, `": `...)
			if n.kind == jStr {
				buf = append(buf, '"')
				buf = append(buf, d.str(i)...)
				buf = append(buf, '"')
			} else {
				buf = append(buf, d.raw(i)...)
			}
			pairs = append(pairs, pair{i, start, len(buf)})
		}
	}
	walk(0, nil)
	if len(pairs) > maxLabelled {
		return nil, fmt.Errorf("%w: %d values under keys (the limit is %d)", errSchema, len(pairs), maxLabelled)
	}
	all := stringOf(buf) // buf is not written again
	for _, p := range pairs {
		out = append(out, scanText{text: all[p.start:p.end], d: d, node: p.node, form: formLabelled})
	}
	return out, nil
}

func labelledWhere(d *jdoc, node int) func() string {
	return func() string { return pathOf(d, node) + " (with its key)" }
}

// keyBytes returns member c's decoded key, aliasing the source when the
// key has no escapes.
func (d *jdoc) keyBytes(c int) []byte {
	n := &d.nodes[c]
	raw := d.src[n.keyStart+1 : n.keyEnd-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw
	}
	return []byte(d.key(c))
}

// appendNestedJSON adds the decoded strings and keys of JSON text held in a
// string (tool arguments, serialized tool results), since escapes inside it
// (\u0041) hide a value from a scan of the raw text.
func appendNestedJSON(out []scanText, s string, where func() string, depth int, pc *payloadCounter) []scanText {
	if depth == 0 || !mayBeNestedJSON(s) {
		return out
	}
	t := strings.TrimSpace(s)
	limit := maxRequestValues
	if pc != nil {
		limit = valuesLeft(pc.values)
	}
	id, err := parseJSONLimit([]byte(t), limit)
	if errors.Is(err, errTooManyValues) && pc != nil {
		// Not scanned as JSON, its escapes could hide a value: refused
		// (collectScanOnly), never passed on half read.
		if pc.err == nil {
			pc.err = err
		}
		return out
	}
	if err != nil {
		return out
	}
	if pc != nil {
		pc.values -= len(id.nodes)
	}
	w := suffixWhere(where, " (inside the JSON text)")
	for i := range id.nodes {
		n := &id.nodes[i]
		if n.keyEnd > 0 {
			out = append(out, scanText{text: id.key(i), where: w})
		}
		if n.kind == jStr {
			v := id.str(i)
			out = append(out, scanText{text: v, where: w})
			if n.hasEsc {
				// Escapes may hide a payload the outer text did not show;
				// opaque or broken runs pass (the text was scanned as is).
				decoded, err := pc.embedded(v, 1)
				if err != nil && pc.err == nil {
					pc.err = err // reported by collectScanOnly
				}
				for _, t := range decoded {
					out = append(out, scanText{text: t.text, where: w})
				}
			}
			out = appendNestedJSON(out, v, w, depth-1, pc)
		}
	}
	return out
}

// mayBeNestedJSON reports whether appendNestedJSON reads s as JSON text:
// an object or array with an escape in it. Checked before a where
// function is made for it (most strings are not).
func mayBeNestedJSON(s string) bool {
	if len(s) < 2 {
		return false
	}
	t := strings.TrimSpace(s)
	return t != "" && (t[0] == '{' || t[0] == '[') && strings.Contains(t, `\`)
}

func fixedWhere(s string) func() string { return func() string { return s } }

func suffixWhere(w func() string, suffix string) func() string {
	return func() string { return w() + suffix }
}

func valueWhere(d *jdoc, node int) func() string {
	return func() string { return pathOf(d, node) }
}

func keyWhere(d *jdoc, node int) func() string {
	return func() string { return "the key of " + pathOf(d, node) }
}

// pathOf finds node's JSON path by a walk from the root; it runs only to
// name a hit in a block message.
func pathOf(d *jdoc, target int) string {
	var find func(n int, p string) (string, bool)
	find = func(n int, p string) (string, bool) {
		if n == target {
			return p, true
		}
		nd := &d.nodes[n]
		if nd.kind != jObj && nd.kind != jArr {
			return "", false
		}
		i := 0
		for c := nd.first; c >= 0; c = d.nodes[c].next {
			// Children lie inside their parent's span: skip subtrees that
			// cannot hold the target.
			cn := &d.nodes[c]
			if t := &d.nodes[target]; t.start >= cn.start && t.end <= cn.end {
				cp := idx(p, i)
				if nd.kind == jObj {
					cp = member(p, d.key(c))
				}
				if r, ok := find(c, cp); ok {
					return r, true
				}
			}
			i++
		}
		return "", false
	}
	if p, ok := find(0, ""); ok {
		if p == "" {
			return "the body"
		}
		return p
	}
	return "the body"
}

// scanStrings runs the rules over every text not already known clean,
// joined with blank lines so no match spans two texts, in batches of about
// scanBatch bytes (a large request is not copied whole), and maps each
// match back to its text. A text of scanInPlace bytes or more is scanned
// where it lies.
func (c *checker) scanStrings(texts []string, fps []fingerprint, where func(i int) string) []hit {
	if fps == nil && c.cache != nil {
		fps = fingerprints(texts)
	}
	var hits []hit
	var batch []int
	size := 0
	for i, t := range texts {
		if t == "" || fps != nil && c.cache.cleanFP(fps[i]) {
			continue
		}
		if len(t) >= scanInPlace {
			hits = append(hits, c.scanOne(t, fps, i, where(i))...)
			continue
		}
		batch = append(batch, i)
		size += len(t) + 2
		if size >= scanBatch {
			hits = c.scanBatch(texts, fps, batch, size, where, hits)
			batch, size = batch[:0], 0
		}
	}
	if len(batch) > 0 {
		hits = c.scanBatch(texts, fps, batch, size, where, hits)
	}
	return hits
}

// scanBatch is the size at which joined texts are scanned.
const scanBatch = 1 << 20

func (c *checker) scanBatch(texts []string, fps []fingerprint, todo []int, size int, where func(i int) string, hits []hit) []hit {
	const sep = "\n\n"
	buf := make([]byte, 0, size)
	starts := make([]int, len(todo))
	for j, i := range todo {
		starts[j] = len(buf)
		buf = append(buf, texts[i]...)
		buf = append(buf, sep...)
	}
	matches := c.rs.Scan(buf)
	if len(matches) == 0 {
		if fps != nil {
			clean := make([]fingerprint, len(todo))
			for j, i := range todo {
				clean[j] = fps[i]
			}
			c.cache.addFP(clean)
		}
		return hits
	}
	for _, m := range matches {
		j := max(sort.SearchInts(starts, m.Start+1)-1, 0)
		t := texts[todo[j]]
		hits = append(hits, hit{
			ruleID: m.Rule.ID,
			kind:   string(m.Rule.Kind),
			path:   where(todo[j]),
			start:  m.Start - starts[j],
			end:    min(m.End, starts[j]+len(t)) - starts[j],
		})
	}
	return hits
}

func (c *checker) scanTexts(ts []scanText) []hit {
	texts := make([]string, len(ts))
	for i, t := range ts {
		texts[i] = t.text
	}
	return c.scanStrings(texts, nil, func(i int) string { return ts[i].path() })
}

// credentialHeaders carry the caller's API credentials: they must reach the
// upstream as they are and would match the rules by design, so they are
// not scanned as content (and, like every header, never logged).
var credentialHeaders = map[string]bool{
	"Authorization":        true,
	"Proxy-Authorization":  true,
	"X-Api-Key":            true,
	"Api-Key":              true,
	"X-Goog-Api-Key":       true,
	"X-Amz-Security-Token": true,
}

// metaTexts lists the request line and headers for scanning: the path and
// query raw and percent-decoded, each header name and value but the
// credentials. A query that does not decode is refused by the caller.
func metaTexts(r *http.Request) ([]scanText, error) {
	fixed := func(s string) func() string { return func() string { return s } }
	out := []scanText{
		{text: r.URL.EscapedPath(), where: fixed("the request path")},
		{text: r.URL.Path, where: fixed("the request path")},
	}
	if r.URL.RawPath != "" {
		// A path with encoded slashes: decode it once more, as a server
		// behind the upstream might.
		if p, err := url.PathUnescape(r.URL.Path); err == nil {
			out = append(out, scanText{text: p, where: fixed("the request path (decoded twice)")})
		}
	}
	if q := r.URL.RawQuery; q != "" {
		dq, err := url.QueryUnescape(q)
		if err != nil {
			return nil, fmt.Errorf("the query string does not decode: %v", err)
		}
		out = append(out,
			scanText{text: q, where: fixed("the query string")},
			scanText{text: dq, where: fixed("the query string")})
	}
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		// Names are case-insensitive and arrive canonicalised (X-Ghp_…):
		// scan them as sent and in lower case.
		out = append(out, scanText{text: k, where: fixed("a request header name")},
			scanText{text: strings.ToLower(k), where: fixed("a request header name")})
		if credentialHeaders[http.CanonicalHeaderKey(k)] {
			continue
		}
		for _, v := range r.Header[k] {
			// The value alone, and under its name (X-Patient-Ssn: nine
			// digits is an SSN only with the name).
			out = append(out, scanText{text: v, where: fixed("request header " + k)},
				scanText{text: k + ": " + v, where: fixed("request header " + k)})
		}
	}
	return out, nil
}

// scanMeta scans the request line and headers before anything else is read
// or sent. It answers the client and returns false when the request must
// not go on.
func (x *exchange) scanMeta() bool {
	ts, err := metaTexts(x.r)
	if err != nil {
		x.fail(errKindBadRequest, err.Error())
		return false
	}
	if hits := x.s.check.scanTexts(ts); len(hits) > 0 {
		x.block(hits)
		return false
	}
	return true
}

// logPath is the request path as the log line may show it: withheld when
// the rules find anything in it (GET /v1/models/<token> must not put the
// token in a log file).
func (x *exchange) logPath() string {
	p := x.r.URL.Path
	if hits := x.s.check.scanStrings([]string{p, x.r.URL.EscapedPath()}, nil, func(int) string { return "" }); len(hits) > 0 {
		return "(withheld: holds a sensitive value)"
	}
	return p
}

// logDetail keeps the request path out of a log detail when the path
// holds a sensitive value (refusal messages name the path).
func (x *exchange) logDetail(detail string) string {
	if p := x.r.URL.Path; p != "" && strings.Contains(detail, p) && x.logPath() != p {
		return strings.ReplaceAll(detail, p, "(path withheld)")
	}
	return detail
}

// refuseBody answers a body that rewriteRequest refused.
func (x *exchange) refuseBody(err error) {
	switch {
	case errors.Is(err, errAttachmentBlocked):
		x.w.Header().Set(HeaderBlocked, "attachment")
		writeError(x.w, x.rt.api, errKindBlocked, "pretense_blocked", "pretense: "+err.Error(), x.reqID)
		x.status = errKindBlocked.status
		x.audit(audit.OutcomeBlocked, fidelity{})
		x.logLine(audit.OutcomeBlocked, "attachment")
	case errors.Is(err, errTooLarge):
		x.fail(errKindTooLarge, err.Error())
	case errors.Is(err, errSchema), errors.Is(err, errPayload):
		x.fail(errKindBadRequest, err.Error())
	default:
		x.fail(errKindBadRequest, fmt.Sprintf("request body is not valid JSON: %v", err))
	}
}

// scanOne scans one large text, texts[i], in place.
func (c *checker) scanOne(t string, fps []fingerprint, i int, where string) []hit {
	matches := c.rs.Scan(bytesOf(t))
	if len(matches) == 0 {
		if fps != nil {
			c.cache.addFP(fps[i : i+1])
		}
		return nil
	}
	hits := make([]hit, 0, len(matches))
	for _, m := range matches {
		hits = append(hits, hit{ruleID: m.Rule.ID, kind: string(m.Rule.Kind), path: where, start: m.Start, end: m.End})
	}
	return hits
}
