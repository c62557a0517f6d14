package rules

// phiChecks holds the PHI validators (checksums, issued ranges, context).
var phiChecks = map[string]CheckFunc{}
