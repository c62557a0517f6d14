package proxy

import (
	"path"
	"strconv"
)

// api names the wire protocol of a route.
type api uint8

const (
	apiAnthropic api = iota // Messages, count_tokens
	apiChat                 // OpenAI Chat Completions
	apiResponses            // OpenAI Responses
)

// Cloud APIs (cloud.go), appended after the public ones.
const (
	apiBedrock         api = apiResponses + 1 + iota // Bedrock InvokeModel (Anthropic Messages body) and control plane
	apiConverse                                      // Bedrock Converse
	apiVertexAnthropic                               // Vertex AI rawPredict (Anthropic Messages body)
	apiGemini                                        // Gemini API and Vertex AI generateContent
)

// langText is the lexer language for prose, which carries code in fences.
const langText = "md"

// textField is one string value in a request that carries text the user
// wrote or a tool produced: it is scanned for secrets and PHI and mutated.
type textField struct {
	node int
	path string
	lang string
	// args marks a string whose content is itself JSON (OpenAI tool call
	// arguments): its string leaves are mutated and it is re-encoded.
	args bool
}

// reqWalker collects the text-bearing fields of a request. Everything it
// does not collect (model, ids, tool names, thinking blocks and signatures,
// images, unknown top-level fields) is forwarded byte for byte.
type reqWalker struct {
	d        *jdoc
	fields   []textField
	langOf   func(filePath string) string
	toolLang map[string]string // tool_use id -> language of the file it touched
}

func newReqWalker(d *jdoc, langOf func(string) string) *reqWalker {
	return &reqWalker{d: d, langOf: langOf}
}

func (w *reqWalker) add(node int, p, lang string) {
	if w.d.kind(node) == jStr {
		w.fields = append(w.fields, textField{node: node, path: p, lang: lang})
	}
}

func idx(p string, i int) string { return p + "[" + strconv.Itoa(i) + "]" }

