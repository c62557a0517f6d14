package rules

import "testing"

// TestAssignmentLayouts: a credential's name and its value on different
// lines or in different fields of one record — a YAML or JSON value on
// the next line (also after a block indicator), a name/value pair, a
// constructor's id and secret arguments — and the layouts of the same
// shapes that hold no credential.
func TestAssignmentLayouts(t *testing.T) {
	const v = "{alnum:14}7Kq{alnum:15}"
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"yaml value on the next line, deeply indented", "service:\n  credentials:\n    api_key:\n      «" + v + "»\n", []string{"generic-secret-assignment"}},
		{"yaml folded block scalar", "auth:\n  client_secret: >-\n    «" + v + "»\n", []string{"generic-secret-assignment"}},
		{"yaml literal block scalar", "auth:\n  client_secret: |\n    «" + v + "»\n", []string{"generic-secret-assignment"}},
		{"json value on the next line", "{\n  \"password\":\n      \"«{alnum:10}!7{alnum:8}»\"\n}\n", []string{"generic-secret-assignment"}},
		{"js object value on the next line", "const cfg = {\n  apiKey:\n    '«" + v + "»',\n};\n", []string{"generic-secret-assignment"}},
		{"a name on the line above that is not a credential's", "token_url:\n      \"https://{lower:8}.internal.test/oauth/{alnum:12}\"\n", nil},
		{"yaml key with a sibling key below", "password:\n  host_name_for_service: {lower:6}\n", nil},
		{"a block scalar under a url name", "secret_url: >-\n    https://{lower:8}.internal.test/{alnum:14}7Q\n", nil},
		{"provider name, folded block scalar", "heroku_api_key: >-\n    «{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:12}»\n", []string{"heroku-api-key"}},
		{"dotted properties name", "app.secret.key=«{alnum:20}9Q{alnum:18}»\n", []string{"generic-secret-assignment"}},
		{"a method of a secret-named variable", "if password.equals(\"{alnum:10}!7{alnum:8}\") {\n", nil},
		{"kubernetes env pair", "env:\n  - name: API_TOKEN\n    value: \"«" + v + "»\"\n", []string{"generic-secret-name-value"}},
		{"kubernetes env pair, unquoted password", "env:\n  - name: DB_PASSWORD\n    value: «{alnum:10}!7{alnum:8}»\n", []string{"generic-secret-name-value"}},
		{"ecs json pair on two lines", "[\n  {\n    \"name\": \"SESSION_SECRET\",\n    \"value\": \"«" + v + "»\"\n  }\n]\n", []string{"generic-secret-name-value"}},
		{"ecs json record, value first", "[{\"value\": \"«" + v + "»\", \"name\": \"SESSION_SECRET\"}]\n", []string{"generic-secret-value-name"}},
		{"terraform environment record, value first, a comment between", "environment = [\n  {\n    value = \"«{b64:44}9Q{b64:44}»\"\n    # comment\n    name  = \"TEST_PASSWORD_4\"\n  },\n]\n", []string{"generic-secret-value-name"}},
		{"value first, a non-secret setting", "[{\"value\": \"https://{lower:8}.internal.test/{alnum:12}7Q\", \"name\": \"SECRET_STORE_URL\"}, {\"value\": \"{digits:6}\", \"name\": \"TOKEN_TTL\"}]\n", nil},
		{"helm set block", "set {\n  name  = \"auth.token\"\n  value = \"«{b64url:20}9Q{b64url:18}»\"\n}\n", []string{"generic-secret-name-value"}},
		{"env pair whose value comes from a secret ref", "env:\n  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef:\n        name: api-token-{lower:6}\n        key: token\n", nil},
		{"env pair of a non-secret setting", "env:\n  - name: TOKEN_TTL_SECONDS\n    value: \"{digits:5}\"\n  - name: SECRET_STORE_URL\n    value: \"https://{lower:8}.internal.test/{alnum:12}7Q\"\n", nil},
		{"aws secret after its key id in a constructor", "c := credentials.NewStaticCredentials(\"«AKIA{upper:4}2{upper:11}»\", \"«{b64:40}»\", \"\")\n", []string{"aws-access-key-id", "aws-secret-access-key"}},
		{"aws key id and a hex digest", "pair(\"«AKIA{upper:4}2{upper:11}»\", \"{hex:40}\")\n", []string{"aws-access-key-id"}},
		{"two aws key ids", "ids := []string{\"«AKIA{upper:4}2{upper:11}»\", \"«AKIA{upper:5}3{upper:10}»\"}\n", []string{"aws-access-key-id", "aws-access-key-id"}},
		{"twilio auth token after the account sid", "client = twilio.rest.Client(\"AC{hex:32}\", \"«{hex:32}»\")\n", []string{"twilio-auth-token"}},
		{"twilio api key sid after the account sid", "client = twilio.rest.Client(\"AC{hex:32}\", \"«SK{hex:32}»\")\n", []string{"twilio-api-key"}},
		{"setter call", "client.setApiKey(\"«" + v + "»\");\n", []string{"generic-secret-assignment"}},
		{"builder method", "Config.builder().password(\"«{alnum:10}!7{alnum:8}»\").build()\n", []string{"generic-secret-assignment"}},
		{"a call that checks a token", "claims, err := verifyToken(\"" + v + "\")\n", nil},
		{"a call that hashes a password", "h := bcrypt.hashPassword(\"{alnum:10}!7{alnum:8}\")\n", nil},
		// Layouts of third-party configuration (bench/cfg_corpus.py).
		{"helm --set after a provider-named release", "helm install --name artifactory --set postgresql.postgresPassword=«{alnum:10}!7{alnum:8}» stable/artifactory\n", []string{"generic-secret-assignment"}},
		{"helm --set below other arguments naming a provider", "helm install stable/artifactory \\\n  --set artifactory.replicas=2 \\\n  --set postgresql.postgresPassword=«{alnum:10}!7{alnum:8}»\n", []string{"generic-secret-assignment"}},
		{"helm --set= after a provider-named chart", "helm upgrade rel stable/artifactory --set=database.password=«{alnum:10}!7{alnum:8}»\n", []string{"generic-secret-assignment"}},
		{"a provider named before a plain assignment owns it", "artifactory password={alnum:10}!7{alnum:8}\n", nil},
		{"kubernetes secret entry with a trailing comment", "apiVersion: v1\nkind: Secret\nstringData:\n  key: «QVFC{b64:36}PQ==»  # the base64 key ceph auth get-key prints\n", []string{"kubernetes-secret-data"}},
		{"kubernetes secret entries that hold an address or a name", "apiVersion: v1\nkind: Secret\ndata:\n  apiAddress: dGNwOi8vMTI3LjAuMC4xOjU3MDU=\n  azurestorageaccountname: {b64:16}\n  db-username: {b64:16}\n  ca.crt: {b64:40}\n", nil},
		{"kubernetes secret data of a placeholder, under a password key", "apiVersion: v1\nkind: Secret\ndata:\n  password: UGFzc3dvcmQkMTIzNDU2\n", nil}, // pretense:allow (base64 of a placeholder, out of its Secret here)
		{"a SecretStore's status, then a ConfigMap after a Secret", "kind: SecretStore\nstatus:\n  conditions:\n  - type: Ready\n    reason: ValidationFailed\n---\nkind: Secret\ndata:\n  token: «{b64:32}»\n---\nkind: ConfigMap\ndata:\n  mode: {b64:32}\n", []string{"kubernetes-secret-data"}},
		{"a random base64 password outside a Secret", "kind: ConfigMap\ndata:\n  password: «{alnum:20}Q7==»\n", []string{"generic-secret-assignment"}},
		{"a tokenizer flag", "genai-perf profile -m x --tokenizer=\"google/gemma-3-1b-pt\" --streaming\n", nil},
		{"a documented sql server placeholder password", "\"Default\": \"Server=localhost,1433;User Id=sa;Password=your_Db_Pwd!2024;Encrypt=false\"\n", nil},
	}
	rs := secretSet(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { scanMarked(t, rs, tc.file, tc.want, 37) })
	}
}

