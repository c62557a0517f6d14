// Package testgen holds what the test-data generators below it share with
// the tests that check the same data: the file shapes secrets are planted
// in. It imports nothing from pretense, so any package's tests (package
// rules' own included) can use it without an import cycle.
//
// The generators: phigen (synthetic PHI and labelled PHI corpora) and
// corpusgen (the planted-secret corpus and its scorer, a command).
package testgen

// Wrapper is a realistic file around one planted line: Before ends with
// a newline, the sample goes on the line after it, and After follows.
type Wrapper struct{ Ext, Before, After string }

// Line is the 1-based line the planted sample lands on.
func (w Wrapper) Line() int {
	n := 1
	for _, c := range w.Before {
		if c == '\n' {
			n++
		}
	}
	return n
}

// SecretWrappers are the files corpusgen plants secret samples in, and
// the ones package rules' tests plant every sample in, so the recall and
// precision the corpus measures are the ones the unit tests check.
var SecretWrappers = []Wrapper{
	{".py", "import os\n\n\ndef connect():\n    # service configuration\n", "\n    return client\n"},
	{".js", "'use strict';\nconst axios = require('axios');\n\n", "\nmodule.exports = { client };\n"},
	{".yaml", "service:\n  name: billing\n  replicas: 3\n", "\n  region: us-east-1\n"},
	{".env", "NODE_ENV=production\nPORT=8080\n", "\nLOG_LEVEL=info\n"},
	{".go", "package config\n\nimport \"os\"\n\n", "\n\nfunc init() { _ = os.Getenv(\"HOME\") }\n"},
	{".java", "package com.example.billing;\n\npublic class Settings {\n", "\n}\n"},
	{".json", "{\n  \"name\": \"billing\",\n", "\n}\n"},
}
