package proxy

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pretense/pretense/rules"
)

// hit is one secret or PHI value found in a request: where it was, never
// what it was.
type hit struct {
	ruleID string
	kind   string // "secret" or "phi"
	path   string // JSON path of the field, e.g. messages[2].content[0].text
	start  int    // byte offsets inside the field's decoded text
	end    int
}

func (h hit) String() string {
	return fmt.Sprintf("%s %s at %s (bytes %d-%d)", h.kind, h.ruleID, h.path, h.start, h.end)
}

// rewritten is a request ready to go upstream, or the reason it may not.
type rewritten struct {
	body   *reqBody
	model  string
	stream bool
	hits   []hit
	// attachments counts images and audio passed through (not scannable).
	attachments int
}

// errNotObject is returned for a body that is JSON but not an object.
var errNotObject = errors.New("request body must be a JSON object")

// unit is one piece of text to scan and mutate: a field, or one string leaf
// of a field that holds JSON text.
type unit struct {
	field int
	inner int // node in the field's inner document, -1 for the field itself
	text  string
	// raw: fp is the fingerprint of the field's JSON string as sent
	// (rawFingerprintOf), for fields of minCachedText bytes or more.
	raw bool
	fp  fingerprint
	// clean: a request found clean held this very JSON string (the
	// clean-scan cache knows fp): its text and the payloads in it are not
	// decoded or scanned again, and text stays empty unless mutating needs
	// it (the memo does not know it).
	clean bool
}

// rewriteRequest parses body, scans every text-bearing field with rs and,
// when nothing is found, mutates those fields with sess. Every byte outside
// the rewritten string values is kept.
func rewriteRequest(body []byte, a api, sess session, ck *checker, langOf func(string) string) (rewritten, error) {
	return rewriteLeased(nil, body, a, sess, ck, langOf)
}

