package full

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/pretense/pretense/config"
	"github.com/pretense/pretense/internal/cli"
	"github.com/pretense/pretense/internal/tokens"
)

// proxyGroup is `pretense proxy`: running the proxy is the default
// subcommand (so `pretense proxy --listen …` keeps working), and `token`
// manages client tokens.
type proxyGroup struct {
	Run   proxyCmd      `cmd:"" name:"run" default:"withargs" help:"Run the proxy (the default)."`
	Token proxyTokenCmd `cmd:"" help:"Create, list and revoke client tokens for a shared proxy."`
}

// Help shows the proxy's own help, so `pretense proxy --help` still tells
// users how to point their tools at it.
func (g *proxyGroup) Help() string { return g.Run.Help() }

type proxyTokenCmd struct {
	Create tokenCreateCmd `cmd:"" help:"Create a token for a user and print it (once, as the last line)."`
	List   tokenListCmd   `cmd:"" help:"List tokens: id, user, creation time (never the token)."`
	Revoke tokenRevokeCmd `cmd:"" help:"Revoke every token of a user (a running proxy stops accepting them at once, at the latest on SIGHUP)."`
}

// tokenFileFlag names the token file; every subcommand shares it.
type tokenFileFlag struct {
	TokenFile string `name:"token-file" help:"Token file (default $PRETENSE_HOME/proxy-tokens.json)." type:"path" env:"PRETENSE_TOKEN_FILE" placeholder:"FILE"`
}

func (f tokenFileFlag) path() (string, error) {
	if f.TokenFile != "" {
		return f.TokenFile, nil
	}
	home, err := config.Home(os.Getenv)
	if err != nil {
		return "", cli.RuntimeError(err)
	}
	return filepath.Join(home, tokens.FileName), nil
}

type tokenCreateCmd struct {
	tokenFileFlag
	User string `required:"" help:"Who the token is for, e.g. alice@example.org (no spaces)." placeholder:"USER"`
}

func (c *tokenCreateCmd) Run(ctx context.Context, io *cli.IO) error {
	if err := tokens.ValidUser(c.User); err != nil {
		return cli.UsageError(fmt.Errorf("--user: %w", err))
	}
	path, err := c.path()
	if err != nil {
		return err
	}
	tok, t, err := tokens.Create(path, c.User)
	if err != nil {
		return cli.RuntimeError(err)
	}
	fmt.Fprintf(io.Err, "created %s for %s in %s\n", t.ID, t.User, path)
	fmt.Fprintln(io.Err, "The token is shown once; the proxy keeps only its hash. Clients send it as")
	fmt.Fprintln(io.Err, "  X-Pretense-Token: <token>   (Claude Code: ANTHROPIC_CUSTOM_HEADERS=\"X-Pretense-Token: <token>\")")
	// The token itself goes to stdout, last, so `| tail -n1` captures it.
	fmt.Fprintln(io.Out, tok)
	return nil
}

type tokenListCmd struct {
	tokenFileFlag
}

func (c *tokenListCmd) Run(ctx context.Context, io *cli.IO) error {
	path, err := c.path()
	if err != nil {
		return err
	}
	s, err := tokens.Load(path)
	if err != nil {
		return cli.RuntimeError(err)
	}
	if s.Len() == 0 {
		fmt.Fprintf(io.Err, "no tokens in %s\n", path)
		return nil
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSER\tCREATED")
	for _, t := range s.Tokens() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.ID, t.User, t.Created.Format("2006-01-02T15:04:05Z"))
	}
	return tw.Flush()
}

type tokenRevokeCmd struct {
	tokenFileFlag
	User string `required:"" help:"Whose tokens to revoke." placeholder:"USER"`
}

func (c *tokenRevokeCmd) Run(ctx context.Context, io *cli.IO) error {
	path, err := c.path()
	if err != nil {
		return err
	}
	n, err := tokens.Revoke(path, c.User)
	if err != nil {
		return cli.RuntimeError(err)
	}
	if n == 0 {
		return cli.UsageError(fmt.Errorf("no tokens for user %q in %s", c.User, path))
	}
	fmt.Fprintf(io.Err, "revoked %d token(s) of %s; a running proxy refuses them from its next request\n", n, c.User)
	return nil
}
