package proxy

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// streamer restores synthetics in an SSE response as events arrive. Text
// deltas go through one streamRestorer per slot (an Anthropic content block,
// an OpenAI choice's content or tool call, a Responses content part), which
// holds back only a suffix that could still grow into a synthetic. Events
// keep their order and every field but the restored string; an event whose
// text is entirely held back is dropped (deltas are additive), and what a
// slot still holds when it ends is sent as one extra delta event just
// before the event that ends it.
type streamer struct {
	a     api
	r     *restorer
	emit  func([]byte) error
	slots map[string]*slot
	order []string // slot keys in creation order, for deterministic flushes

	// ending is set while the stream's terminator event is emitted ([DONE],
	// message_stop, response.completed/incomplete/failed), so the emitter
	// flushes it at once; ended once that emit succeeded: the client then
	// holds the whole answer, and an SDK may close the connection before
	// the upstream's end of stream reaches the proxy.
	ending, ended bool
}

type slot struct {
	rs    streamRestorer
	synth func(text string) []byte // an event carrying text for this slot
	group string                   // chat: the choice index, flushed on finish_reason
	open  bool
}

func newStreamer(a api, r *restorer, emit func([]byte) error) *streamer {
	return &streamer{a: a, r: r, emit: emit, slots: map[string]*slot{}}
}

// slot returns the slot for key, creating it with synth on first use.
func (s *streamer) slot(key string, jsonText bool, group string, synth func() func(string) []byte) *slot {
	sl, ok := s.slots[key]
	if !ok || !sl.open {
		sl = &slot{rs: s.r.sess.newStream(jsonText), synth: synth(), group: group, open: true}
		if !ok {
			s.order = append(s.order, key)
		}
		s.slots[key] = sl
	}
	return sl
}

// flush ends slot key, emitting what it still held.
func (s *streamer) flush(key string) error {
	sl, ok := s.slots[key]
	if !ok || !sl.open {
		return nil
	}
	sl.open = false
	rest := sl.rs.flush()
	s.r.fid.add(sl.rs.fidelity())
	if rest == "" {
		return nil
	}
	return s.emit(sl.synth(rest))
}