// rewriteLeased is rewriteRequest decoding large strings into buffers of
// l (nil: allocated): the result (its body's edits) then holds them until
// the exchange releases l.
func rewriteLeased(l *lease, body []byte, a api, sess session, ck *checker, langOf func(string) string) (rewritten, error) {
	// The body is read for this request and never changed: taken, not copied.
	limit := maxRequestValues
	if ck != nil && ck.maxValues > 0 {
		limit = ck.maxValues
	}
	d, err := parseJSONLimit(body, limit)
	if err != nil {
		return rewritten{}, err
	}
	d.lease = l
	values := limit - len(d.nodes) // left for JSON text in strings
	if d.nodes[0].kind != jObj {
		return rewritten{}, errNotObject
	}
	if err := checkStrict(d, a); err != nil {
		return rewritten{}, err
	}
	// The model outlives the request (the audit entry): owned, not a view
	// of a buffer the request may give back.
	out := rewritten{model: strings.Clone(d.strAt(0, "model"))}
	if s := d.get(0, "stream"); s >= 0 && d.kind(s) == jBool && string(d.raw(s)) == "true" {
		out.stream = true
	}
	w := newReqWalker(d, langOf)
	w.walk(a)

	units := make([]unit, 0, len(w.fields))
	inner := make([]*jdoc, len(w.fields))
	for fi, f := range w.fields {
		if !f.args {
			u := unit{field: fi, inner: -1}
			if n := d.nodes[f.node]; n.end-n.start >= minCachedText {
				// Agents resend their history: a large field is known by
				// its bytes as sent, before (and, when both caches know
				// it, instead of) decoding it.
				u.raw, u.fp = true, rawFingerprintOf(d.src[n.start:n.end])
				u.clean = ck != nil && ck.cache.cleanFP(u.fp)
			}
			if !u.clean {
				u.text = d.str(f.node)
			}
			units = append(units, u)
			continue
		}
		text := d.str(f.node)
		// Tool-call arguments are JSON inside a string; mutate its string
		// leaves so the arguments stay valid JSON. Arguments that do not
		// parse (a model's broken JSON in history) are treated as text.
		id, err := parseJSONLimit([]byte(text), valuesLeft(values))
		if errors.Is(err, errTooManyValues) {
			return rewritten{}, err
		}
		if err == nil {
			values -= len(id.nodes)
			inner[fi] = id
			for n := range id.nodes {
				if id.nodes[n].kind == jStr {
					units = append(units, unit{field: fi, inner: n, text: id.str(n)})
				}
			}
			continue
		}
		units = append(units, unit{field: fi, inner: -1, text: text})
	}

	// Fingerprinted once for both caches: the clean-scan cache and the
	// mutation memo (fingerprint.go). Large fields have their raw
	// fingerprint already.
	texts := make([]string, len(units))
	langs := make([]string, len(units))
	fps := make([]fingerprint, len(units))
	for i, u := range units {
		texts[i], langs[i] = u.text, w.fields[u.field].lang
		switch {
		case u.raw:
			fps[i] = u.fp
		case len(u.text) >= minCachedText:
			fps[i] = fingerprintOf(u.text)
		}
	}

	if ck != nil {
		// Everything else in the body is scanned too (scanall.go).
		pc := newPayloadCounter(ck.blockAttachments, ck.payloadBudget)
		pc.values = values
		extra, err := collectScanOnly(d, w.fields, pc)
		if err != nil {
			return rewritten{}, err
		}
		// Payloads pasted into prompt text (gzip in base64, say).
		for _, u := range units {
			if u.clean {
				continue
			}
			decoded, err := pc.embedded(u.text, 0)
			if err != nil {
				return rewritten{}, fmt.Errorf("%w: %s: %w", errPayload, w.fields[u.field].path, err)
			}
			for _, t := range decoded {
				extra = append(extra, scanText{text: t.text, where: fixedWhere(w.fields[u.field].path + " (decoded " + t.what + ")")})
			}
		}
		out.attachments = pc.attachments
		out.hits = ck.scan(units, fps, w.fields, extra)
		if len(out.hits) > 0 {
			return out, nil
		}
		// Nothing in the request: its large fields, payloads included,
		// are clean as sent. Only now, so a field whose payload was
		// refused is never taken for clean.
		var clean []fingerprint
		for _, u := range units {
			if u.raw && !u.clean {
				clean = append(clean, u.fp)
			}
		}
		ck.cache.addFP(clean)
	}

	// A field the memo knows is not decoded even now: read is how
	// mutateAll gets the text of one it does not.
	read := func(i int) string { return d.str(w.fields[units[i].field].node) }
	raw := func(i int) ([]byte, escTable) {
		if units[i].inner >= 0 || !units[i].raw {
			// Only a text known by its bytes as sent (fps[i] a raw
			// fingerprint) is remembered as splices of them.
			return nil, nil
		}
		n := w.fields[units[i].field].node
		return d.raw(n), d.escapes(n)
	}
	mutated, err := sess.mutateAll(texts, langs, fps, read, raw)
	if err != nil {
		return rewritten{}, err
	}
	var edits []edit
	var innerEdits map[int][]edit
	for i, u := range units {
		f := w.fields[u.field]
		m := mutated[i]
		if m.unchanged() {
			continue
		}
		if u.inner < 0 && m.splices != nil && len(m.splices.sp) > 0 {
			// The memo's splices of the string as sent: written from the
			// client's bytes.
			n := d.nodes[f.node]
			edits = append(edits, edit{start: n.start, end: n.end, splices: m.splices})
			continue
		}
		if u.inner < 0 && m.quoted != "" {
			// Quoted once already (the memo): sent as it is.
			n := d.nodes[f.node]
			edits = append(edits, edit{start: n.start, end: n.end, repl: bytesOf(m.quoted)})
			continue
		}
		if u.inner < 0 {
			// Written quoted from the text and its replacements as the
			// body is sent (reqBody): never a second copy of a large text.
			n := d.nodes[f.node]
			edits = append(edits, edit{start: n.start, end: n.end, quote: m, quoted: true})
			continue
		}
		if innerEdits == nil {
			innerEdits = map[int][]edit{}
		}
		n := inner[u.field].nodes[u.inner]
		innerEdits[u.field] = append(innerEdits[u.field], edit{start: n.start, end: n.end, repl: appendMQuote(nil, m)})
	}
	for fi, ies := range innerEdits {
		// Inner string nodes are visited in node order, which for leaves is
		// source order; sort anyway so applyEdits' contract holds.
		sort.Slice(ies, func(i, j int) bool { return ies[i].start < ies[j].start })
		args := applyEdits(inner[fi].src, ies)
		n := d.nodes[w.fields[fi].node]
		edits = append(edits, edit{start: n.start, end: n.end, repl: appendQuote(nil, string(args))})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	out.body = newReqBody(body, edits)
	return out, nil
}

// checker scans request text with the shared rules.
type checker struct {
	rs    *rules.Ruleset
	cache *cleanCache // nil: scan everything every time
	// blockAttachments refuses images and audio (--attachments block).
	blockAttachments bool
	// payloadBudget caps the bytes decoded from payloads per request
	// (0: defaultPayloadBudget).
	payloadBudget int64
	// maxValues caps a request's JSON values (0: maxRequestValues).
	maxValues int
}

// newChecker builds the request checker for rs with the request limits of
// opts. New and Reload both use it, so a SIGHUP reload swaps the rules but
// keeps --attachments and --max-body-size (a reloaded checker once dropped
// them and fell back to the defaults).
func newChecker(rs *rules.Ruleset, opts Options) *checker {
	return &checker{
		rs: rs, cache: newCleanCache(scanCacheEntries),
		blockAttachments: opts.Attachments == AttachmentsBlock, payloadBudget: opts.MaxBodyBytes,
		maxValues: opts.MaxRequestValues,
	}
}

// defaultPayloadBudget is used by checkers built without one (tests).
const defaultPayloadBudget = DefaultMaxBodyBytes

// scan scans the rewrite units (fps: their fingerprints) and the other
// strings of the request (extra) in one pass of the rules, and maps each
// match back to its field or string. Units already known clean have no
// text (skipped). A raw fingerprint is not the scan cache's to record: it
// says the field's payloads are clean too, which only rewriteRequest knows
// once everything is scanned.
func (c *checker) scan(units []unit, fps []fingerprint, fields []textField, extra []scanText) []hit {
	texts := make([]string, len(units)+len(extra))
	var sfps []fingerprint
	if c.cache != nil {
		sfps = make([]fingerprint, len(texts))
	}
	for i, u := range units {
		texts[i] = u.text
		if sfps != nil && !u.raw {
			sfps[i] = fps[i]
		}
	}
	for j, e := range extra {
		texts[len(units)+j] = e.text
		if sfps != nil && len(e.text) >= minCachedText {
			sfps[len(units)+j] = fingerprintOf(e.text)
		}
	}
	return c.scanStrings(texts, sfps, func(i int) string {
		if i >= len(units) {
			return extra[i-len(units)].path()
		}
		p := fields[units[i].field].path
		if units[i].inner >= 0 {
			p += " (inside the JSON arguments)"
		}
		return p
	})
}
