package proxy

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Payloads. Requests carry files as base64: Anthropic document and image
// blocks (source.type "base64"), OpenAI file parts (file_data), image_url
// and input_image data URLs, input_audio. A secret in a base64 text file or
// a PDF is as much in the request as one typed into the prompt, so the
// proxy decodes every payload and scans what it can read:
//   - text (text/*, JSON, XML, CSV, or anything that decodes to text) is
//     scanned as text;
//   - gzip and zstd are decompressed and looked at again;
//   - PDFs have their text extracted (pdftext.go) and scanned;
//   - images and audio cannot be read: they pass and are counted in the
//     audit entry (Attachments), or are refused with --attachments block.
//     Their raw bytes are still scanned, for text in metadata chunks.
// A declared payload (a data: URL, or a field the APIs define as base64)
// that does not decode, or decodes to something none of the above, is
// refused: what the proxy cannot read does not leave.
//
// Other long base64 strings (a thinking signature, encrypted reasoning,
// or base64 pasted into a prompt) are decoded when they can be and scanned
// when they hold text, gzip, zstd or a PDF; opaque bytes pass.

// errPayload is wrapped by every payload refusal (400).
var errPayload = errors.New("payload refused")

// errAttachmentBlocked is returned under --attachments block (403).
var errAttachmentBlocked = errors.New("attachments are refused by this proxy (--attachments block)")

// Values of Options.Attachments.
const (
	AttachmentsPass  = "pass"
	AttachmentsBlock = "block"
)

// Limits.
const (
	// maxPayloadDepth bounds decoding steps (a decoded base64 run, a
	// decompression, the text read from either each count one): three
	// layers of gzip inside base64 pasted in text are read; readable
	// content nested deeper is refused, never passed. It was 3, which let
	// the second layer pass unread.
	maxPayloadDepth = 8
	// minPayloadRun is the shortest base64 run inside a string that is
	// decoded to look for compressed or PDF content.
	minPayloadRun = 32
)

// decodedText is readable text found inside a payload.
type decodedText struct {
	text string
	what string
}

// payloadCounter carries one request's payload state.
type payloadCounter struct {
	block       bool  // refuse images and audio
	attachments int   // images and audio passed
	budget      int64 // decoded bytes left for this request
	values      int   // JSON values left for JSON text in strings (maxRequestValues)
	err         error // first refusal found where no error can be returned
}

func newPayloadCounter(block bool, budget int64) *payloadCounter {
	if budget <= 0 {
		budget = defaultPayloadBudget
	}
	return &payloadCounter{block: block, budget: budget, values: maxRequestValues}
}

// inspect looks at string node i (value s). isPayload reports a declared
// payload, whose decoded form replaces the encoded one for scanning.
func (pc *payloadCounter) inspect(d *jdoc, i int, s string) (out []decodedText, isPayload bool, err error) {
	if pc == nil {
		return nil, false, nil
	}
	if len(s) >= 5 && strings.EqualFold(s[:5], "data:") {
		mt, data, err := parseDataURL(s)
		if err != nil {
			return nil, false, err
		}
		out, err = pc.content(mt, data, true, 0)
		return out, true, err
	}
	if mt, ok := declaredBase64(d, i); ok {
		data, err := decodeBase64(s)
		if err != nil {
			return nil, false, fmt.Errorf("base64 payload does not decode: %v", err)
		}
		out, err = pc.content(mt, data, true, 0)
		return out, true, err
	}
	out, err = pc.embedded(s, 0)
	return out, false, err
}

// declaredBase64 reports a string the APIs define as base64 data, with its
// declared media type: Anthropic source.data next to type "base64", OpenAI
// file_data without a data: prefix, input_audio data next to format.
func declaredBase64(d *jdoc, i int) (string, bool) {
	n := &d.nodes[i]
	if n.keyEnd == 0 {
		return "", false
	}
	parent := parentOf(d, i)
	if parent < 0 {
		return "", false
	}
	switch {
	case d.keyIs(i, "data") && d.strAt(parent, "type") == "base64":
		return d.strAt(parent, "media_type"), true
	case d.keyIs(i, "file_data"):
		return "", true
	case d.keyIs(i, "data") && d.get(parent, "format") >= 0 && d.get(parent, "type") < 0:
		return "audio/" + d.strAt(parent, "format"), true
	}
	return "", false
}

// parentOf finds the object or array that holds node i: the nearest node
// before it whose span contains it (nodes are stored in source order).
func parentOf(d *jdoc, i int) int {
	t := &d.nodes[i]
	for p := i - 1; p >= 0; p-- {
		n := &d.nodes[p]
		if (n.kind == jObj || n.kind == jArr) && n.start < t.start && t.end <= n.end {
			return p
		}
	}
	return -1
}

