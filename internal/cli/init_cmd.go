package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/pretense/pretense/config"
)

// initCmd writes the starter project files.
type InitCmd struct {
	Dir   string `arg:"" optional:"" help:"Project root (default: the git repository root, or the current directory)." type:"path"`
	Force bool   `help:"Overwrite existing .pretense.yaml and .pretenseignore."`
}

func (c *InitCmd) Help() string {
	return `Writes a commented .pretense.yaml (every key at its default, commented out,
so 'pretense config set' can switch one on in place) and a .pretenseignore
(gitignore syntax). Existing files are kept unless --force is given.`
}

func (c *InitCmd) Run(ctx context.Context, st *IO, g *Globals) error {
	dir := c.Dir
	if dir == "" {
		dir = config.ProjectRoot(".")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return UsageErrorf("init: %s is not a directory", dir)
	}
	res, err := config.Init(dir, c.Force)
	for _, p := range res.Written {
		fmt.Fprintf(st.Out, "wrote %s\n", p)
	}
	for _, p := range res.Kept {
		fmt.Fprintf(st.Err, "pretense: kept %s (it exists; --force overwrites it)\n", p)
	}
	switch {
	case errors.Is(err, fs.ErrExist):
		return WithHint(UsageErrorf("init: .pretense.yaml and .pretenseignore already exist in %s", dir), "run 'pretense init --force' to overwrite them")
	case err != nil:
		return RuntimeError(err)
	}
	return nil
}
