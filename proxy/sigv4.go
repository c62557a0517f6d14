package proxy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
)

// errNoCredentials marks a request the proxy could not authenticate
// upstream; the client gets a 400 naming what was looked for.
var errNoCredentials = errors.New("no upstream credentials")

// awsAuth signs Bedrock requests with SigV4 (service "bedrock") using the
// AWS default credential chain: environment, shared config and
// credentials files (profiles, SSO), web identity (IRSA), ECS and EC2
// instance roles. The configuration is loaded on first use and kept; the
// SDK's credential cache refreshes expiring credentials.
type awsAuth struct {
	regionOverride string
	signer         *v4.Signer

	mu     sync.Mutex
	cfg    *aws.Config
	loaded time.Time
	err    error
}

func newAWSAuth(region string) *awsAuth {
	return &awsAuth{regionOverride: region, signer: v4.NewSigner()}
}

// awsSources is what the refusal names when no credentials are found.
const awsSources = "AWS credentials were looked for in the default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws/config and credentials incl. SSO, AWS_WEB_IDENTITY_TOKEN_FILE, the ECS and EC2 instance roles) and none were found; configure one of them for the proxy, or send a Bedrock API key as Authorization: Bearer"

// config loads the AWS configuration once; a failed load is retried after
// a few seconds rather than on every request.
func (a *awsAuth) config(ctx context.Context) (aws.Config, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cfg != nil {
		return *a.cfg, nil
	}
	if a.err != nil && time.Since(a.loaded) < 5*time.Second {
		return aws.Config{}, a.err
	}
	var opts []func(*config.LoadOptions) error
	if a.regionOverride != "" {
		opts = append(opts, config.WithRegion(a.regionOverride))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	a.loaded = time.Now()
	if err != nil {
		a.err = fmt.Errorf("%w: load the AWS configuration: %v", errNoCredentials, err)
		return aws.Config{}, a.err
	}
	a.cfg, a.err = &cfg, nil
	return cfg, nil
}

// regionName is the region whose endpoint the proxy calls.
func (a *awsAuth) regionName(ctx context.Context) (string, error) {
	cfg, err := a.config(ctx)
	if err != nil {
		return "", err
	}
	if cfg.Region == "" {
		return "", fmt.Errorf("%w: no AWS region: set AWS_REGION (or region in the AWS profile, or --aws-region) for the proxy", errNoCredentials)
	}
	return cfg.Region, nil
}

// amzHeaders are the client's own signature headers; they are replaced.
var amzHeaders = []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "Amz-Sdk-Invocation-Id", "Amz-Sdk-Request"} // pretense:allow (header names)

// authorize signs out over body. A client that sends a Bedrock API key
// (Authorization: Bearer) keeps it and nothing is signed.
func (a *awsAuth) authorize(ctx context.Context, out *http.Request, body *reqBody) error {
	if auth := out.Header.Get("Authorization"); len(auth) > 7 && strings.EqualFold(auth[:7], "bearer ") {
		for _, h := range amzHeaders[1:] {
			out.Header.Del(h)
		}
		return nil
	}
	for _, h := range amzHeaders {
		out.Header.Del(h)
	}
	cfg, err := a.config(ctx)
	if err != nil {
		return err
	}
	if cfg.Credentials == nil {
		return fmt.Errorf("%w: %s", errNoCredentials, awsSources)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil || !creds.HasKeys() {
		// The SDK's message lists every provider it tried; it names
		// sources, never a key.
		return fmt.Errorf("%w: %s", errNoCredentials, awsSources)
	}
	region := a.regionOverride
	if region == "" {
		region = cfg.Region
	}
	if region == "" {
		return fmt.Errorf("%w: no AWS region: set AWS_REGION (or region in the AWS profile, or --aws-region) for the proxy", errNoCredentials)
	}
	// The body is hashed as it is written (reqBody), then written again
	// to the upstream: a pass over it instead of a copy of it.
	h := sha256.New()
	if body != nil {
		if _, err := io.Copy(h, body.Reader()); err != nil {
			return fmt.Errorf("hash the Bedrock request: %w", err)
		}
	}
	if err := a.signer.SignHTTP(ctx, creds, out, hex.EncodeToString(h.Sum(nil)), "bedrock", region, time.Now().UTC()); err != nil {
		return fmt.Errorf("sign the Bedrock request: %w", err)
	}
	return nil
}
