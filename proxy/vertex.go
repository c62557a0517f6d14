package proxy

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// googleScope is the scope Vertex AI accepts.
const googleScope = "https://www.googleapis.com/auth/cloud-platform"

// googleSources is what the refusal names when no credentials are found.
const googleSources = "Google Application Default Credentials were looked for (GOOGLE_APPLICATION_CREDENTIALS, the gcloud application-default credentials file, the metadata server) and none were found; run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS for the proxy"

// googleAuth puts a Google access token from Application Default
// Credentials on Vertex requests. A service-account or external-account
// file's token_uri is honoured by the library. The token source caches
// and refreshes tokens.
type googleAuth struct {
	mu     sync.Mutex
	ts     oauth2.TokenSource
	loaded time.Time
	err    error
}

func newGoogleAuth() *googleAuth { return &googleAuth{} }

func (g *googleAuth) tokenSource(ctx context.Context) (oauth2.TokenSource, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ts != nil {
		return g.ts, nil
	}
	if g.err != nil && time.Since(g.loaded) < 5*time.Second {
		return nil, g.err
	}
	// The token source outlives this request: it must not inherit its
	// cancellation.
	creds, err := google.FindDefaultCredentials(context.WithoutCancel(ctx), googleScope)
	g.loaded = time.Now()
	if err != nil {
		g.err = fmt.Errorf("%w: %s", errNoCredentials, googleSources)
		return nil, g.err
	}
	g.ts, g.err = creds.TokenSource, nil
	return g.ts, nil
}

// authorize sets the proxy's ADC token, replacing whatever token the client
// sent (a client in gateway mode sends none). Only when the proxy has no
// credentials of its own does a client's Bearer token go through.
func (g *googleAuth) authorize(ctx context.Context, out *http.Request, _ *reqBody) error {
	ts, err := g.tokenSource(ctx)
	if err != nil {
		if auth := out.Header.Get("Authorization"); len(auth) > 7 && strings.EqualFold(auth[:7], "bearer ") {
			return nil
		}
		return err
	}
	tok, err := ts.Token()
	if err != nil {
		// oauth2 errors can quote the token endpoint's response body, which
		// never holds our secret but may be long; name the failure only.
		return fmt.Errorf("%w: Google Application Default Credentials were found but no access token could be obtained from them (%s)", errNoCredentials, tokenErrKind(err))
	}
	out.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	out.Header.Del("X-Goog-Api-Key")
	return nil
}

// tokenErrKind summarises an oauth2 error without its body.
func tokenErrKind(err error) string {
	if re, ok := err.(*oauth2.RetrieveError); ok {
		if re.ErrorCode != "" {
			return "token endpoint said " + re.ErrorCode
		}
		if re.Response != nil {
			return "token endpoint answered " + re.Response.Status
		}
	}
	return "token endpoint unreachable"
}
