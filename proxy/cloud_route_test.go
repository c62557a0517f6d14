package proxy

import (
	"net/http/httptest"
	"testing"
)

// TestCloudRouting checks which route, API, model and upstream host each
// cloud path gets with the default endpoints (no overrides).
func TestCloudRouting(t *testing.T) {
	awsTestCreds(t)
	t.Setenv("AWS_REGION", "eu-west-1")
	s, err := New(Options{Key: testKey, AzureOpenAIUpstream: "https://example-resource.openai.azure.com"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		api          api
		model, host  string
		ok           bool
	}{
		{"POST", "/model/anthropic.claude-x-v1%3A0/invoke", apiBedrock, "anthropic.claude-x-v1:0", "bedrock-runtime.eu-west-1.amazonaws.com", true},
		{"POST", "/model/anthropic.claude-x-v1:0/invoke-with-response-stream", apiBedrock, "anthropic.claude-x-v1:0", "bedrock-runtime.eu-west-1.amazonaws.com", true},
		{"POST", "/model/arn:aws:bedrock:eu-west-1:1:inference-profile%2Feu.anthropic.x/converse", apiConverse, "arn:aws:bedrock:eu-west-1:1:inference-profile/eu.anthropic.x", "bedrock-runtime.eu-west-1.amazonaws.com", true},
		{"POST", "/model/m/converse-stream", apiConverse, "m", "bedrock-runtime.eu-west-1.amazonaws.com", true},
		{"GET", "/inference-profiles?type=SYSTEM_DEFINED", apiBedrock, "", "bedrock.eu-west-1.amazonaws.com", true},
		{"POST", "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-x@1:streamRawPredict", apiVertexAnthropic, "claude-x@1", "us-east5-aiplatform.googleapis.com", true},
		{"POST", "/v1/projects/p/locations/global/publishers/anthropic/models/count-tokens:rawPredict", apiVertexAnthropic, "count-tokens", "aiplatform.googleapis.com", true},
		{"POST", "/v1beta1/projects/p/locations/us-central1/publishers/google/models/gemini-x:streamGenerateContent", apiGemini, "gemini-x", "us-central1-aiplatform.googleapis.com", true},
		{"POST", "/openai/deployments/gpt/chat/completions?api-version=2024-10-21", apiChat, "gpt", "example-resource.openai.azure.com", true},
		{"POST", "/openai/v1/responses", apiResponses, "", "example-resource.openai.azure.com", true},
		{"POST", "/v1beta/models/gemini-x:countTokens", apiGemini, "gemini-x", "generativelanguage.googleapis.com", true},
		{"POST", "/v1/models/gemini-x:generateContent", apiGemini, "gemini-x", "generativelanguage.googleapis.com", true},
		{"GET", "/v1/models/gpt-4o", apiChat, "", "api.openai.com", true},
		{"GET", "/v1/models/ft:gpt-4o-mini:org::abc", apiChat, "", "api.openai.com", true},
		{"POST", "/model/m", apiBedrock, "", "unrouted.invalid", false},
		{"POST", "/v1/projects/p/locations/a.b/publishers/google/models/m:generateContent", apiGemini, "m", "unrouted.invalid", false},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(tc.method, tc.path, nil)
		rt, ok := s.routeFor(r)
		if ok != tc.ok || rt.api != tc.api || rt.model != tc.model || rt.upstream == nil || rt.upstream.Host != tc.host {
			host := ""
			if rt.upstream != nil {
				host = rt.upstream.Host
			}
			t.Errorf("%s %s: ok=%v api=%d model=%q host=%q reason=%q", tc.method, tc.path, ok, rt.api, rt.model, host, rt.reason)
		}
	}
}
