package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pretense/pretense/config"
	"github.com/pretense/pretense/mutate"
)

// mutateMaxInput bounds what `pretense mutate` reads: mutation needs the
// whole text in memory.
const mutateMaxInput = 256 << 20

type MutateCmd struct {
	File    string `arg:"" optional:"" help:"File to read (default: standard input)." placeholder:"FILE"`
	Lang    string `help:"Language of the input: ts, js, py, go, java, cs, rb, rs, sql, text, md (default: from the file extension, text for stdin)." placeholder:"L"`
	Policy  string `help:"Which identifiers to mutate: phi (PHI-adjacent names) or all (every proprietary name). Default: $PRETENSE_MUTATION_POLICY, then mutation-policy in .pretense.yaml or $PRETENSE_HOME/config.yaml, then phi." placeholder:"phi|all"`
	MapOut  string `name:"map-out" help:"Save the synthetic-to-original map to FILE (mode 0600); it holds the originals." placeholder:"FILE"`
	Reverse bool   `help:"Restore synthetics in FILE (or standard input) using --map."`
	Map     string `help:"Map file written by --map-out; required with --reverse." placeholder:"FILE"`
}

func (c *MutateCmd) Help() string {
	return `Mutation replaces identifiers that name PHI (patientRecord, mrn, dateOfBirth,
...) with keyed synthetics such as _cls..., _fn..., _v..., in code, comments,
strings and prose, and prints the result. The key is $PRETENSE_KEY, or
$PRETENSE_HOME/key (default ~/.pretense/key), created with mode 0600 on first
use. --reverse --map FILE turns synthetics back into the original names; it
exits 1 and writes nothing when the input has synthetics and the map restores
none of them (the wrong map). Text with no synthetics is printed unchanged
(exit 0).`
}

// Validate rejects flag combinations before any work starts (exit 2).
func (c *MutateCmd) Validate() error {
	if c.Reverse {
		if c.Map == "" {
			return errors.New("--reverse needs --map FILE (the map written by --map-out)")
		}
		if c.MapOut != "" {
			return errors.New("--map-out cannot be used with --reverse")
		}
		return nil
	}
	if c.Map != "" {
		return errors.New("--map is only used with --reverse; to save a map use --map-out")
	}
	if _, err := mutate.ParsePolicy(c.Policy); err != nil {
		return err
	}
	if c.Lang != "" {
		if _, ok := mutate.ParseLang(c.Lang); !ok {
			return fmt.Errorf("unknown --lang %q (valid: ts, js, py, go, java, cs, rb, rs, sql, text, md)", c.Lang)
		}
	}
	return nil
}

