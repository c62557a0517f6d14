// Package integration holds end-to-end tests of the ways users adopt
// pretense: `pretense hook install` with plain git commits, the hooks of
// .pre-commit-hooks.yaml under the real pre-commit framework, the GitHub
// Action's steps (action.yml, scripts/action.sh) run against a temporary
// repository with a simulated event, and actionlint/shellcheck over the
// action and every workflow.
//
// The tests build pretense from this checkout once, need git, pre-commit,
// shellcheck and actionlint on PATH (each missing tool fails its test with
// the command that installs it), and never reach the network: Go builds run
// with GOPROXY=off against the local module cache.
package integration
