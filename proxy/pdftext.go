package proxy

import "errors"

// extractPDFText returns the text of a PDF.
func extractPDFText(b []byte) (string, error) {
	return "", errors.New("no PDF reader")
}
