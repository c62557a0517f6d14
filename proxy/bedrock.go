package proxy

// Amazon Bedrock runtime request bodies and Converse stream events.

// bedrockInvoke walks an InvokeModel body. Anthropic models take the
// Messages API body (anthropic_version instead of model); other model
// families' bodies have their own shapes, so every string in them is
// scanned and mutated rather than guessed at.
func (w *reqWalker) bedrockInvoke(root int) {
	d := w.d
	if d.get(root, "anthropic_version") >= 0 || d.get(root, "messages") >= 0 {
		w.anthropic(root)
		return
	}
	d.each(root, func(c int) { w.leaves(c, d.key(c), langText) })
}

// converse walks a Converse request: messages[].content[] blocks, system
// blocks, tool specs and stop sequences.
func (w *reqWalker) converse(root int) {
	d := w.d
	d.each(root, func(c int) {
		switch d.key(c) {
		case "messages":
			i := 0
			d.each(c, func(m int) {
				w.converseBlocks(d.get(m, "content"), idx("messages", i)+".content")
				i++
			})
		case "system":
			w.converseBlocks(c, "system")
		case "toolConfig":
			i := 0
			d.each(d.get(c, "tools"), func(t int) {
				p := idx("toolConfig.tools", i) + ".toolSpec"
				spec := d.get(t, "toolSpec")
				w.add(d.get(spec, "description"), p+".description", langText)
				w.schema(d.get(d.get(spec, "inputSchema"), "json"), p+".inputSchema.json")
				i++
			})
		case "inferenceConfig":
			w.stringList(d.get(c, "stopSequences"), "inferenceConfig.stopSequences")
		}
	})
}

// converseBlocks handles a Converse content-block array.
func (w *reqWalker) converseBlocks(n int, p string) {
	d := w.d
	i := 0
	d.each(n, func(b int) {
		bp := idx(p, i)
		i++
		if d.kind(b) != jObj {
			return
		}
		d.each(b, func(c int) {
			switch k := d.key(c); k {
			case "text":
				w.add(c, bp+".text", langText)
			case "toolUse":
				input := d.get(c, "input")
				w.leaves(input, bp+".toolUse.input", w.inputLang(input))
			case "toolResult":
				j := 0
				d.each(d.get(c, "content"), func(rc int) {
					rp := idx(bp+".toolResult.content", j)
					w.add(d.get(rc, "text"), rp+".text", langText)
					w.leaves(d.get(rc, "json"), rp+".json", langText)
					j++
				})
			case "document":
				w.leaves(d.get(d.get(c, "source"), "text"), bp+".document.source.text", langText)
			case "guardContent":
				w.add(d.get(d.get(c, "text"), "text"), bp+".guardContent.text.text", langText)
			case "reasoningContent", "image", "video", "cachePoint":
				// Reasoning goes back exactly as the model wrote it (its
				// signature covers it); media cannot be rewritten.
			default:
				w.leaves(c, bp+"."+k, langText)
			}
		})
	})
}

// converse restores a ConverseStream event (ev.name is the event type):
// contentBlockDelta text and tool input are slots per content block.
func (s *streamer) converse(ev *sseEvent, d *jdoc) error {
	switch ev.name {
	case "contentBlockDelta":
		index := string(rawOr(d, d.get(0, "contentBlockIndex")))
		delta := d.get(0, "delta")
		node, jsonText := d.get(delta, "text"), false
		if d.kind(node) != jStr {
			node, jsonText = d.get(d.get(delta, "toolUse"), "input"), true
		}
		if d.kind(node) != jStr {
			// reasoningContent and anything new: reasoning stays as written.
			if d.get(delta, "reasoningContent") >= 0 {
				return s.emit(ev.raw)
			}
			return s.generic(ev, d)
		}
		sl := s.slot(index, jsonText, "", synthLike(ev, d, node))
		return s.delta(ev, d, node, sl, "")
	case "contentBlockStop":
		if err := s.flush(string(rawOr(d, d.get(0, "contentBlockIndex")))); err != nil {
			return err
		}
		return s.emit(ev.raw)
	case "messageStop":
		if err := s.flushAll(); err != nil {
			return err
		}
		return s.generic(ev, d)
	default:
		return s.generic(ev, d)
	}
}
