package cli

import "errors"

// hookCmd is being built; see the hook issue.
type hookCmd struct{}

func (hookCmd) Run() error { return runtimeError(errors.New("hook: not built yet")) }
