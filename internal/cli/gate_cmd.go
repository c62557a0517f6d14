package cli

import "errors"

// gateCmd is being built; see the gate issue.
type gateCmd struct{}

func (gateCmd) Run() error { return runtimeError(errors.New("gate: not built yet")) }