// parseDataURL splits data:[<mediatype>][;base64],<data> and decodes it.
func parseDataURL(s string) (string, []byte, error) {
	head, body, ok := strings.Cut(s[5:], ",")
	if !ok {
		return "", nil, errors.New("data URL without a comma")
	}
	isB64 := false
	if h, ok := strings.CutSuffix(strings.TrimSpace(head), ";base64"); ok {
		head, isB64 = h, true
	} else if strings.HasSuffix(strings.ToLower(strings.TrimSpace(head)), ";base64") {
		head, isB64 = strings.TrimSpace(head)[:len(strings.TrimSpace(head))-7], true
	}
	mt := ""
	if strings.TrimSpace(head) != "" {
		m, _, err := mime.ParseMediaType(head)
		if err != nil {
			return "", nil, fmt.Errorf("data URL media type: %v", err)
		}
		mt = m
	}
	if isB64 {
		data, err := decodeBase64(body)
		if err != nil {
			return "", nil, fmt.Errorf("data URL base64 does not decode: %v", err)
		}
		return mt, data, nil
	}
	data, err := url.PathUnescape(body)
	if err != nil {
		return "", nil, fmt.Errorf("data URL does not decode: %v", err)
	}
	return mt, []byte(data), nil
}

// decodable reports data content would read at a lower depth: compressed
// data, a PDF or text.
func decodable(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}) ||
		bytes.HasPrefix(data, []byte("%PDF-")) || looksText(data)
}

// decodeBase64 accepts standard or URL-safe base64, padded or not, with
// line breaks (MIME style).
func decodeBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n\t ") {
		s = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == '\t' || r == ' ' {
				return -1
			}
			return r
		}, s)
	}
	s = strings.TrimRight(s, "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	return enc.DecodeString(s)
}

// content classifies decoded bytes. strict: a declared payload, refused
// when it is none of the kinds the proxy can handle.
func (pc *payloadCounter) content(mt string, data []byte, strict bool, depth int) ([]decodedText, error) {
	if depth > maxPayloadDepth {
		// Below the limit this content would be read; past it, it could
		// hide a value, so it is refused. Opaque bytes (a signature, an
		// encrypted block) are passed as at any depth.
		if strict || decodable(data) {
			return nil, errors.New("payload nested too deep to scan")
		}
		return nil, nil
	}
	if len(data) == 0 {
		return nil, nil
	}
	pc.budget -= int64(len(data))
	if pc.budget < 0 {
		return nil, fmt.Errorf("%w: payloads decode to more than the proxy's body limit", errTooLarge)
	}
	switch {
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		inner, err := pc.decompress(data)
		if err != nil {
			// Compressed content the budget could not hold is content the
			// proxy did not read: refused, pasted or declared. It used to
			// pass when pasted, so a request that spent its budget on a
			// document first sent a token in gzip unread (and the clean-scan
			// cache then remembered that field as clean).
			if strict || errors.Is(err, errTooLarge) {
				return nil, err
			}
			if len(inner) == 0 {
				return nil, nil
			}
			// A truncated or damaged stream: what inflated before the
			// damage is readable by anyone (gzip -dc prints it), so it is
			// scanned like the rest. Random bytes (a signature) inflate to
			// nothing or to junk that is not text.
		}
		return pc.content("", inner, strict, depth+1)
	case bytes.HasPrefix(data, []byte("%PDF-")) || mt == "application/pdf":
		text, err := extractPDFText(data)
		if err != nil {
			if strict || bytes.HasPrefix(data, []byte("%PDF-")) {
				return nil, fmt.Errorf("PDF text could not be extracted: %v", err)
			}
			return nil, nil
		}
		out := []decodedText{{text: text, what: "PDF text"}}
		// Text outside the content streams (metadata, uncompressed
		// objects) is in the file's own bytes.
		return append(out, decodedText{text: stringOf(data), what: "PDF bytes"}), nil
	case isMedia(data):
		if !strict {
			// Only a declared payload is an attachment; random bytes in a
			// signature can start like one.
			return nil, nil
		}
		if pc.block {
			return nil, errAttachmentBlocked
		}
		pc.attachments++
		return []decodedText{{text: stringOf(data), what: "attachment bytes"}}, nil
	case looksText(data) || strict && isTextType(mt) && !bytes.ContainsRune(data, 0):
		out := []decodedText{{text: stringOf(data), what: orText(mt)}}
		more, err := pc.embedded(stringOf(data), depth+1)
		return append(out, more...), err
	}
	if strict {
		kind := mt
		if kind == "" {
			kind = "unknown"
		}
		return nil, fmt.Errorf("payload of type %s is neither text, PDF, image nor audio, so it cannot be scanned", kind)
	}
	return nil, nil
}

func orText(mt string) string {
	if mt == "" {
		return "text"
	}
	return mt
}

