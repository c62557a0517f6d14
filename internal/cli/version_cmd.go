package cli

import (
	"fmt"

	"github.com/pretense/pretense/internal/version"
)

type VersionCmd struct{}

func (VersionCmd) Run(io *IO) error {
	_, err := fmt.Fprintf(io.Out, "pretense %s\n", version.Long())
	return err
}
