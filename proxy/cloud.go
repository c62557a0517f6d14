package proxy

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Cloud routes: Amazon Bedrock runtime, Vertex AI (Anthropic and Google
// publishers), Azure OpenAI and the Gemini API. They share the listener
// with the Anthropic and OpenAI routes and are told apart by path. Every
// one goes through the same exchange (prepare, forward, relay or stream);
// a route only adds where its upstream is, how the request is
// authenticated once the body is final, and the error shape of its API.

// Default cloud endpoints; {region}/{location} are filled per request.
const (
	defaultBedrockHost = "bedrock-runtime.%s.amazonaws.com"
	defaultBedrockCtl  = "bedrock.%s.amazonaws.com"
	defaultVertexHost  = "%s-aiplatform.googleapis.com"
	DefaultGemini      = "https://generativelanguage.googleapis.com"
)

// Environment variables that override cloud upstreams (read by the CLI).
const (
	EnvBedrockUpstream     = "PRETENSE_BEDROCK_UPSTREAM"
	EnvVertexUpstream      = "PRETENSE_VERTEX_UPSTREAM"
	EnvAzureOpenAIUpstream = "PRETENSE_AZURE_OPENAI_UPSTREAM"
	EnvGeminiUpstream      = "PRETENSE_GEMINI_UPSTREAM"
)

// upstreamAuth authenticates the upstream request after the body is final:
// it sees exactly the bytes and headers that will be sent.
type upstreamAuth interface {
	authorize(ctx context.Context, out *http.Request, body *reqBody) error
}

// clouds holds the parsed cloud upstreams and lazily loaded credentials.
type clouds struct {
	bedrock *url.URL // nil: bedrock-runtime.{region}.amazonaws.com
	vertex  *url.URL // nil: {location}-aiplatform.googleapis.com
	azure   *url.URL // nil: Azure routes are refused until configured
	gemini  *url.URL
	aws     *awsAuth
	google  *googleAuth
}

func newClouds(opts Options) (*clouds, error) {
	c := &clouds{aws: newAWSAuth(opts.AWSRegion), google: newGoogleAuth()}
	var err error
	parse := func(raw, name string) *url.URL {
		if raw == "" || err != nil {
			return nil
		}
		var u *url.URL
		u, err = parseUpstream(raw, "")
		if err != nil {
			err = fmt.Errorf("%s upstream: %w", name, err)
		}
		return u
	}
	c.bedrock = parse(opts.BedrockUpstream, "bedrock")
	c.vertex = parse(opts.VertexUpstream, "vertex")
	c.azure = parse(opts.AzureOpenAIUpstream, "azure openai")
	gem := opts.GeminiUpstream
	if gem == "" {
		gem = DefaultGemini
	}
	c.gemini = parse(gem, "gemini")
	if err != nil {
		return nil, err
	}
	return c, nil
}

// cloudRoute recognises a cloud path. served is false when the path is not
// a cloud path at all; ok is false for a cloud path the proxy refuses (the
// route then carries the API whose error shape the refusal takes, and why).
func (s *Server) cloudRoute(r *http.Request) (rt route, ok, served bool) {
	p := r.URL.Path
	c := s.clouds
	switch {
	case strings.HasPrefix(p, "/model/"):
		rt, ok := c.bedrockRoute(r.Context(), p)
		return rt, ok, true
	case p == "/inference-profiles" || strings.HasPrefix(p, "/inference-profiles/"):
		rt, ok := c.bedrockControl(r.Context())
		return rt, ok, true
	case strings.HasPrefix(p, "/v1/projects/") || strings.HasPrefix(p, "/v1beta1/projects/"):
		rt, ok := c.vertexRoute(p)
		return rt, ok, true
	case strings.HasPrefix(p, "/openai/"):
		rt, ok := c.azureRoute(p)
		return rt, ok, true
	case strings.HasPrefix(p, "/v1beta/models/") && strings.Contains(p, ":"),
		// GET /v1/models/{id} is OpenAI's model lookup, and fine-tuned
		// model ids hold ':'; Gemini calls are POSTs.
		strings.HasPrefix(p, "/v1/models/") && strings.Contains(p, ":") && r.Method != http.MethodGet:
		rt, ok := c.geminiRoute(p)
		return rt, ok, true
	}
	return route{}, false, false
}

// bedrockRoute serves POST /model/{modelId}/{operation}. The model id may
// hold ':' (literal or %3A) and, for ARNs, an escaped '/'.
func (c *clouds) bedrockRoute(ctx context.Context, p string) (route, bool) {
	rest := strings.TrimPrefix(p, "/model/")
	i := strings.LastIndexByte(rest, '/')
	rt := route{api: apiBedrock, method: http.MethodPost, auth: c.aws, rewrite: true}
	if i <= 0 {
		rt.upstream = placeholderUpstream
		rt.reason = "a Bedrock runtime path is /model/{modelId}/invoke, /invoke-with-response-stream, /converse or /converse-stream"
		return rt, false
	}
	rt.model = rest[:i]
	switch rest[i+1:] {
	case "invoke", "invoke-with-response-stream":
	case "converse", "converse-stream":
		rt.api = apiConverse
	default:
		rt.upstream = placeholderUpstream
		rt.reason = fmt.Sprintf("Bedrock operation %q is not proxied (invoke, invoke-with-response-stream, converse and converse-stream are)", rest[i+1:])
		return rt, false
	}
	return c.bedrockUpstream(ctx, rt, defaultBedrockHost)
}

// bedrockControl routes GET /inference-profiles (Claude Code asks for the
// system-defined profiles first) to the Bedrock control plane, signed like
// the runtime calls. It carries no prompt, so nothing is rewritten.
func (c *clouds) bedrockControl(ctx context.Context) (route, bool) {
	rt := route{api: apiBedrock, method: http.MethodGet, auth: c.aws}
	return c.bedrockUpstream(ctx, rt, defaultBedrockCtl)
}

// bedrockUpstream fills in the upstream: the override when set, else the
// endpoint of the region the AWS configuration names.
func (c *clouds) bedrockUpstream(ctx context.Context, rt route, hostFmt string) (route, bool) {
	if c.bedrock != nil {
		rt.upstream = c.bedrock
		return rt, true
	}
	region, err := c.aws.regionName(ctx)
	if err != nil {
		rt.upstream = placeholderUpstream
		rt.reason, rt.reasonKind = err.Error(), errKindNoCreds
		return rt, false
	}
	rt.upstream = &url.URL{Scheme: "https", Host: fmt.Sprintf(hostFmt, region)}
	return rt, true
}

// placeholderUpstream names no host; it stands in on refused routes so the
// audit entry has an endpoint.
var placeholderUpstream = &url.URL{Scheme: "https", Host: "unrouted.invalid"}

// vertexRoute serves /v1[beta1]/projects/{p}/locations/{l}/publishers/
// {anthropic|google}/models/{m}:{method}.
func (c *clouds) vertexRoute(p string) (route, bool) {
	rt := route{api: apiGemini, method: http.MethodPost, auth: c.google, upstream: placeholderUpstream, rewrite: true}
	seg := strings.Split(strings.TrimPrefix(p, "/"), "/")
	// v1 projects P locations L publishers PUB models M:method
	if len(seg) != 9 || seg[3] != "locations" || seg[5] != "publishers" || seg[7] != "models" {
		rt.reason = "a Vertex AI path is /v1/projects/{project}/locations/{location}/publishers/{anthropic|google}/models/{model}:{method}"
		return rt, false
	}
	loc, pub := seg[4], seg[6]
	model, method, _ := strings.Cut(seg[8], ":")
	rt.model = model
	switch pub {
	case "anthropic":
		rt.api = apiVertexAnthropic
		if method != "rawPredict" && method != "streamRawPredict" {
			rt.reason = fmt.Sprintf("Vertex Anthropic method %q is not proxied (rawPredict and streamRawPredict are)", method)
			return rt, false
		}
	case "google":
		if method != "generateContent" && method != "streamGenerateContent" && method != "countTokens" {
			rt.reason = fmt.Sprintf("Vertex method %q is not proxied (generateContent, streamGenerateContent and countTokens are)", method)
			return rt, false
		}
	default:
		rt.reason = fmt.Sprintf("Vertex publisher %q is not proxied (anthropic and google are)", pub)
		return rt, false
	}
	if c.vertex != nil {
		rt.upstream = c.vertex
	} else {
		host := fmt.Sprintf(defaultVertexHost, loc)
		if loc == "global" {
			host = "aiplatform.googleapis.com"
		}
		if !validHostLabel(loc) {
			rt.reason = fmt.Sprintf("Vertex location %q is not a location name", loc)
			return rt, false
		}
		rt.upstream = &url.URL{Scheme: "https", Host: host}
	}
	return rt, true
}

// validHostLabel reports whether s can go into a host name: a location in
// the path must not redirect the request to another host.
func validHostLabel(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// azureRoute serves the Azure OpenAI deployment and v1 paths. The client's
// api-key or Authorization header goes upstream unchanged.
func (c *clouds) azureRoute(p string) (route, bool) {
	rt := route{api: apiChat, method: http.MethodPost, upstream: c.azure, rewrite: true}
	if rt.upstream == nil {
		rt.upstream = placeholderUpstream
	}
	var op string
	switch {
	case strings.HasPrefix(p, "/openai/deployments/"):
		d, o, _ := strings.Cut(strings.TrimPrefix(p, "/openai/deployments/"), "/")
		rt.model, op = d, o
	case strings.HasPrefix(p, "/openai/v1/"):
		op = strings.TrimPrefix(p, "/openai/v1/")
	}
	switch op {
	case "chat/completions":
	case "responses":
		rt.api = apiResponses
	default:
		rt.reason = "Azure OpenAI paths served: /openai/deployments/{deployment}/chat/completions, /openai/deployments/{deployment}/responses, /openai/v1/chat/completions and /openai/v1/responses"
		return rt, false
	}
	if c.azure == nil {
		rt.upstream = placeholderUpstream
		rt.reason = "no Azure OpenAI endpoint is configured: set " + EnvAzureOpenAIUpstream + " (or --azure-openai-upstream) to the resource's endpoint, e.g. https://NAME.openai.azure.com"
		return rt, false
	}
	return rt, true
}

// geminiRoute serves /v1beta/models/{m}:generateContent,
// :streamGenerateContent and :countTokens. The client's x-goog-api-key (or
// ?key=) goes upstream unchanged.
func (c *clouds) geminiRoute(p string) (route, bool) {
	rt := route{api: apiGemini, method: http.MethodPost, upstream: c.gemini, rewrite: true}
	_, rest, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/models/")
	model, method, _ := strings.Cut(rest, ":")
	rt.model = model
	switch method {
	case "generateContent", "streamGenerateContent", "countTokens":
		if strings.Contains(model, "/") {
			break
		}
		return rt, true
	}
	rt.reason = "Gemini API paths served: /v1beta/models/{model}:generateContent, :streamGenerateContent and :countTokens"
	return rt, false
}

// statusFor is the status k is answered with on a's routes. Bedrock and
// Vertex clients retry a 403 (Claude Code for minutes) or report it as an
// authentication failure; a 400 ends the request at once with the reason
// shown, so refusals there are 400s. The Gemini API shares Vertex's shape.
func (k errorKind) statusFor(a api) int {
	if k == errKindBlocked {
		switch a {
		case apiBedrock, apiConverse, apiVertexAnthropic, apiGemini:
			return http.StatusBadRequest
		}
	}
	return k.status
}

// cloudErrorBody renders an error in the Bedrock or Google error shape;
// ok is false for the other APIs.
func cloudErrorBody(a api, k errorKind, msg, requestID string) ([]byte, bool) {
	var b []byte
	switch a {
	case apiBedrock, apiConverse:
		b = append(b, `{"message":`...)
		b = appendQuote(b, msg)
		return append(b, '}'), true
	case apiGemini:
		st := k.statusFor(a)
		b = append(b, `{"error":{"code":`...)
		b = append(b, fmt.Sprint(st)...)
		b = append(b, `,"message":`...)
		b = appendQuote(b, msg)
		b = append(b, `,"status":`...)
		b = appendQuote(b, googleStatus(st))
		return append(b, "}}"...), true
	}
	return nil, false
}

// googleStatus is the canonical google.rpc code name of an HTTP status.
func googleStatus(st int) string {
	switch st {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusRequestEntityTooLarge:
		return "INVALID_ARGUMENT"
	case http.StatusGatewayTimeout:
		return "DEADLINE_EXCEEDED"
	case http.StatusBadGateway:
		return "UNAVAILABLE"
	default:
		return "INTERNAL"
	}
}

// cloudErrorHeaders adds the header the AWS SDKs read an error's type from.
func cloudErrorHeaders(h http.Header, a api, k errorKind) {
	if a != apiBedrock && a != apiConverse {
		return
	}
	typ := "InternalServerException"
	switch st := k.statusFor(a); {
	case st == http.StatusNotFound:
		typ = "ResourceNotFoundException"
	case st < 500:
		typ = "ValidationException"
	case st == http.StatusGatewayTimeout:
		typ = "ModelTimeoutException"
	}
	h.Set("X-Amzn-Errortype", typ)
}

// h2cProtocols accepts HTTP/1.1 and HTTP/2 with prior knowledge over
// cleartext; net/http supports both since Go 1.24.
func h2cProtocols() *http.Protocols {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return p
}

// isEventStream reports whether ct is the AWS event-stream media type.
func isEventStream(ct string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/vnd.amazon.eventstream")
}