// embedded looks for base64 runs inside s that decode to something
// readable (text, compressed data, a PDF). Runs that decode to opaque bytes
// pass: signatures and encrypted reasoning are such runs.
func (pc *payloadCounter) embedded(s string, depth int) ([]decodedText, error) {
	// No depth limit here: content refuses what it may not read.
	if len(s) < minPayloadRun {
		return nil, nil
	}
	var out []decodedText
	err := eachB64Run(s, minPayloadRun, func(run string) error {
		if !mixedClasses(run) {
			return nil
		}
		data, err := decodeBase64(run)
		if err != nil {
			return nil
		}
		more, err := pc.content("", data, false, depth+1)
		if err != nil {
			return err
		}
		for _, m := range more {
			m.what = "base64 " + m.what
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// eachB64Run calls fn with every maximal run of base64 bytes (isB64Byte; a
// run ends at any other byte, '=' padding included) of at least minRun
// bytes in s, in order, and stops at fn's first error. Most text holds no
// such run, so it looks at one byte in every minRun-1: a run that long
// must cover one of them. Only around a base64 byte found so does it read
// every byte, back to the run's start and on to its end. With AVX2 a
// first pass over masks of s (mayHoldB64Run) tells the texts with no
// such run, most of them, in fewer instructions.
func eachB64Run(s string, minRun int, fn func(run string) error) error {
	if !mayHoldB64Run(s, minRun) {
		return nil
	}
	stride := max(minRun-1, 1)
	floor := 0 // the previous run (and its padding) ends here
	for i := stride - 1; i < len(s); {
		if !b64Byte[s[i]] {
			i += stride
			continue
		}
		a := i
		for a > floor && b64Byte[s[a-1]] {
			a--
		}
		j := i + 1
		for j < len(s) && b64Byte[s[j]] {
			j++
		}
		k := j
		for k < len(s) && s[k] == '=' {
			k++
		}
		floor = k
		if j-a >= minRun {
			if err := fn(s[a:j]); err != nil {
				return err
			}
		}
		i = k + stride - 1
		if i < j+1 {
			i = j + 1 // j is not base64: look past it
		}
	}
	return nil
}

// b64Byte is isB64Byte as a table, for the hot loops.
var b64Byte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isB64Byte(byte(c))
	}
	return t
}()

func isB64Byte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

// mixedClasses: base64 of anything but short words mixes upper, lower and
// digits; identifiers and prose runs do not.
func mixedClasses(s string) bool {
	var up, lo, dg bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			up = true
		case c >= 'a' && c <= 'z':
			lo = true
		case c >= '0' && c <= '9':
			dg = true
		}
	}
	return up && lo && dg
}

// decompress inflates gzip or zstd within the request's budget. On a
// damaged stream it returns what inflated before the damage with the
// error; past the budget (or a zstd window larger than it), errTooLarge.
func (pc *payloadCounter) decompress(data []byte) ([]byte, error) {
	limit := max(pc.budget, 0)
	var r io.Reader
	if data[0] == 0x1f {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("gzip payload: %v", err)
		}
		defer zr.Close()
		r = zr
	} else {
		zr, err := zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(limit)+1))
		if err != nil {
			return nil, fmt.Errorf("zstd payload: %v", err)
		}
		defer zr.Close()
		r = zr
	}
	out, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(out)) > limit || errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrFrameSizeExceeded) {
		return nil, fmt.Errorf("%w: a compressed payload decodes to more than the proxy's body limit", errTooLarge)
	}
	if err != nil {
		return out, fmt.Errorf("compressed payload does not decode: %v", err)
	}
	return out, nil
}

// isMedia recognises images and audio by their magic numbers.
func isMedia(b []byte) bool {
	for _, m := range [][]byte{
		{0x89, 'P', 'N', 'G'}, {0xff, 0xd8, 0xff}, []byte("GIF87a"), []byte("GIF89a"),
		[]byte("BM"), {'I', 'I', '*', 0}, {'M', 'M', 0, '*'}, []byte("OggS"), []byte("fLaC"), []byte("ID3"),
	} {
		if bytes.HasPrefix(b, m) {
			return true
		}
	}
	if len(b) >= 12 && string(b[:4]) == "RIFF" && (string(b[8:12]) == "WEBP" || string(b[8:12]) == "WAVE") {
		return true
	}
	// MPEG audio frame sync.
	return len(b) >= 2 && b[0] == 0xff && b[1]&0xe0 == 0xe0
}

func isTextType(mt string) bool {
	mt = strings.ToLower(mt)
	return strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "json") || strings.HasSuffix(mt, "xml") ||
		mt == "application/csv" || mt == "application/x-yaml" || mt == "application/yaml" || mt == "application/javascript"
}

// looksText: valid UTF-8 with few control characters.
func looksText(b []byte) bool {
	if len(b) == 0 || !utf8.Valid(b) {
		return false
	}
	ctrl := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			ctrl++
		}
	}
	return ctrl*20 <= len(b)
}
