// Package integration holds end-to-end tests of the ways users adopt
// pretense: `pretense hook install` with plain git commits, the hooks of
// .pre-commit-hooks.yaml under the real pre-commit framework, the GitHub
// Action's steps (action.yml, scripts/action.sh) run against a temporary
// repository with a simulated event, and actionlint/shellcheck over the
// action and every workflow.
//
// The tests build pretense from this checkout once and need git; pre-commit
// and shellcheck are run when installed (missing, a test skips with the
// command that installs it, or fails when CI is set: internal/testtool);
// actionlint comes from go.mod's tool directive. They never reach the
// network: Go builds run with GOPROXY=off against the local module cache.
package integration
