package rules

import (
	"encoding/base64"
	"strings"
)

// Named checks of the provider rules (builtin/secrets-providers.yaml).

// checkVaultContext keeps a UUID assigned to secret_id only when Vault or
// AppRole is named nearby: secret_id alone names many things.
func checkVaultContext(c *CheckContext) bool {
	if nearAny(c.Data, c.Start, c.End, 256, "vault", "approle") {
		c.Reasons = append(c.Reasons, "Vault named nearby")
		return true
	}
	return false
}

// checkAtlassianDCPAT requires a Jira/Confluence Data Center personal
// access token to decode (base64) to 33 bytes that start with the token's
// numeric id, as the server issues them.
func checkAtlassianDCPAT(c *CheckContext) bool {
	raw, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil || len(raw) != 33 {
		return false
	}
	for _, b := range raw[:6] {
		if b < '0' || b > '9' {
			return false
		}
	}
	c.Reasons = append(c.Reasons, "decodes to a numeric token id")
	return true
}

// checkDockerAuth requires a registry "auth" value to decode to
// user:password with a password that is not a placeholder.
func checkDockerAuth(c *CheckContext) bool {
	raw, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil {
		return false
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || len(pass) < 4 || !printable(user) || !printable(pass) {
		return false
	}
	if !checkPlaceholderPassword(&CheckContext{Value: pass}) || pass == user {
		return false
	}
	c.Reasons = append(c.Reasons, "decodes to user:password")
	return true
}
