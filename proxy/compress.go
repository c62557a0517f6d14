package proxy

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Codex and other clients compress request bodies (zstd, gzip); the proxy
// must see plaintext to scan and mutate, and forwards plaintext.

// errUnsupportedEncoding is returned for a Content-Encoding the proxy cannot
// decode (415): forwarding bytes it cannot inspect would fail open.
var errUnsupportedEncoding = errors.New("unsupported content encoding")

// errTooLarge is returned when a body, once decoded, exceeds the limit (413).
var errTooLarge = errors.New("body too large")

// errCorrupt is returned for a body that does not decode (400).
var errCorrupt = errors.New("corrupt compressed body")

// decodeBody undoes every encoding in the Content-Encoding header (listed
// in the order they were applied), capping the decoded size at limit so a
// decompression bomb cannot exhaust memory.
func decodeBody(body []byte, contentEncoding string, limit int64) ([]byte, error) {
	if strings.TrimSpace(contentEncoding) == "" {
		return body, nil
	}
	codings := strings.Split(contentEncoding, ",")
	for i := len(codings) - 1; i >= 0; i-- {
		c := strings.ToLower(strings.TrimSpace(codings[i]))
		var r io.Reader
		switch c {
		case "", "identity":
			continue
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				return nil, fmt.Errorf("%w: gzip: %v", errCorrupt, err)
			}
			defer zr.Close()
			r = zr
		case "deflate":
			// HTTP "deflate" is zlib-wrapped; some clients send raw deflate.
			if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
				defer zr.Close()
				r = zr
			} else {
				fr := flate.NewReader(bytes.NewReader(body))
				defer fr.Close()
				r = fr
			}
		case "zstd":
			zr, err := zstd.NewReader(bytes.NewReader(body), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(limit)+1))
			if err != nil {
				return nil, fmt.Errorf("%w: zstd: %v", errCorrupt, err)
			}
			defer zr.Close()
			r = zr
		default:
			return nil, fmt.Errorf("%w %q (gzip, deflate and zstd are accepted)", errUnsupportedEncoding, c)
		}
		out, err := io.ReadAll(io.LimitReader(r, limit+1))
		if errors.Is(err, zstd.ErrDecoderSizeExceeded) {
			return nil, fmt.Errorf("%w: more than %d bytes once decoded", errTooLarge, limit)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", errCorrupt, c, err)
		}
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("%w: more than %d bytes once decoded", errTooLarge, limit)
		}
		body = out
	}
	return body, nil
}
