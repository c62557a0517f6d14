package cli

import "errors"

type scanCmd struct{}

func (scanCmd) Run() error { return runtimeError(errors.New("scan: not built yet")) }
