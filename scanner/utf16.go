package scanner

import (
	"bytes"
	"io"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// UTF-16 text has a NUL byte in every ASCII character, so the binary test
// (a NUL early on) took it for binary and skipped it whole: a PowerShell
// 5.1 `>` redirect, a .reg export or a Visual Studio file holding a token
// was never scanned. Such content is read as text instead: it is recognised
// by its byte-order mark, or without one by NULs in every other byte, and
// transcoded to UTF-8 (same lines, so the same line numbers) before the
// rules run. What still holds a NUL once decoded is binary.

// utf16Sniff is how much of the content the BOM-less test looks at.
const utf16Sniff = 1024

// utf16Encoding returns the encoding of content that starts like UTF-16
// text (nil if it does not).
func utf16Encoding(head []byte) encoding.Encoding {
	switch {
	case len(head) >= 2 && head[0] == 0xff && head[1] == 0xfe:
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case len(head) >= 2 && head[0] == 0xfe && head[1] == 0xff:
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	}
	// Without a BOM: nine in ten code units of the first ones are ASCII
	// (one NUL byte, one other), all on the same side.
	n := min(len(head), utf16Sniff) / 2
	if n < 2 {
		return nil
	}
	var le, be int
	for i := range n {
		lo, hi := head[2*i], head[2*i+1]
		switch {
		case hi == 0 && lo != 0 && lo < 0x80:
			le++
		case lo == 0 && hi != 0 && hi < 0x80:
			be++
		}
	}
	switch {
	case le*10 >= n*9:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case be*10 >= n*9:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	}
	return nil
}

// utf16Text returns content decoded from UTF-16 to UTF-8 when it is UTF-16
// text, and ok false when it is not (or decodes to something binary).
func utf16Text(content []byte) (text []byte, ok bool) {
	enc := utf16Encoding(content)
	if enc == nil {
		return nil, false
	}
	if len(content)%2 != 0 {
		content = content[:len(content)-1] // a torn last code unit
	}
	text, err := enc.NewDecoder().Bytes(content)
	if err != nil || isBinary(text) {
		return nil, false
	}
	return text, true
}

// utf16Reader returns r (whose first bytes are head, already read) decoded
// from UTF-16, when head starts like UTF-16 text. The reader holds a copy
// of head (the caller's buffer is reused); nothing is copied when head is
// not UTF-16, the common case of a binary file.
func utf16Reader(head []byte, r io.Reader) (io.Reader, bool) {
	enc := utf16Encoding(head)
	if enc == nil {
		return nil, false
	}
	return enc.NewDecoder().Reader(io.MultiReader(bytes.NewReader(bytes.Clone(head)), r)), true
}
