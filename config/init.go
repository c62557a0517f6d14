package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ProjectTemplate is the commented .pretense.yaml that `pretense init`
// writes: every key with its built-in default and what it does.
func ProjectTemplate() []byte {
	var b strings.Builder
	b.WriteString(`# Pretense project configuration.
# Precedence: command-line flag > environment (PRETENSE_*) > this file >
# $PRETENSE_HOME/config.yaml > built-in default. Change a value with
#   pretense config set KEY=VALUE
# (comments and order are kept) and see every value and its source with
#   pretense config list
version: 1
`)
	section := ""
	for _, k := range keys() {
		name := k.Name
		indent := ""
		if i := strings.IndexByte(k.Name, '.'); i > 0 {
			if s := k.Name[:i]; s != section {
				section = s
				fmt.Fprintf(&b, "\n%s:\n", s)
			}
			name, indent = k.Name[i+1:], "  "
		} else {
			b.WriteString("\n")
		}
		help := k.Help
		if len(k.Choices) > 0 {
			help += " [" + strings.Join(k.Choices, "|") + "]"
		}
		if k.Env != "" {
			help += " (env " + k.Env + ")"
		}
		for _, l := range wrap(help, 76-len(indent)) {
			fmt.Fprintf(&b, "%s# %s\n", indent, l)
		}
		// Keys stay commented out at their defaults, so a user file or
		// a later default change still applies until a value is chosen;
		// config set uncomments the line it sets.
		switch {
		case k.List:
			fmt.Fprintf(&b, "%s# %s: []\n", indent, name)
		case k.Default == "":
			fmt.Fprintf(&b, "%s# %s: %s\n", indent, name, example(k.Name))
		default:
			fmt.Fprintf(&b, "%s# %s: %s\n", indent, name, renderScalar(k.Default))
		}
	}
	return []byte(b.String())
}

func example(key string) string {
	if key == "audit.dir" {
		return "~/pretense-audit"
	}
	return "VALUE"
}

func wrap(s string, width int) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(out, line)
}

// IgnoreTemplate is the commented .pretenseignore that `pretense init`
// writes.
func IgnoreTemplate() []byte {
	return []byte(`# .pretenseignore: paths pretense scan skips, in .gitignore syntax.
# One pattern per line; '#' starts a comment; '!' re-includes a path.
# Skipped paths are never scanned, so keep this list short and specific:
# to accept one known finding, prefer a 'pretense:allow' comment on its line.

# Dependencies and build output
node_modules/
vendor/
dist/
build/

# Lock files rarely hold secrets and are large
package-lock.json
yarn.lock
pnpm-lock.yaml
go.sum
`)
}

// InitResult says what Init did with each file.
type InitResult struct {
	Written []string // paths written
	Kept    []string // existing paths left alone (no force)
}

// Init writes .pretense.yaml and .pretenseignore into dir. Existing files
// are never overwritten unless force; ErrExist is returned when there was
// nothing to write.
func Init(dir string, force bool) (InitResult, error) {
	var res InitResult
	for _, f := range []struct {
		name string
		data []byte
	}{
		{ProjectFileName, ProjectTemplate()},
		{IgnoreFileName, IgnoreTemplate()},
	} {
		path := filepath.Join(dir, f.name)
		if _, err := os.Lstat(path); err == nil && !force {
			res.Kept = append(res.Kept, path)
			continue
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("init: %w", err)
		}
		if err := writeAtomic(path, f.data); err != nil {
			return res, fmt.Errorf("init: %w", err)
		}
		res.Written = append(res.Written, path)
	}
	if len(res.Written) == 0 {
		return res, fs.ErrExist
	}
	return res, nil
}

// ReadIgnore returns the patterns of a .pretenseignore file: one per
// non-blank line that is not a comment. A missing file has no patterns.
func ReadIgnore(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read ignore file: %w", err)
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimRight(l, "\r")
		if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, strings.TrimRight(l, " \t"))
	}
	return out, nil
}
