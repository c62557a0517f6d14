package cli

import "errors"

// proxyCmd is being built; see the proxy issue.
type proxyCmd struct{}

func (proxyCmd) Run() error { return runtimeError(errors.New("proxy: not built yet")) }
