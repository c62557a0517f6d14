package proxy

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Strict parsing. The proxy and the API must read a request the same way:
// if they differ, the proxy scans one reading and the API acts on another.
// So before anything is scanned, a body is refused (400) when
//   - an object holds the same key twice, at any depth (the API, like most
//     JSON parsers, keeps the last one; the proxy would scan the first),
//   - it is not valid UTF-8, raw or through a lone surrogate \u escape
//     (the API replaces such text; the scanner would not see what it sees),
//   - a field this proxy knows has a type the API does not accept (content
//     as an object, messages as a string, a content array of bare strings):
//     the API would reject or coerce it, but only after it has left.
// Unknown fields are not refused: clients add fields faster than we do.
// They are scanned like every other string (scanall.go).

// errSchema is wrapped by every strict-parse refusal.
var errSchema = errors.New("request body refused")

// kindset is a set of JSON kinds a field may have.
type kindset uint8

const (
	kNull kindset = 1 << iota
	kBool
	kNum
	kStr
	kArr
	kObj
)

func kindBit(k jkind) kindset {
	switch k {
	case jNull:
		return kNull
	case jBool:
		return kBool
	case jNum:
		return kNum
	case jStr:
		return kStr
	case jArr:
		return kArr
	default:
		return kObj
	}
}

func (k kindset) String() string {
	names := []string{"null", "boolean", "number", "string", "array", "object"}
	s := ""
	for i, n := range names {
		if k&(1<<i) != 0 {
			if s != "" {
				s += " or "
			}
			s += n
		}
	}
	return s
}

// spec is the shape of a known field. Null is always accepted: it carries
// nothing to scan, and SDKs send it for unset options.
type spec struct {
	kinds  kindset
	fields map[string]*spec // members of an object (unknown ones pass)
	items  *spec            // elements of an array
}

func sp(k kindset) *spec                { return &spec{kinds: k} }
func obj(f map[string]*spec) *spec      { return &spec{kinds: kObj, fields: f} }
func arr(items *spec) *spec             { return &spec{kinds: kArr, items: items} }
func strOrArr(items *spec) *spec        { return &spec{kinds: kStr | kArr, items: items} }
func strOrObj(f map[string]*spec) *spec { return &spec{kinds: kStr | kObj, fields: f} }

var (
	sStr  = sp(kStr)
	sNum  = sp(kNum)
	sBool = sp(kBool)
	sObj  = sp(kObj)
)

// Anthropic Messages (and count_tokens).
var anthropicBlock = func() *spec {
	b := obj(nil)
	src := obj(map[string]*spec{"type": sStr, "media_type": sStr, "data": sStr, "url": sStr, "file_id": sStr, "content": strOrArr(b)})
	b.fields = map[string]*spec{
		"type": sStr, "text": sStr, "id": sStr, "name": sStr, "input": sObj,
		"tool_use_id": sStr, "is_error": sBool,
		// A server tool's result may be an error object instead of blocks.
		"content": {kinds: kStr | kArr | kObj, items: b},
		"source":  src, "title": sStr, "context": sStr,
		"thinking": sStr, "signature": sStr, "data": sStr, "cache_control": sObj,
	}
	return b
}()

var anthropicSpec = obj(map[string]*spec{
	"model":      sStr,
	"max_tokens": sNum,
	"stream":     sBool,
	"system":     strOrArr(anthropicBlock),
	"messages": arr(obj(map[string]*spec{
		"role":    sStr,
		"content": strOrArr(anthropicBlock),
	})),
	"tools":          arr(obj(map[string]*spec{"name": sStr, "description": sStr, "input_schema": sObj, "type": sStr})),
	"tool_choice":    obj(map[string]*spec{"type": sStr, "name": sStr}),
	"stop_sequences": arr(sStr),
	"metadata":       obj(map[string]*spec{"user_id": sStr}),
	"thinking":       obj(map[string]*spec{"type": sStr, "budget_tokens": sNum}),
	"temperature":    sNum, "top_p": sNum, "top_k": sNum,
})

// OpenAI Chat Completions.
var chatPart = obj(map[string]*spec{
	"type": sStr, "text": sStr, "refusal": sStr,
	"image_url":   obj(map[string]*spec{"url": sStr, "detail": sStr}),
	"input_audio": obj(map[string]*spec{"data": sStr, "format": sStr}),
	"file":        obj(map[string]*spec{"file_data": sStr, "file_id": sStr, "filename": sStr}),
})

var chatFunctionCall = obj(map[string]*spec{"name": sStr, "arguments": sStr})

var chatSpec = obj(map[string]*spec{
	"model":  sStr,
	"stream": sBool,
	"messages": arr(obj(map[string]*spec{
		"role":          sStr,
		"content":       strOrArr(chatPart),
		"name":          sStr,
		"tool_call_id":  sStr,
		"refusal":       sStr,
		"tool_calls":    arr(obj(map[string]*spec{"id": sStr, "type": sStr, "function": chatFunctionCall})),
		"function_call": chatFunctionCall,
	})),
	"tools": arr(obj(map[string]*spec{"type": sStr, "function": obj(map[string]*spec{
		"name": sStr, "description": sStr, "parameters": sObj, "strict": sBool,
	})})),
	"tool_choice": strOrObj(nil),
	"stop":        strOrArr(sStr),
	"response_format": obj(map[string]*spec{"type": sStr, "json_schema": obj(map[string]*spec{
		"name": sStr, "description": sStr, "schema": sObj, "strict": sBool,
	})}),
	"prediction":            obj(map[string]*spec{"type": sStr, "content": strOrArr(chatPart)}),
	"user":                  sStr,
	"metadata":              sObj,
	"n":                     sNum,
	"max_tokens":            sNum,
	"max_completion_tokens": sNum,
	"temperature":           sNum,
	"stream_options":        sObj,
	"reasoning_effort":      sStr,
})

