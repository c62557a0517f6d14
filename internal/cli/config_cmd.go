package cli

import "errors"

// configCmd is being built; see the config issue.
type configCmd struct{}

func (configCmd) Run() error { return runtimeError(errors.New("config: not built yet")) }
