package proxy

import (
	"net/http"
	"strconv"
)

// Errors the proxy itself returns are written in the caller's API format, so
// SDKs and Claude Code show the message instead of failing to parse it.

// errorKind is an HTTP status with the error type names both APIs use.
type errorKind struct {
	status    int
	anthropic string
	openai    string
}

var (
	errKindBadRequest = errorKind{http.StatusBadRequest, "invalid_request_error", "invalid_request_error"}
	errKindBlocked    = errorKind{http.StatusForbidden, "permission_error", "pretense_blocked"}
	errKindNotFound   = errorKind{http.StatusNotFound, "not_found_error", "invalid_request_error"}
	errKindMethod     = errorKind{http.StatusMethodNotAllowed, "invalid_request_error", "invalid_request_error"}
	errKindTooLarge   = errorKind{http.StatusRequestEntityTooLarge, "request_too_large", "invalid_request_error"}
	errKindEncoding   = errorKind{http.StatusUnsupportedMediaType, "invalid_request_error", "invalid_request_error"}
	errKindUpgrade    = errorKind{http.StatusUpgradeRequired, "invalid_request_error", "invalid_request_error"}
	errKindUpstream   = errorKind{http.StatusBadGateway, "api_error", "server_error"}
	errKindTimeout    = errorKind{http.StatusGatewayTimeout, "api_error", "server_error"}
	errKindInternal   = errorKind{http.StatusInternalServerError, "api_error", "server_error"}
	// errKindNoCreds: the proxy found no credentials to call a cloud with.
	// A 400 so Claude Code shows it at once instead of retrying.
	errKindNoCreds = errorKind{http.StatusBadRequest, "invalid_request_error", "invalid_request_error"}
)

// errorBody renders msg in a's error shape.
func errorBody(a api, k errorKind, code, msg, requestID string) []byte {
	msg = clientSafe(msg)
	if b, ok := cloudErrorBody(a, k, msg, requestID); ok {
		return b
	}
	var b []byte
	if a == apiAnthropic || a == apiVertexAnthropic {
		b = append(b, `{"type":"error","error":{"type":`...)
		b = appendQuote(b, k.anthropic)
		b = append(b, `,"message":`...)
		b = appendQuote(b, msg)
		b = append(b, `},"request_id":`...)
		b = appendQuote(b, requestID)
		return append(b, '}')
	}
	b = append(b, `{"error":{"message":`...)
	b = appendQuote(b, msg)
	b = append(b, `,"type":`...)
	b = appendQuote(b, k.openai)
	b = append(b, `,"param":null,"code":`...)
	if code == "" {
		b = append(b, "null"...)
	} else {
		b = appendQuote(b, code)
	}
	return append(b, "}}"...)
}

// writeError sends an error response in a's format.
func writeError(w http.ResponseWriter, a api, k errorKind, code, msg, requestID string) {
	body := errorBody(a, k, code, msg, requestID)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Del("Content-Encoding")
	cloudErrorHeaders(h, a, k)
	w.WriteHeader(k.statusFor(a))
	_, _ = w.Write(body)
}