func (c *MutateCmd) Run(ctx context.Context, io *IO, g *Globals) error {
	input, err := c.readInput(io.In)
	if err != nil {
		return err
	}
	if c.Reverse {
		return c.reverse(io, g, input)
	}
	// Policy: --policy > PRETENSE_MUTATION_POLICY > project > user > phi.
	var flags []config.Flag
	if c.Policy != "" {
		flags = append(flags, config.Flag{Key: "mutation-policy", Value: c.Policy, Name: "--policy"})
	}
	dir := "."
	if c.File != "" && c.File != "-" {
		dir = filepath.Dir(c.File)
	}
	settings, home, err := LoadSettings(g, dir, flags...)
	if err != nil {
		return err
	}
	policy, err := mutate.ParsePolicy(settings.Config().MutationPolicy)
	if err != nil {
		return UsageError(err)
	}
	lang := mutate.LangText
	if c.Lang != "" {
		lang, _ = mutate.ParseLang(c.Lang)
	} else if c.File != "" && c.File != "-" {
		lang = mutate.LangFromPath(c.File)
	}
	key, err := mutate.LoadKey(home, os.Getenv("PRETENSE_KEY"))
	if err != nil {
		return WithHint(UsageError(err), "set PRETENSE_KEY, or fix the key file: it must be a regular file with mode 0600 (chmod 600 "+filepath.Join(home, mutate.KeyFile)+")")
	}
	m, err := mutate.New(key, policy)
	if err != nil {
		return UsageError(err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s := m.NewSession()
	out := s.Mutate(input, lang)
	if c.MapOut != "" {
		var buf bytes.Buffer
		if err := mutate.WriteMap(&buf, s); err != nil {
			return RuntimeError(err)
		}
		if err := mutateWriteFile(c.MapOut, buf.Bytes()); err != nil {
			return RuntimeError(fmt.Errorf("write map: %w", err))
		}
	}
	if _, err := io.Out.Write([]byte(out)); err != nil {
		return RuntimeError(fmt.Errorf("write output: %w", err))
	}
	if !g.Quiet {
		fmt.Fprintf(io.Err, "pretense: mutated %d identifiers (%s, policy %s)\n", s.Count(), lang, policy)
	}
	return nil
}

func (c *MutateCmd) reverse(io *IO, g *Globals, input string) error {
	f, err := os.Open(c.Map)
	if err != nil {
		return UsageError(fmt.Errorf("open map: %w", err))
	}
	defer f.Close()
	s, err := mutate.ReadMap(f)
	if err != nil {
		return UsageError(fmt.Errorf("%s: %w", c.Map, err))
	}
	out, fid := s.Reverse(input)
	if fid.Found > 0 && fid.Restored == 0 {
		// Every synthetic in the text is foreign to this map: it is the
		// wrong map (another session or key). Writing the text back would
		// look like a restore that did nothing, so nothing is written.
		fmt.Fprintf(io.Err, "pretense: error: none of the %d synthetics in the input is in %s: it is not the map this text was mutated with (nothing written)\n", fid.Found, c.Map)
		return ErrFindings
	}
	if _, err := io.Out.Write([]byte(out)); err != nil {
		return RuntimeError(fmt.Errorf("write output: %w", err))
	}
	switch {
	case fid.Restored < fid.Found:
		// Some restored: the model invented or mangled the others, which
		// fidelity measures; the map is the right one.
		fmt.Fprintf(io.Err, "pretense: warning: %d of %d synthetics were not in the map and stay as they are (fidelity %.2f)\n", fid.Found-fid.Restored, fid.Found, fid.Ratio())
	case g.Quiet:
	case fid.Found == 0:
		fmt.Fprintln(io.Err, "pretense: no synthetics in the input; it is printed unchanged")
	default:
		fmt.Fprintf(io.Err, "pretense: restored %d synthetics (fidelity %.2f)\n", fid.Restored, fid.Ratio())
	}
	return nil
}

func (c *MutateCmd) readInput(stdin io.Reader) (string, error) {
	r := stdin
	name := "standard input"
	if c.File != "" && c.File != "-" {
		f, err := os.Open(c.File)
		if err != nil {
			return "", UsageError(fmt.Errorf("open input: %w", err))
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			return "", UsageErrorf("open input: %s is a directory; mutate reads one file (or stdin)", c.File)
		}
		r, name = f, c.File
	}
	if r == nil {
		r = strings.NewReader("")
	}
	b, err := io.ReadAll(io.LimitReader(r, mutateMaxInput+1))
	if err != nil {
		return "", RuntimeError(fmt.Errorf("read %s: %w", name, err))
	}
	if len(b) > mutateMaxInput {
		return "", RuntimeError(fmt.Errorf("read %s: larger than %d MiB", name, mutateMaxInput>>20))
	}
	return string(b), nil
}

// mutateWriteFile writes data with mode 0600. A regular file (or a new
// one) is replaced atomically through a temporary file in the same
// directory; devices and pipes are written directly, never replaced.
func mutateWriteFile(path string, data []byte) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, werr := f.Write(data)
		return errors.Join(werr, f.Close())
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
