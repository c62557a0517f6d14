package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/pretense/pretense/config"
)

// configCmd reads and changes configuration.
type ConfigCmd struct {
	Set  configSetCmd  `cmd:"" help:"Set KEY=VALUE in the project .pretense.yaml (or the user file with --global), keeping comments and order."`
	Get  configGetCmd  `cmd:"" help:"Print the effective value of KEY."`
	List configListCmd `cmd:"" help:"List every key with its effective value and where it came from."`
}

type configSetCmd struct {
	Assignments []string `arg:"" name:"KEY=VALUE" help:"One or more assignments, e.g. phi-mode=strict. Lists are comma-separated; KEY= clears a list."`
	Global      bool     `help:"Write the user file $PRETENSE_HOME/config.yaml instead of the project file."`
}

func (c *configSetCmd) Help() string {
	return "Keys:\n" + keyTable() + "\nExample: pretense config set phi-mode=strict"
}

func (c *configSetCmd) Run(ctx context.Context, st *IO, g *Globals, raw rawArgs) error {
	path, err := c.target(g)
	if err != nil {
		return err
	}
	// kong has already turned an invalid UTF-8 byte into U+FFFD, which
	// would be stored as a value nobody gave. config.Set refuses the
	// argument as given, before it touches the file (exit 2).
	for _, a := range raw {
		if !utf8.ValidString(a) {
			key, value, _ := strings.Cut(a, "=")
			if err := config.Set(path, strings.TrimSpace(key), value); err != nil {
				return configError(err)
			}
			return UsageErrorf("argument %q is not valid UTF-8", a) // not reached: Set refuses it
		}
	}
	for _, a := range c.Assignments {
		key, value, ok := strings.Cut(a, "=")
		if !ok {
			return WithHint(UsageErrorf("%q is not KEY=VALUE", a), "e.g. pretense config set phi-mode=strict")
		}
		key = strings.TrimSpace(key)
		if err := config.Set(path, key, value); err != nil {
			return configError(err)
		}
		if !g.Quiet {
			fmt.Fprintf(st.Out, "set %s = %s in %s\n", key, strings.TrimSpace(value), path)
		}
	}
	return nil
}

// target is the file config set writes: --global's user file, --config,
// the nearest project file, or a new one at the repository root.
func (c *configSetCmd) target(g *Globals) (string, error) {
	if c.Global {
		home, err := config.Home(os.Getenv)
		if err != nil {
			return "", RuntimeError(err)
		}
		return filepath.Join(home, config.UserFileName), nil
	}
	if g.Config != "" {
		return g.Config, nil
	}
	if p := config.FindProject("."); p != "" {
		return p, nil
	}
	return filepath.Join(config.ProjectRoot("."), config.ProjectFileName), nil
}

type configGetCmd struct {
	Key string `arg:"" help:"Key name, e.g. phi-mode or proxy.listen."`
}

func (c *configGetCmd) Run(ctx context.Context, st *IO, g *Globals) error {
	s, _, err := LoadSettings(g, ".")
	if err != nil {
		return err
	}
	v, err := s.Get(c.Key)
	if err != nil {
		return configError(err)
	}
	fmt.Fprintln(st.Out, v.String())
	return nil
}

type configListCmd struct {
	Format string `short:"f" help:"Output format: text or json." enum:"text,json" default:"text"`
}

func (c *configListCmd) Run(ctx context.Context, st *IO, g *Globals) error {
	s, _, err := LoadSettings(g, ".")
	if err != nil {
		return err
	}
	if c.Format == "json" {
		type row struct {
			Key    string `json:"key"`
			Value  any    `json:"value"`
			Source string `json:"source"`
			Origin string `json:"origin"`
		}
		var rows []row
		for _, v := range s.Values() {
			var val any = v.Str
			if v.IsList {
				val = append([]string{}, v.List...)
			}
			rows = append(rows, row{v.Key, val, string(v.Source), v.Origin})
		}
		enc := json.NewEncoder(st.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(st.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE")
	for _, v := range s.Values() {
		val := v.String()
		if val == "" {
			val = "-"
		}
		src := string(v.Source)
		if v.Origin != "" && v.Source != config.SourceDefault {
			src += " (" + v.Origin + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", v.Key, val, src)
	}
	return tw.Flush()
}

// keyTable is the keys, their choices and env variables, for help text.
func keyTable() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, k := range config.Keys() {
		env := k.Env
		if env == "" {
			env = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", k.Name, k.ValidChoices(), env)
	}
	tw.Flush()
	return b.String()
}

// loadSettings resolves the effective configuration for a command working
// in dir: flag > environment (PRETENSE_*) > project file (--config,
// PRETENSE_CONFIG, or the nearest .pretense.yaml up to the repository root)
// > user file ($PRETENSE_HOME/config.yaml) > built-in default. flags are the
// values the command's own flags set; pass only flags the user gave, e.g.
// config.Flag{Key: "phi-mode", Value: "strict", Name: "--phi-mode"}. It also
// returns PRETENSE_HOME. Configuration mistakes come back as exit-2 errors
// naming the file, line, key and valid choices.
func LoadSettings(g *Globals, dir string, flags ...config.Flag) (*config.Settings, string, error) {
	home, err := config.Home(os.Getenv)
	if err != nil {
		return nil, "", RuntimeError(err)
	}
	in, err := config.Standard(dir, g.Config, os.LookupEnv, flags)
	if err != nil {
		return nil, "", RuntimeError(err)
	}
	s, err := config.Resolve(in)
	if err != nil {
		return nil, "", configError(err)
	}
	return s, home, nil
}

// configError maps config mistakes to exit 2 with a hint; anything else
// (an unreadable file) is a runtime error.
func configError(err error) error {
	var ce *config.Error
	if !errors.As(err, &ce) {
		return RuntimeError(err)
	}
	hint := "run 'pretense config list' to see every key, its value and where it came from"
	if errors.Is(err, config.ErrMalformed) && ce.File != "" {
		hint = "fix the YAML in " + ce.File + ", or recreate it with 'pretense init --force'"
	}
	return WithHint(UsageError(err), hint)
}
