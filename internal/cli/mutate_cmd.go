package cli

import "errors"

// mutateCmd is being built; see the mutate issue.
type mutateCmd struct{}

func (mutateCmd) Run() error { return runtimeError(errors.New("mutate: not built yet")) }
