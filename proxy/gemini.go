package proxy

import (
	"bytes"
	"strconv"
)

// Gemini API and Vertex AI generateContent bodies and their SSE streams of
// GenerateContentResponse.

// gemini walks a generateContent or countTokens request.
func (w *reqWalker) gemini(root int) {
	d := w.d
	d.each(root, func(c int) {
		switch d.key(c) {
		case "contents":
			i := 0
			d.each(c, func(ct int) {
				w.geminiParts(d.get(ct, "parts"), idx("contents", i)+".parts")
				i++
			})
		case "systemInstruction", "system_instruction":
			if d.kind(c) == jStr {
				w.add(c, "systemInstruction", langText)
				return
			}
			w.geminiParts(d.get(c, "parts"), "systemInstruction.parts")
		case "tools":
			i := 0
			d.each(c, func(t int) {
				j := 0
				d.each(d.get(t, "functionDeclarations"), func(fd int) {
					p := idx(idx("tools", i)+".functionDeclarations", j)
					w.add(d.get(fd, "description"), p+".description", langText)
					w.schema(d.get(fd, "parameters"), p+".parameters")
					w.schema(d.get(fd, "parametersJsonSchema"), p+".parametersJsonSchema")
					j++
				})
				i++
			})
		case "generationConfig":
			w.stringList(d.get(c, "stopSequences"), "generationConfig.stopSequences")
		case "generateContentRequest":
			// countTokens may wrap a whole generateContent request.
			w.gemini(c)
		}
	})
}

// geminiParts handles a Content's parts.
func (w *reqWalker) geminiParts(n int, p string) {
	d := w.d
	i := 0
	d.each(n, func(part int) {
		pp := idx(p, i)
		i++
		if d.kind(part) != jObj || string(rawOr(d, d.get(part, "thought"))) == "true" {
			// Thoughts go back as the model wrote them, like Anthropic
			// thinking.
			return
		}
		w.add(d.get(part, "text"), pp+".text", langText)
		if fc := d.get(part, "functionCall"); fc >= 0 {
			w.leaves(d.get(fc, "args"), pp+".functionCall.args", langText)
		}
		if fr := d.get(part, "functionResponse"); fr >= 0 {
			w.leaves(d.get(fr, "response"), pp+".functionResponse.response", langText)
		}
		w.add(d.get(d.get(part, "executableCode"), "code"), pp+".executableCode.code", langText)
		w.add(d.get(d.get(part, "codeExecutionResult"), "output"), pp+".codeExecutionResult.output", langText)
	})
}

// gemini restores one streamed GenerateContentResponse. Each candidate's
// text parts form one slot (text is additive across chunks); function
// calls arrive whole and are restored in place. Chunks are never dropped:
// they carry usage and safety metadata. A candidate's finishReason ends
// its slot; what it held is appended to the chunk's last text part, or
// sent as one chunk of its own just before.
func (s *streamer) gemini(ev *sseEvent, d *jdoc) error {
	cands := d.get(0, "candidates")
	if d.kind(cands) != jArr {
		return s.generic(ev, d)
	}
	var edits []edit
	var pre [][]byte
	pos := 0
	d.each(cands, func(c int) {
		ci := string(rawOr(d, d.get(c, "index")))
		if ci == "" {
			ci = strconv.Itoa(pos)
		}
		pos++
		key := "g" + ci
		finished := d.kind(d.get(c, "finishReason")) == jStr
		last, lastOut := -1, "" // this candidate's last text part: its edit and text
		d.each(d.get(d.get(c, "content"), "parts"), func(part int) {
			if string(rawOr(d, d.get(part, "thought"))) == "true" {
				return
			}
			t := d.get(part, "text")
			if d.kind(t) != jStr {
				s.r.tree(d, part, false, &edits)
				return
			}
			sl := s.slot(key, false, ci, func() func(string) []byte { return geminiSynth(ci, ev.eol()) })
			in := d.str(t)
			out := sl.rs.write(in)
			nd := d.nodes[t]
			edits = append(edits, edit{start: nd.start, end: nd.end, repl: appendQuote(nil, out)})
			last, lastOut = len(edits)-1, out
		})
		if !finished {
			return
		}
		sl, ok := s.slots[key]
		if !ok || !sl.open {
			return
		}
		sl.open = false
		rest := sl.rs.flush()
		s.r.fid.add(sl.rs.fidelity())
		if rest == "" {
			return
		}
		if last >= 0 {
			edits[last].repl = appendQuote(nil, lastOut+rest)
			return
		}
		pre = append(pre, sl.synth(rest))
	})
	for _, p := range pre {
		if err := s.emit(p); err != nil {
			return err
		}
	}
	// Drop edits that change nothing, so an untouched chunk goes verbatim.
	kept := edits[:0]
	for _, e := range edits {
		if !bytes.Equal(d.src[e.start:e.end], e.repl) {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return s.emit(ev.raw)
	}
	sortEdits(kept)
	return s.emit(ev.withData(applyEdits(d.src, kept)))
}

// geminiSynth builds a chunk carrying text for candidate ci, framed with
// the stream's line terminator.
func geminiSynth(ci, eol string) func(string) []byte {
	return func(text string) []byte {
		out := append([]byte(nil), `{"candidates":[{"content":{"parts":[{"text":`...)
		out = appendQuote(out, text)
		out = append(out, `}],"role":"model"},"index":`...)
		out = append(out, ci...)
		out = append(out, "}]}"...)
		ev := appendDataLinesEOL(nil, out, eol)
		return append(ev, eol...)
	}
}
