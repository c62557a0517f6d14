package cli

import "errors"

// initCmd is being built; see the init issue.
type initCmd struct{}

func (initCmd) Run() error { return runtimeError(errors.New("init: not built yet")) }