// flushWhere ends every open slot that keep selects.
func (s *streamer) flushWhere(keep func(key string, sl *slot) bool) error {
	for _, k := range s.order {
		if sl := s.slots[k]; sl.open && keep(k, sl) {
			if err := s.flush(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// flushAll ends every open slot: end of stream, error, [DONE].
func (s *streamer) flushAll() error {
	return s.flushWhere(func(string, *slot) bool { return true })
}

// end emits the stream's terminator event with send and records whether
// it went out.
func (s *streamer) end(send func() error) error {
	s.ending = true
	err := send()
	s.ending = false
	if err == nil {
		s.ended = true
	}
	return err
}

// handle processes one upstream event.
func (s *streamer) handle(ev *sseEvent) error {
	if !ev.hasData {
		return s.emit(ev.raw)
	}
	if bytes.Equal(bytes.TrimSpace(ev.data), []byte("[DONE]")) {
		if err := s.flushAll(); err != nil {
			return err
		}
		return s.end(func() error { return s.emit(ev.raw) })
	}
	if len(bytes.TrimSpace(ev.data)) == 0 {
		return s.emit(ev.raw)
	}
	// An event owns its data (sseReader.next, eventFor).
	d, err := parseJSONOwned(ev.data)
	if err != nil {
		return fmt.Errorf("%w: event data is not JSON: %v", errBrokenSSE, err)
	}
	switch s.a {
	case apiAnthropic, apiBedrock, apiVertexAnthropic:
		return s.anthropic(ev, d)
	case apiConverse:
		return s.converse(ev, d)
	case apiGemini:
		return s.gemini(ev, d)
	case apiChat:
		return s.chat(ev, d)
	default:
		return s.responses(ev, d)
	}
}

// generic restores every string of an event (snapshots, errors, unknown
// events), forwarding it untouched when nothing changed.
func (s *streamer) generic(ev *sseEvent, d *jdoc) error {
	var edits []edit
	s.r.tree(d, 0, false, &edits)
	if len(edits) == 0 {
		return s.emit(ev.raw)
	}
	sortEdits(edits)
	return s.emit(ev.withData(applyEdits(d.src, edits)))
}

// delta runs the text at node through sl and forwards ev with it replaced,
// or drops ev when everything is held back.
func (s *streamer) delta(ev *sseEvent, d *jdoc, node int, sl *slot, extra string) error {
	in := d.str(node)
	out := sl.rs.write(in) + extra
	if out == in {
		return s.emit(ev.raw)
	}
	if out == "" {
		return nil
	}
	return s.emit(ev.withData(replaceNode(d, node, out)))
}

// replaceNode returns d's source with string node n set to v.
func replaceNode(d *jdoc, n int, v string) []byte {
	nd := d.nodes[n]
	return applyEdits(d.src, []edit{{start: nd.start, end: nd.end, repl: appendQuote(nil, v)}})
}

// synthLike builds events shaped like ev with string node n set to a text.
func synthLike(ev *sseEvent, d *jdoc, n int) func() func(string) []byte {
	return func() func(string) []byte {
		name := ev.name
		src := append([]byte(nil), d.src...)
		nd := d.nodes[n]
		return func(text string) []byte {
			data := applyEdits(src, []edit{{start: nd.start, end: nd.end, repl: appendQuote(nil, text)}})
			return renderEvent(name, data)
		}
	}
}

func (s *streamer) anthropic(ev *sseEvent, d *jdoc) error {
	switch d.strAt(0, "type") {
	case "content_block_delta":
		index := string(rawOr(d, d.get(0, "index")))
		delta := d.get(0, "delta")
		var field string
		jsonText := false
		switch d.strAt(delta, "type") {
		case "text_delta":
			field = "text"
		case "input_json_delta":
			field, jsonText = "partial_json", true
		case "thinking_delta", "signature_delta":
			return s.emit(ev.raw)
		default:
			return s.generic(ev, d)
		}
		node := d.get(delta, field)
		if d.kind(node) != jStr {
			return s.generic(ev, d)
		}
		sl := s.slot(index, jsonText, "", synthLike(ev, d, node))
		return s.delta(ev, d, node, sl, "")
	case "content_block_stop":
		if err := s.flush(string(rawOr(d, d.get(0, "index")))); err != nil {
			return err
		}
		return s.emit(ev.raw)
	case "message_stop":
		if err := s.flushAll(); err != nil {
			return err
		}
		return s.end(func() error { return s.generic(ev, d) })
	case "error":
		if err := s.flushAll(); err != nil {
			return err
		}
		return s.generic(ev, d)
	default:
		return s.generic(ev, d)
	}
}

func rawOr(d *jdoc, n int) []byte {
	if n < 0 {
		return nil
	}
	return d.raw(n)
}

// chat handles a Chat Completions chunk: choices[i].delta.content,
// .refusal and .tool_calls[j].function.arguments are slots; a choice's
// finish_reason ends its slots.
func (s *streamer) chat(ev *sseEvent, d *jdoc) error {
	choices := d.get(0, "choices")
	if d.kind(choices) != jArr {
		return s.generic(ev, d)
	}
	// Chunks are never dropped, even when all their text is held back:
	// they may carry a role, a tool call's id and name, or logprobs, and
	// an empty content fragment is harmless to every client.
	var edits []edit
	var pre [][]byte // flushed text of slots absent from this chunk, sent first
	d.each(choices, func(c int) {
		ci := string(rawOr(d, d.get(c, "index")))
		delta := d.get(c, "delta")
		finished := d.kind(d.get(c, "finish_reason")) == jStr
		var present map[string]bool
		field := func(key string, node int, jsonText bool, synth func() func(string) []byte) {
			if d.kind(node) != jStr {
				return
			}
			if finished {
				if present == nil {
					present = map[string]bool{}
				}
				present[key] = true
			}
			sl := s.slot(key, jsonText, ci, synth)
			in := d.str(node)
			out := sl.rs.write(in)
			if finished {
				out += sl.rs.flush()
				s.r.fid.add(sl.rs.fidelity())
				sl.open = false
			}
			if out != in {
				nd := d.nodes[node]
				edits = append(edits, edit{start: nd.start, end: nd.end, repl: appendQuote(nil, out)})
			}
		}
		field("c"+ci, d.get(delta, "content"), false, func() func(string) []byte { return chatSynth(d, ci, "content", "") })
		field("r"+ci, d.get(delta, "refusal"), false, func() func(string) []byte { return chatSynth(d, ci, "refusal", "") })
		d.each(d.get(delta, "tool_calls"), func(tc int) {
			ti := string(rawOr(d, d.get(tc, "index")))
			field("t"+ci+"."+ti, d.get(d.get(tc, "function"), "arguments"), true, func() func(string) []byte { return chatSynth(d, ci, "arguments", ti) })
		})
		if finished {
			for _, k := range s.order {
				sl := s.slots[k]
				if sl.open && sl.group == ci && !present[k] {
					sl.open = false
					rest := sl.rs.flush()
					s.r.fid.add(sl.rs.fidelity())
					if rest != "" {
						pre = append(pre, sl.synth(rest))
					}
				}
			}
		}
	})
	for _, p := range pre {
		if err := s.emit(p); err != nil {
			return err
		}
	}
	if len(edits) == 0 {
		return s.emit(ev.raw)
	}
	sortEdits(edits)
	return s.emit(ev.withData(applyEdits(d.src, edits)))
}

// chatSynth builds chunks for choice ci carrying text in one delta field,
// copying the chunk's id, object, created, model and fingerprint.
func chatSynth(d *jdoc, ci, field, toolIndex string) func(string) []byte {
	var head bytes.Buffer
	head.WriteByte('{')
	d.each(0, func(c int) {
		k := d.key(c)
		if k == "choices" || k == "usage" {
			return
		}
		head.Write(d.src[d.nodes[c].keyStart:d.nodes[c].keyEnd])
		head.WriteByte(':')
		head.Write(d.raw(c))
		head.WriteByte(',')
	})
	prefix := head.Bytes()
	return func(text string) []byte {
		out := append([]byte(nil), prefix...)
		out = append(out, `"choices":[{"index":`...)
		out = append(out, ci...)
		out = append(out, `,"delta":{`...)
		switch field {
		case "arguments":
			out = append(out, `"tool_calls":[{"index":`...)
			out = append(out, toolIndex...)
			out = append(out, `,"function":{"arguments":`...)
			out = appendQuote(out, text)
			out = append(out, `}}]`...)
		default:
			out = append(out, '"')
			out = append(out, field...)
			out = append(out, `":`...)
			out = appendQuote(out, text)
		}
		out = append(out, `},"finish_reason":null}]}`...)
		return renderEvent("", out)
	}
}

// responses handles the Responses API's semantic events.
func (s *streamer) responses(ev *sseEvent, d *jdoc) error {
	typ := d.strAt(0, "type")
	if typ == "" {
		typ = ev.name
	}
	if strings.Contains(typ, "reasoning") {
		// Reasoning text goes back upstream inside reasoning items; it is
		// left exactly as the model wrote it, like Anthropic thinking.
		return s.emit(ev.raw)
	}
	key := func(prefix string) string {
		k := prefix + ":" + d.strAt(0, "item_id")
		if ci := d.get(0, "content_index"); ci >= 0 {
			k += ":" + string(d.raw(ci))
		}
		return k
	}
	var slotKey string
	jsonText := false
	switch typ {
	case "response.output_text.delta":
		slotKey = key("t")
	case "response.refusal.delta":
		slotKey = key("r")
	case "response.function_call_arguments.delta":
		slotKey, jsonText = key("f"), true
	case "response.custom_tool_call_input.delta":
		slotKey = key("c")
	case "response.output_text.done":
		return s.flushThen(key("t"), ev, d)
	case "response.refusal.done":
		return s.flushThen(key("r"), ev, d)
	case "response.function_call_arguments.done":
		return s.flushThen(key("f"), ev, d)
	case "response.custom_tool_call_input.done":
		return s.flushThen(key("c"), ev, d)
	case "response.completed", "response.failed", "response.incomplete":
		if err := s.flushAll(); err != nil {
			return err
		}
		return s.end(func() error { return s.generic(ev, d) })
	case "error":
		if err := s.flushAll(); err != nil {
			return err
		}
		return s.generic(ev, d)
	default:
		return s.generic(ev, d)
	}
	node := d.get(0, "delta")
	if d.kind(node) != jStr {
		return s.generic(ev, d)
	}
	sl := s.slot(slotKey, jsonText, "", synthLike(ev, d, node))
	return s.delta(ev, d, node, sl, "")
}

func (s *streamer) flushThen(key string, ev *sseEvent, d *jdoc) error {
	if err := s.flush(key); err != nil {
		return err
	}
	return s.generic(ev, d)
}

// terminal returns the event that tells a client the stream failed, in
// its API's shape, so an SDK reports an error instead of a silently
// truncated answer.
func terminalError(a api, msg string) []byte {
	var data []byte
	switch a {
	case apiGemini:
		return renderEvent("", errorBody(a, errKindUpstream, "", msg, ""))
	case apiAnthropic, apiVertexAnthropic, apiBedrock:
		data = append([]byte(`{"type":"error","error":{"type":"api_error","message":`), appendQuote(nil, msg)...)
		data = append(data, "}}"...)
		return renderEvent("error", data)
	default:
		data = append([]byte(`{"type":"error","error":{"type":"server_error","code":"pretense_upstream_error","message":`), appendQuote(nil, msg)...)
		data = append(data, "}}"...)
		if a == apiResponses {
			return renderEvent("error", data)
		}
		return renderEvent("", data)
	}
}

func sortEdits(edits []edit) {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
}
