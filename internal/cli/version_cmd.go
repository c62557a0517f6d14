package cli

import (
	"fmt"

	"github.com/pretense/pretense/internal/version"
)

type versionCmd struct{}

func (versionCmd) Run(io *IO) error {
	_, err := fmt.Fprintf(io.Out, "pretense %s\n", version.Long())
	return err
}
