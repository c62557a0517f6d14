package proxy

// The proxy needs four things from the mutation engine per request: mutate
// text, count what it mutated, reverse whole strings and reverse streams.
// They are named here as small interfaces so the HTTP plumbing is tested
// and reasoned about apart from how synthetics are made; mutate.go adapts
// the real engine.

// fidelity counts synthetics seen in model output and how many of them were
// restored to an original.
type fidelity struct{ found, restored int }

func (f *fidelity) add(o fidelity) {
	f.found += o.found
	f.restored += o.restored
}

// ratio is 1 when nothing was seen: nothing to restore is a perfect round trip.
func (f fidelity) ratio() float64 {
	if f.found == 0 {
		return 1
	}
	return float64(f.restored) / float64(f.found)
}

// session is one request's mutation state.
type session interface {
	// mutate replaces sensitive identifiers in text (lang names the source
	// language for the lexer: "md", "ts", "py", ...).
	mutate(text, lang string) string
	// mutateAll mutates every text of a request (langs[i] for texts[i];
	// fps[i] its fingerprint, zero when too short to remember, or fps nil)
	// and returns the results in order, each as the text and its
	// replacements (mtext) so a large text is not copied. A text not read
	// yet is empty with a fingerprint: read(i) returns it, called only if
	// the memo does not know fps[i] (read may be nil when every text is
	// there). raw(i), when raw is not nil, is the JSON string as sent
	// (quotes included) that texts[i] is decoded from when fps[i] is its
	// raw fingerprint (rawFingerprintOf), nil otherwise (a string inside
	// tool-call arguments, a short field), with its escape table when
	// one was recorded as it was decoded (jdoc.escapes; nil otherwise); a
	// text the memo keeps is kept as splices of it. Call it at most once,
	// before reversing.
	mutateAll(texts, langs []string, fps []fingerprint, read func(i int) string, raw func(i int) ([]byte, escTable)) ([]mtext, error)
	// count is the number of distinct identifiers mutated so far.
	count() int
	// reverse restores every synthetic in a complete string. With jsonText
	// the string is itself JSON text (tool-call arguments, partial_json) and
	// originals are inserted JSON-escaped.
	reverse(text string, jsonText bool) (string, fidelity)
	// newStream returns a restorer for one stream slot; jsonText as above.
	newStream(jsonText bool) streamRestorer
}

// streamRestorer restores synthetics in text that arrives in pieces.
type streamRestorer interface {
	// write returns the text safe to emit now, holding back only a suffix
	// that could still be the start of a synthetic.
	write(chunk string) string
	// flush returns whatever is held back, at the end of the slot.
	flush() string
	fidelity() fidelity
}

// engine makes sessions; it is immutable and shared by all requests.
type engine interface {
	newSession() session
	// langFromPath names the lexer language of a file path.
	langFromPath(p string) string
}