// OpenAI Responses.
var responsesPart = obj(map[string]*spec{
	"type": sStr, "text": sStr, "refusal": sStr,
	"image_url": sStr, "file_id": sStr, "file_data": sStr, "filename": sStr, "file_url": sStr, "detail": sStr,
})

var responsesItem = obj(map[string]*spec{
	"type": sStr, "role": sStr, "id": sStr, "call_id": sStr, "name": sStr, "status": sStr,
	"content":   strOrArr(responsesPart),
	"arguments": sStr,
	// computer_call_output carries an object (a screenshot).
	"output":            {kinds: kStr | kArr | kObj, items: responsesPart},
	"input":             sStr,
	"summary":           arr(obj(map[string]*spec{"type": sStr, "text": sStr})),
	"encrypted_content": sStr,
})

var responsesSpec = obj(map[string]*spec{
	"model":        sStr,
	"stream":       sBool,
	"instructions": sStr,
	"input":        strOrArr(responsesItem),
	"tools": arr(obj(map[string]*spec{
		"type": sStr, "name": sStr, "description": sStr, "parameters": sObj, "strict": sBool,
	})),
	"tool_choice":          strOrObj(nil),
	"reasoning":            obj(map[string]*spec{"effort": sStr, "summary": sStr}),
	"text":                 obj(map[string]*spec{"format": obj(map[string]*spec{"type": sStr, "name": sStr, "schema": sObj})}),
	"metadata":             sObj,
	"store":                sBool,
	"previous_response_id": sStr,
	"max_output_tokens":    sNum,
	"user":                 sStr,
	"prompt_cache_key":     sStr,
	"include":              arr(sStr),
	"parallel_tool_calls":  sBool,
})

// specFor is the shape of a route's body; nil for an API without one
// (routes added later still get the generic checks and the full scan).
func specFor(a api) *spec {
	switch a {
	case apiAnthropic:
		return anthropicSpec
	case apiChat:
		return chatSpec
	case apiResponses:
		return responsesSpec
	}
	return nil
}

// checkStrict applies the checks above to a parsed body.
func checkStrict(d *jdoc, a api) error {
	if !utf8.Valid(d.src) {
		i := invalidUTF8At(d.src)
		return fmt.Errorf("%w: invalid UTF-8 at byte %d", errSchema, i)
	}
	if err := checkDupsAndEscapes(d); err != nil {
		return err
	}
	if s := specFor(a); s != nil {
		return checkShape(d, 0, s)
	}
	return nil
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// checkDupsAndEscapes refuses duplicate keys and lone surrogates anywhere.
func checkDupsAndEscapes(d *jdoc) error {
	if d.lone > 0 {
		// Found while parsing (jparser.str), values and keys alike.
		return fmt.Errorf("%w: lone UTF-16 surrogate escape at byte %d", errSchema, d.lone-1)
	}
	var keys []string
	var set map[string]struct{}
	for i := range d.nodes {
		n := &d.nodes[i]
		if n.kind != jObj {
			continue
		}
		keys = keys[:0]
		count := 0
		for c := n.first; c >= 0; c = d.nodes[c].next {
			count++
		}
		useMap := count > 16
		if useMap {
			set = make(map[string]struct{}, count)
		}
		for c := n.first; c >= 0; c = d.nodes[c].next {
			cn := &d.nodes[c]
			k := d.keyView(c) // held only while the check runs
			dup := false
			if useMap {
				_, dup = set[k]
				set[k] = struct{}{}
			} else {
				for _, o := range keys {
					if o == k {
						dup = true
						break
					}
				}
				keys = append(keys, k)
			}
			if dup {
				return fmt.Errorf("%w: duplicate key %s at byte %d (the API would read the last one)", errSchema, strconv.Quote(truncateKey(k)), cn.keyStart)
			}
		}
	}
	return nil
}

// truncateKey keeps error messages short; a key is the client's own text
// and goes back only to the client, never to a log.
func truncateKey(k string) string {
	if len(k) > 40 {
		return k[:40] + "…"
	}
	return k
}

// checkShape checks node n against s. The message names n by its JSON
// path, found (pathOf) only then: building every member's path on the way
// down was an allocation a member.
func checkShape(d *jdoc, n int, s *spec) error {
	k := d.kind(n)
	if k == jNull {
		return nil
	}
	if s.kinds&kindBit(k) == 0 {
		return fmt.Errorf("%w: %s must be %s, not %s", errSchema, pathOf(d, n), s.kinds, kindBit(k))
	}
	switch k {
	case jObj:
		if s.fields == nil {
			return nil
		}
		for c := d.nodes[n].first; c >= 0; c = d.nodes[c].next {
			if fs, ok := s.fields[d.keyView(c)]; ok {
				if err := checkShape(d, c, fs); err != nil {
					return err
				}
			}
		}
	case jArr:
		if s.items == nil {
			return nil
		}
		for c := d.nodes[n].first; c >= 0; c = d.nodes[c].next {
			if err := checkShape(d, c, s.items); err != nil {
				return err
			}
		}
	}
	return nil
}
