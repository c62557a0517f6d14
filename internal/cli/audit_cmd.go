package cli

import "errors"

// auditCmd is being built; see the audit issue.
type auditCmd struct{}

func (auditCmd) Run() error { return runtimeError(errors.New("audit: not built yet")) }
