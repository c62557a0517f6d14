package gate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
)

// SARIF 2.1.0, written with encoding/json: the gate reports a handful of
// results about configuration, not code, and the design keeps go-sarif in
// package report.

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration sarifLevel     `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifLevel struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	Physical *sarifPhysical `json:"physicalLocation,omitempty"`
	Logical  []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name string `json:"name"`
	Kind string `json:"kind,omitempty"`
}

// gateRules describes every rule, sorted by id.
var gateRules = []struct{ id, name, short, help string }{
	{RuleBypassSwitch, "BypassSwitch", "A switch sends LLM traffic around the proxy",
		"Bedrock/Vertex switches, ANTHROPIC_UNIX_SOCKET, Codex ChatGPT login and similar switches make a tool ignore its base URL. Unset them."},
	{RuleCanary, "CanaryNotAnswered", "A routed base URL did not answer the canary as the Pretense proxy",
		"The setting points at the proxy address, but a request through it was not answered by a Pretense proxy. Start the proxy on that address."},
	{RuleKeyWithoutRoute, "KeyWithoutRouting", "An API key is set for a provider whose endpoint is not routed",
		"With a key and no base URL the tool talks to the vendor directly. Set the base URL to the proxy or remove the key."},
	{RuleProxyHealth, "ProxyHealth", "The Pretense proxy is not running or runs the wrong policy",
		"GET /health must answer as the Pretense proxy with at least the required phi mode and mutation policy."},
	{RuleProxyVarTunnel, "ProxyVarTunnel", "A forward-proxy variable points at the Pretense proxy",
		"HTTPS_PROXY at the proxy port makes clients open TLS tunnels the proxy cannot inspect; set the base URL instead."},
	{RuleProxyVarLoopback, "ProxyVarNoLoopback", "A forward-proxy variable is set and NO_PROXY does not cover loopback",
		"Not every client special-cases loopback; add localhost,127.0.0.1,::1 to NO_PROXY and no_proxy."},
	{RuleUnreadableConfig, "UnreadableConfig", "A tool config file could not be read or parsed",
		"The gate cannot tell where a tool sends traffic when its config does not parse. Fix the file."},
	{RuleUnroutedEndpoint, "UnroutedEndpoint", "An LLM endpoint does not go through the Pretense proxy",
		"Point the base URL at the proxy (http://127.0.0.1:9339 for Anthropic-style, /v1 for OpenAI-style clients)."},
	{RuleUnverifiable, "UnverifiableEndpoint", "An LLM endpoint cannot be verified locally",
		"The endpoint is resolved remotely or from a template. Define it inline, pointing at the proxy."},
}

// WriteSARIF writes the violations as SARIF 2.1.0 for code scanning.
// Files inside the working directory get repository-relative locations;
// see sarifLocation for the rest.
func (r *Report) WriteSARIF(w io.Writer, version string) error {
	index := map[string]int{}
	driver := sarifDriver{Name: "pretense-gate", Version: version, InformationURI: "https://github.com/pretense/pretense"}
	for i, rule := range gateRules {
		index[rule.id] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID: rule.id, Name: rule.name,
			ShortDescription:     sarifText{rule.short},
			FullDescription:      sarifText{rule.short + "."},
			Help:                 sarifText{rule.help},
			DefaultConfiguration: sarifLevel{"error"},
			Properties:           map[string]any{"tags": []string{"security", "llm-routing"}, "security-severity": "8.0"},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	for _, c := range r.Checks {
		if c.Verdict != Violation {
			continue
		}
		msg := c.Tool + ": " + c.Reason
		if c.Fix != "" {
			msg += " Fix: " + c.Fix
		}
		// Display paths, not absolute ones, so the fingerprint is the same on
		// every machine and in every checkout.
		fp := sha256.Sum256([]byte(strings.Join([]string{c.Tool, c.Rule, c.Setting, r.display(c.Source), c.Endpoint}, "\x00")))
		res := sarifResult{
			RuleID: c.Rule, RuleIndex: index[c.Rule], Level: "error", Message: sarifText{msg},
			PartialFingerprints: map[string]string{"primaryLocationLineHash": hex.EncodeToString(fp[:16])},
			Properties:          map[string]any{"tool": c.Tool, "setting": c.Setting, "endpoint": c.Endpoint},
		}
		res.Locations = []sarifLocation{r.sarifLocation(c)}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Version: "2.1.0",
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Runs:    []sarifRun{run},
	})
}

// sarifLocation anchors a result. GitHub code scanning rejects a whole
// SARIF file when any result lacks a physical location, so a violation that
// comes from the environment or from a file outside the repository is
// anchored to the workflow that set up the job (GITHUB_WORKFLOW_REF) or to
// .pretense.yaml, with the real source as a logical location.
func (r *Report) sarifLocation(c Check) sarifLocation {
	src := c.Source
	if i := strings.Index(src, " ("); i > 0 {
		src = src[:i] // "path (model_provider)" → path
	}
	if filepath.IsAbs(src) && r.workDir != "" {
		if rel, err := filepath.Rel(r.workDir, src); err == nil && !strings.HasPrefix(rel, "..") {
			return sarifLocation{Physical: &sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(rel), URIBaseID: "%SRCROOT%"},
				Region:           &sarifRegion{StartLine: 1},
			}}
		}
	}
	name, kind := c.Setting, "variable"
	if filepath.IsAbs(src) {
		name, kind = r.display(src), "file"
		if c.Setting != "" {
			name += ": " + c.Setting
		}
	}
	if name == "" {
		name, kind = c.Tool, "module"
	}
	anchor := r.anchor
	if anchor == "" {
		anchor = ".pretense.yaml"
	}
	return sarifLocation{
		Physical: &sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: anchor, URIBaseID: "%SRCROOT%"},
			Region:           &sarifRegion{StartLine: 1},
		},
		Logical: []sarifLogical{{Name: name, Kind: kind}},
	}
}

// workflowPath extracts the workflow file from GITHUB_WORKFLOW_REF
// ("owner/repo/.github/workflows/ci.yml@refs/heads/main").
func workflowPath(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	parts := strings.SplitN(ref, "/", 3)
	if len(parts) != 3 || !strings.HasPrefix(parts[2], ".github/") {
		return ""
	}
	return parts[2]
}
