package proxy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pretense/pretense/mutate"
)

// mutateEngine adapts package mutate to the proxy's engine interface.
type mutateEngine struct {
	m    *mutate.Mutator
	memo *mutMemo // nil: mutate everything every time
}

func newMutateEngine(key []byte, policy string) (engine, error) {
	p, err := mutate.ParsePolicy(policy)
	if err != nil {
		return nil, fmt.Errorf("mutation policy: %w", err)
	}
	m, err := mutate.New(key, p)
	if err != nil {
		return nil, fmt.Errorf("mutation engine: %w", err)
	}
	return mutateEngine{m: m, memo: newMutMemo(memoMaxBytes)}, nil
}

func (e mutateEngine) newSession() session {
	return &mutateSession{s: e.m.NewSession(), m: e.m, memo: e.memo}
}

func (e mutateEngine) langFromPath(p string) string { return string(mutate.LangFromPath(p)) }

type mutateSession struct {
	s    *mutate.Session
	m    *mutate.Mutator
	memo *mutMemo
	// jsonSafe caches whether every original can sit in a JSON string
	// unescaped; 0 unknown, 1 yes, 2 no. Originals only grow while the
	// request is mutated, before any response arrives.
	jsonSafe int8
	escaped  *pairRestorer
}

func (m *mutateSession) mutate(text, lang string) string {
	return mutateText(m.s, text, mutate.Lang(lang)).String()
}

func (m *mutateSession) count() int { return m.s.Count() }

// reverser is the session that reverses this request's synthetics.
// It also holds the pairs of memoised texts (mutateAll).
func (m *mutateSession) reverser() *mutate.Session { return m.s }

// originalsJSONSafe is true for identifiers, which is what the lexer
// mutates; the check keeps JSON fragments valid should that ever change.
func (m *mutateSession) originalsJSONSafe() bool {
	if m.jsonSafe == 0 {
		m.jsonSafe = 1
		for _, o := range m.reverser().Pairs() {
			if strings.ContainsAny(o, "\"\\") || strings.ContainsFunc(o, func(r rune) bool { return r < 0x20 }) {
				m.jsonSafe = 2
				m.escaped = newPairRestorer(m.reverser().Pairs())
				break
			}
		}
	}
	return m.jsonSafe == 1
}

func (m *mutateSession) reverse(text string, jsonText bool) (string, fidelity) {
	if jsonText && !m.originalsJSONSafe() {
		st := m.escaped.stream()
		out := st.write(text) + st.flush()
		return out, st.fidelity()
	}
	out, f := m.reverser().Reverse(text)
	return out, fidelity{found: f.Found, restored: f.Restored}
}

func (m *mutateSession) newStream(jsonText bool) streamRestorer {
	if jsonText && !m.originalsJSONSafe() {
		return m.escaped.stream()
	}
	return mutateStream{r: m.reverser().NewStreamReverser()}
}

type mutateStream struct{ r *mutate.StreamReverser }

func (s mutateStream) write(chunk string) string { return s.r.Write(chunk) }
func (s mutateStream) flush() string             { return s.r.Flush() }
func (s mutateStream) fidelity() fidelity {
	f := s.r.Fidelity()
	return fidelity{found: f.Found, restored: f.Restored}
}

// pairRestorer restores exact synthetics to JSON-escaped originals. It is
// the fallback for JSON text when an original would need escaping.
type pairRestorer struct {
	repl   map[string]string
	sorted []string // synthetics, sorted, for prefix tests
	maxLen int
}

func newPairRestorer(pairs map[string]string) *pairRestorer {
	p := &pairRestorer{repl: make(map[string]string, len(pairs))}
	for syn, orig := range pairs {
		q := appendQuote(nil, orig)
		p.repl[syn] = string(q[1 : len(q)-1])
		p.sorted = append(p.sorted, syn)
		p.maxLen = max(p.maxLen, len(syn))
	}
	sort.Strings(p.sorted)
	return p
}

// isPrefix reports whether s is a proper prefix of some synthetic.
func (p *pairRestorer) isPrefix(s string) bool {
	i := sort.SearchStrings(p.sorted, s)
	return i < len(p.sorted) && len(p.sorted[i]) > len(s) && strings.HasPrefix(p.sorted[i], s)
}

func (p *pairRestorer) stream() *pairStream { return &pairStream{p: p} }

type pairStream struct {
	p     *pairRestorer
	carry string
	fid   fidelity
}

func (s *pairStream) write(chunk string) string {
	text := s.carry + chunk
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '_' {
			continue
		}
		matched := false
		for syn := range s.p.repl {
			if strings.HasPrefix(text[i:], syn) {
				b.WriteString(text[last:i])
				b.WriteString(s.p.repl[syn])
				s.fid.found++
				s.fid.restored++
				i += len(syn) - 1
				last = i + 1
				matched = true
				break
			}
		}
		if !matched && len(text)-i < s.p.maxLen && s.p.isPrefix(text[i:]) {
			b.WriteString(text[last:i])
			s.carry = text[i:]
			return b.String()
		}
	}
	b.WriteString(text[last:])
	s.carry = ""
	return b.String()
}

func (s *pairStream) flush() string {
	out := s.carry
	s.carry = ""
	return out
}

func (s *pairStream) fidelity() fidelity { return s.fid }