// FuzzAssignedName: the readers of a value's name (assignedName with its
// next-line step, a call's callee, a name/value pair's name) stay inside
// the data for any input and value offset, and a name never runs past the
// value.
//
//	go test ./rules -run '^$' -fuzz '^FuzzAssignedName$' -fuzztime 2m -parallel 1
func FuzzAssignedName(f *testing.F) {
	f.Add([]byte("service:\n  api_key: >-\n    abc"), 28)
	f.Add([]byte("client.setApiKey(\"abc\")"), 18)
	f.Add([]byte("- name: API_TOKEN\n  value: abc"), 27)
	f.Add([]byte("<x>\r\n  v"), 7)
	f.Add([]byte(":|\n"), 3)
	f.Fuzz(func(t *testing.T, data []byte, start int) {
		if start < 0 || start > len(data) {
			return
		}
		name := assignedName(data, start)
		if len(name) > start {
			t.Fatalf("name %q longer than the text before the value", name)
		}
		if j := valueLineBreak(data, start, 0); j < 0 || j > start {
			t.Fatalf("valueLineBreak = %d outside [0,%d]", j, start)
		}
		if p := callArgument(data, start); p >= start || p < -1 || p >= 0 && data[p] != '(' {
			t.Fatalf("callArgument = %d", p)
		}
		_ = pairName(data[:start])
		c := &CheckContext{Data: data, Start: start, End: start, MatchStart: 0}
		_ = checkPairKeyName(c)
		_ = checkGenericKeyName(c)
	})
}
