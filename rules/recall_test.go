package rules

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestProximityForms: provider keys read near the provider's name in the
// layouts the keyword-proximity rules accept, and the look-alikes they
// must leave alone. Values marked «» are the ones to report.
func TestProximityForms(t *testing.T) {
	uuid := "{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:12}"
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"hubspot block, api_key on the next line", "'hubspot' => [\n    'api_key' => '«" + uuid + "»',\n];\n", []string{"hubspot-api-key"}},
		{"hubspot block, a form guid on the next line", "hubspot:\n  form_guid: '" + uuid + "'\n", nil},
		{"jira token after the name", "jira «{lower:5}7{upper:6}{alnum:12}»\n", []string{"atlassian-api-token-legacy"}},
		{"jira account id is hex", "jira account {hex:24}\n", nil},
		{"alibaba secret on the line before its id", "Key=«{lower:4}7{upper:5}{alnum:20}»\nID=LTAI{alnum:12}\n", []string{"alibaba-secret-key-before-id"}},
		{"cosmos key in a credentials entry under the account host", "<id>{acct.table.cosmos.azure.com}</id>\n  <secret>{«{b64:86}==»}</secret>\n", []string{"azure-cosmosdb-key"}},
		{"meraki inside another word", "ReactNativeCameraKit: {hex:40}\n", nil},
		{"heroku token in an XML element, value on the next line", "<herokuToken>\n    «" + uuid + "»\n</herokuToken>\n", []string{"heroku-api-key"}},
		{"heroku app id in an XML element is not a credential", "<herokuAppId>\n    " + uuid + "\n</herokuAppId>\n", nil},
		{"azure redis key of the documented shape", "REDIS=c1.redis.cache.windows.net:6380,password=«{b64:43}=»,ssl=True\n", []string{"azure-cache-redis-key"}},
		{"azure redis password of another shape", "REDIS=c1.redis.cache.windows.net:6381,password={b64:42}Q7,ssl=False\n", nil},
		// Rows of 2026-12-07, in the layouts the providers document.
		{"app configuration connection string", "Endpoint=https://store1.azconfig.io;Id=Ab1c-l0-s0:Xy7zQk2mN9pR4tV6wB8d;Secret=«{b64:43}=»\n", []string{"azure-app-configuration-secret"}},
		{"app configuration annotated 84-character secret", "\"AppConfig\": \"Endpoint=https://store1.azconfig.io;Id=Ab1c;Secret=«{alnum:84}»\"\n", []string{"azure-app-configuration-secret"}},
		{"sumo logic key under a token name", "SUMO_TOKEN: «{alnum:64}»\n", []string{"sumologic-access-key"}},
		{"sumo logic access id", "SUMO_ACCESS_ID: su{alnum:12}\n", nil},
		{"notion integration secret in an env file", "NOTION_KEY=«secret_{alnum:43}»\n", []string{"notion-integration-secret"}},
		{"notion in prose, no secret_ token", "the notion of a {alnum:43} value\n", nil},
		{"nvidia key in a client call", "client = OpenAI(base_url=\"https://integrate.api.nvidia.com/v1\", api_key=\"«nvapi-{b64url:64}»\")\n", []string{"nvidia-api-key"}},
		{"wise token in a client constructor", "client = transferwise.Client(«" + uuid + "», sandbox=False)\n", []string{"transferwise-api-token"}},
		{"sparkpost key in a log line", "[sparkpost] sending with key «{hex:40}»\n", []string{"sparkpost-api-key"}},
		{"ubidots token", "ubidots.ApiClient(token=\"«BBFF-{alnum:30}»\")\n", []string{"ubidots-token"}},
	}
	rs := secretSet(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { scanMarked(t, rs, tc.file, tc.want, 31) })
	}
}

// FuzzDockerAuth: any registry auth decodes without panicking, and a
// _json_key login is kept only with a key-file-shaped password.
func FuzzDockerAuth(f *testing.F) {
	f.Add("_json_key", `{"type": "service_account", "private_key": "`+strings.Repeat("QUJD", 30)+`"}`)
	f.Add("_json_key_base64", base64.StdEncoding.EncodeToString([]byte(`{"type":"x","private_key":"`+strings.Repeat("k", 90)+`"}`)))
	f.Add("ci", "Vq7xT2mK9pLw4")
	f.Add("_json_key", strings.Repeat("a", 120))
	f.Fuzz(func(t *testing.T, user, pass string) {
		c := &CheckContext{Value: base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))}
		kept := checkDockerAuth(c)
		if kept && (user == "_json_key" || user == "_json_key_base64") && !serviceAccountKeyJSON(user, pass) {
			t.Fatalf("_json_key login kept without a key file: %q", pass)
		}
		_ = checkDockerAuth(&CheckContext{Value: user + pass})
	})
}