func member(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

// walk dispatches on the protocol. The root must be an object.
func (w *reqWalker) walk(a api) {
	root := 0
	switch a {
	case apiAnthropic, apiVertexAnthropic:
		w.anthropic(root)
	case apiBedrock:
		w.bedrockInvoke(root)
	case apiConverse:
		w.converse(root)
	case apiGemini:
		w.gemini(root)
	case apiChat:
		w.chat(root)
	case apiResponses:
		w.responses(root)
	}
}

func (w *reqWalker) anthropic(root int) {
	d := w.d
	d.each(root, func(c int) {
		switch d.keyView(c) {
		case "system":
			w.blocksOrString(c, "system", langText)
		case "messages":
			i := 0
			d.each(c, func(m int) {
				p := idx("messages", i)
				w.blocksOrString(d.get(m, "content"), p+".content", langText)
				i++
			})
		case "tools":
			i := 0
			d.each(c, func(t int) {
				p := idx("tools", i)
				w.add(d.get(t, "description"), p+".description", langText)
				w.schema(d.get(t, "input_schema"), p+".input_schema")
				i++
			})
		case "stop_sequences":
			w.stringList(c, "stop_sequences")
		}
	})
}

// blocksOrString handles a value that is either text or an array of blocks.
func (w *reqWalker) blocksOrString(n int, p, lang string) {
	switch w.d.kind(n) {
	case jStr:
		w.add(n, p, lang)
	case jArr:
		i := 0
		w.d.each(n, func(b int) {
			w.block(b, idx(p, i), lang)
			i++
		})
	}
}

// block handles one Anthropic content block.
func (w *reqWalker) block(b int, p, lang string) {
	d := w.d
	if d.kind(b) != jObj {
		return
	}
	switch d.strAt(b, "type") {
	case "text":
		w.add(d.get(b, "text"), p+".text", lang)
	case "tool_use", "server_tool_use":
		input := d.get(b, "input")
		l := w.inputLang(input)
		if id := d.strAt(b, "id"); id != "" && l != langText {
			if w.toolLang == nil {
				w.toolLang = map[string]string{}
			}
			w.toolLang[id] = l
		}
		w.leaves(input, p+".input", l)
	case "tool_result":
		l := langText
		if tl, ok := w.toolLang[d.strAt(b, "tool_use_id")]; ok {
			l = tl
		}
		w.blocksOrString(d.get(b, "content"), p+".content", l)
	case "document":
		src := d.get(b, "source")
		switch d.strAt(src, "type") {
		case "text":
			w.add(d.get(src, "data"), p+".source.data", lang)
		case "content":
			w.blocksOrString(d.get(src, "content"), p+".source.content", lang)
		}
		w.add(d.get(b, "title"), p+".title", langText)
		w.add(d.get(b, "context"), p+".context", langText)
	case "search_result":
		w.add(d.get(b, "title"), p+".title", langText)
		w.blocksOrString(d.get(b, "content"), p+".content", langText)
	case "thinking", "redacted_thinking", "image":
		// Thinking must go back exactly as the model wrote it (its signature
		// covers it); images cannot be rewritten.
	default:
		// A block type this proxy does not know yet: its text still goes
		// through the same checks rather than leaving unexamined.
		w.add(d.get(b, "text"), p+".text", lang)
		w.blocksOrString(d.get(b, "content"), p+".content", lang)
	}
}

// inputLang guesses the language of a tool input from a path it names
// (Edit/Write/Read tools carry file_path), so code in it is lexed as code.
func (w *reqWalker) inputLang(input int) string {
	if w.langOf == nil {
		return langText
	}
	for _, k := range []string{"file_path", "path", "filename", "notebook_path"} {
		if fp := w.d.strAt(input, k); fp != "" && path.Ext(fp) != "" {
			return w.langOf(fp)
		}
	}
	return langText
}

// leaves adds every string inside n (tool inputs are arbitrary JSON).
func (w *reqWalker) leaves(n int, p, lang string) {
	d := w.d
	switch d.kind(n) {
	case jStr:
		w.add(n, p, lang)
	case jArr:
		i := 0
		d.each(n, func(c int) {
			w.leaves(c, idx(p, i), lang)
			i++
		})
	case jObj:
		d.each(n, func(c int) { w.leaves(c, member(p, d.key(c)), lang) })
	}
}

// schema adds the descriptions and titles of a JSON Schema, at any depth.
// Property names and enum values are the tool's contract and stay as-is.
func (w *reqWalker) schema(n int, p string) {
	d := w.d
	switch d.kind(n) {
	case jArr:
		i := 0
		d.each(n, func(c int) {
			w.schema(c, idx(p, i))
			i++
		})
	case jObj:
		d.each(n, func(c int) {
			k := d.key(c)
			switch {
			case (k == "description" || k == "title") && d.kind(c) == jStr:
				w.add(c, member(p, k), langText)
			default:
				w.schema(c, member(p, k))
			}
		})
	}
}

func (w *reqWalker) stringList(n int, p string) {
	switch w.d.kind(n) {
	case jStr:
		w.add(n, p, langText)
	case jArr:
		i := 0
		w.d.each(n, func(c int) {
			w.add(c, idx(p, i), langText)
			i++
		})
	}
}

func (w *reqWalker) chat(root int) {
	d := w.d
	d.each(root, func(c int) {
		switch d.keyView(c) {
		case "messages":
			i := 0
			d.each(c, func(m int) {
				p := idx("messages", i)
				w.chatContent(d.get(m, "content"), p+".content")
				j := 0
				d.each(d.get(m, "tool_calls"), func(tc int) {
					w.args(d.get(d.get(tc, "function"), "arguments"), idx(p+".tool_calls", j)+".function.arguments")
					j++
				})
				if fc := d.get(m, "function_call"); fc >= 0 {
					w.args(d.get(fc, "arguments"), p+".function_call.arguments")
				}
				i++
			})
		case "tools":
			i := 0
			d.each(c, func(t int) {
				p := idx("tools", i) + ".function"
				fn := d.get(t, "function")
				w.add(d.get(fn, "description"), p+".description", langText)
				w.schema(d.get(fn, "parameters"), p+".parameters")
				i++
			})
		case "stop":
			w.stringList(c, "stop")
		}
	})
}

// chatContent handles a message content string or array of parts.
func (w *reqWalker) chatContent(n int, p string) {
	d := w.d
	switch d.kind(n) {
	case jStr:
		w.add(n, p, langText)
	case jArr:
		i := 0
		d.each(n, func(part int) {
			switch d.strAt(part, "type") {
			case "text", "input_text", "output_text":
				w.add(d.get(part, "text"), idx(p, i)+".text", langText)
			case "refusal":
				w.add(d.get(part, "refusal"), idx(p, i)+".refusal", langText)
			}
			i++
		})
	}
}

// args adds a tool-call arguments string (JSON text inside a JSON string).
func (w *reqWalker) args(n int, p string) {
	if w.d.kind(n) == jStr {
		w.fields = append(w.fields, textField{node: n, path: p, lang: langText, args: true})
	}
}

func (w *reqWalker) responses(root int) {
	d := w.d
	d.each(root, func(c int) {
		switch d.keyView(c) {
		case "instructions":
			w.add(c, "instructions", langText)
		case "input":
			if d.kind(c) == jStr {
				w.add(c, "input", langText)
				return
			}
			i := 0
			d.each(c, func(it int) {
				w.responsesItem(it, idx("input", i))
				i++
			})
		case "tools":
			i := 0
			d.each(c, func(t int) {
				p := idx("tools", i)
				w.add(d.get(t, "description"), p+".description", langText)
				w.schema(d.get(t, "parameters"), p+".parameters")
				i++
			})
		}
	})
}

func (w *reqWalker) responsesItem(it int, p string) {
	d := w.d
	typ := d.strAt(it, "type")
	if typ == "" && d.get(it, "role") >= 0 {
		typ = "message"
	}
	switch typ {
	case "message":
		w.chatContent(d.get(it, "content"), p+".content")
	case "function_call":
		w.args(d.get(it, "arguments"), p+".arguments")
	case "function_call_output", "custom_tool_call_output":
		w.chatContent(d.get(it, "output"), p+".output")
	case "custom_tool_call":
		w.add(d.get(it, "input"), p+".input", langText)
	}
	// reasoning items (summary, encrypted_content) and anything else pass
	// through untouched, like Anthropic thinking blocks.
}
