package mutate

import "strings"

// Fidelity counts synthetics seen in a model's output (Found) and how many
// of them this session could restore (Restored). A synthetic the session
// never issued (the model invented or mangled one) is found, not restored.
type Fidelity struct{ Found, Restored int }

// Ratio is Restored/Found, and 1 when nothing was found.
func (f Fidelity) Ratio() float64 {
	if f.Found == 0 {
		return 1
	}
	return float64(f.Restored) / float64(f.Found)
}

// Add returns the sum of two fidelity counts.
func (f Fidelity) Add(g Fidelity) Fidelity {
	return Fidelity{Found: f.Found + g.Found, Restored: f.Restored + g.Restored}
}

// Reverse replaces every synthetic this session issued with its original,
// including synthetics the model reshaped or built new names from:
// _clsKx…List → PatientRecordList, get_vkx… → getPatientId (or get_mrn for a
// snake_case name), an upper-cased _vKX… → PATIENT_ID. Text without
// synthetics is returned unchanged.
func (s *Session) Reverse(text string) (string, Fidelity) {
	var f Fidelity
	out, _ := s.restore(text, 0, true, &f)
	return out, f
}

// restore scans text for synthetics and returns the restored form of
// text[:done]. prev is the input byte before text. Unless final, it stops
// at the first place where text ends in the middle of a possible
// synthetic, and done is that offset; otherwise done is len(text). When
// nothing is replaced the result is a substring of text, not a copy.
func (s *Session) restore(text string, prev byte, final bool, f *Fidelity) (out string, done int) {
	var b strings.Builder
	last := 0
	i := 0
	done = len(text)
	for {
		j := strings.IndexByte(text[i:], '_')
		if j < 0 {
			break
		}
		i += j
		n, partial := synthAt(text, i)
		if partial {
			if !final {
				done = i
				break
			}
			i++
			continue
		}
		if n == 0 {
			i++
			continue
		}
		f.Found++
		tok := text[i : i+n]
		var canon [maxSynthLen]byte
		lowerInto(canon[:], tok)
		idx, ok := s.s2o[string(canon[:n])]
		if !ok {
			i += n
			continue
		}
		f.Restored++
		p := prev
		if i > 0 {
			p = text[i-1]
		}
		if last == 0 {
			b.Grow(len(text) + len(text)/8)
		}
		b.WriteString(text[last:i])
		b.WriteString(restored(s.pairs[idx], tok, p))
		i += n
		last = i
	}
	if last == 0 {
		return text[:done], done
	}
	b.WriteString(text[last:done])
	return b.String(), done
}

// restored turns one found token back into a name, following the case the
// model gave the token and any identifier it was glued to.
func restored(p pair, tok string, prev byte) string {
	orig := p.orig
	if tok != p.syn {
		body := tok[len(p.k.prefix()):]
		switch shapeOfBody(body) {
		case shapeUpper:
			orig = upperSnake(orig)
		case shapeTitle:
			orig = upperFirst(orig)
		default:
			if shapeOf(orig) == shapeUpper {
				orig = strings.ToLower(orig)
			} else {
				orig = lowerFirst(orig)
			}
		}
	}
	if isWordByte(prev) && prev != '_' {
		// The model glued a word to the synthetic (get_v…): join the way
		// the original is written.
		if strings.IndexByte(orig, '_') >= 0 || !hasUpper(orig) {
			return "_" + orig
		}
		return upperFirst(orig)
	}
	return orig
}

func shapeOfBody(body string) shape {
	upper, lower := 0, 0
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c >= 'a' && c <= 'z':
			lower++
		case c >= 'A' && c <= 'Z':
			upper++
		}
	}
	switch {
	case lower == 0:
		return shapeUpper
	case body[0] >= 'A' && body[0] <= 'Z':
		return shapeTitle
	}
	return shapeLower
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func upperFirst(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-32) + s[1:]
	}
	return s
}

func lowerFirst(s string) string {
	if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
		return string(s[0]+32) + s[1:]
	}
	return s
}

// upperSnake writes a name as SCREAMING_SNAKE_CASE: patientId → PATIENT_ID.
func upperSnake(s string) string {
	var lower []byte
	var bounds [][2]int
	lower, bounds = words(s, lower, bounds)
	var b strings.Builder
	for i, w := range bounds {
		if i > 0 {
			b.WriteByte('_')
		}
		b.WriteString(strings.ToUpper(string(lower[w[0]:w[1]])))
	}
	return b.String()
}

// StreamReverser restores synthetics in text that arrives in pieces (SSE
// deltas). Write returns what is safe to emit now; it holds back only a
// suffix that could still become a synthetic, at most maxSynthLen-1 bytes.
// Concatenating every Write and the final Flush gives exactly what
// [Session.Reverse] gives for the whole text, with the same Fidelity.
type StreamReverser struct {
	s     *Session
	carry string
	prev  byte
	f     Fidelity
}

// NewStreamReverser starts a reverser for one stream slot (one content
// block or choice).
func (s *Session) NewStreamReverser() *StreamReverser { return &StreamReverser{s: s} }

// Write adds a chunk and returns the restored text that can be emitted.
func (r *StreamReverser) Write(chunk string) string {
	text := chunk
	if r.carry != "" {
		text = r.carry + chunk
	} else if strings.IndexByte(chunk, '_') < 0 {
		if chunk != "" {
			r.prev = chunk[len(chunk)-1]
		}
		return chunk
	}
	out, done := r.s.restore(text, r.prev, false, &r.f)
	if done > 0 {
		r.prev = text[done-1]
	}
	r.carry = text[done:]
	return out
}

// Flush ends the stream and returns everything still held back, restored.
func (r *StreamReverser) Flush() string {
	out, _ := r.s.restore(r.carry, r.prev, true, &r.f)
	r.carry = ""
	return out
}

// Fidelity returns the counts so far.
func (r *StreamReverser) Fidelity() Fidelity { return r.f }
