package proxy

import (
	"bytes"
	"sort"
)

// opaqueTypes are objects whose text must reach the client exactly as the
// model wrote it: thinking is sent back with its signature, and a restored
// original there would go upstream unmutated on the next turn.
var opaqueTypes = map[string]bool{"thinking": true, "redacted_thinking": true, "reasoning": true}

// opaqueKeys hold signatures and encrypted state.
var opaqueKeys = map[string]bool{"signature": true, "encrypted_content": true}

// restorer accumulates reversal edits and the fidelity they measured.
type restorer struct {
	sess session
	fid  fidelity
}

// restoreJSON restores synthetics in every string value of a JSON document
// except thinking and reasoning. A body that is not JSON is restored as
// plain text: synthetics are identifier-safe, so that is still exact.
func (r *restorer) restoreJSON(body []byte) []byte {
	d, err := parseJSONOwned(body)
	if err != nil {
		out, f := r.sess.reverse(string(body), false)
		r.fid.add(f)
		return []byte(out)
	}
	var edits []edit
	r.tree(d, 0, false, &edits)
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	return applyEdits(body, edits)
}

// tree adds edits for every restorable string under node n. jsonText marks
// a string whose content is JSON (tool-call arguments).
func (r *restorer) tree(d *jdoc, n int, jsonText bool, edits *[]edit) {
	switch d.kind(n) {
	case jStr:
		raw := d.raw(n)
		if bytes.IndexByte(raw, '_') < 0 {
			// Every synthetic starts with '_'.
			return
		}
		s := d.str(n)
		out, f := r.sess.reverse(s, jsonText)
		r.fid.add(f)
		if out != s {
			nd := d.nodes[n]
			*edits = append(*edits, edit{start: nd.start, end: nd.end, repl: appendQuote(nil, out)})
		}
	case jArr:
		d.each(n, func(c int) { r.tree(d, c, false, edits) })
	case jObj:
		if opaqueTypes[d.strAt(n, "type")] {
			return
		}
		d.each(n, func(c int) {
			k := d.key(c)
			if opaqueKeys[k] {
				return
			}
			r.tree(d, c, k == "arguments" || k == "partial_json", edits)
		})
	}
}
