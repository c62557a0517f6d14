package gate

import (
	"sort"
	"strings"
)

// layer is one place variables come from: the process environment, a
// settings file's env block, a dotenv file. source names it for the report.
type layer struct {
	source string
	vars   map[string]string
	// dotenv marks a dotenv file: when shadowed it still matters, because
	// some loaders let it override the environment.
	dotenv bool
}

// envView is a tool's effective environment: layers from highest to lowest
// precedence. A variable set to the empty string counts as unset, which is
// how every SDK we model treats it.
type envView []layer

// lookup returns the winning non-empty value of name and where it came from.
func (e envView) lookup(name string) (value, source string, ok bool) {
	for _, l := range e {
		if v := strings.TrimSpace(l.vars[name]); v != "" {
			return v, l.source, true
		}
	}
	return "", "", false
}

// first returns the first of names that is set, in the order given, which
// lets callers express "A wins over B" independently of layering.
func (e envView) first(names ...string) (name, value, source string, ok bool) {
	for _, n := range names {
		if v, src, ok := e.lookup(n); ok {
			return n, v, src, true
		}
	}
	return "", "", "", false
}

// shadowed lists every non-winning definition of name: lower layers that
// also set it. The gate flags unrouted shadowed values from dotenv files
// because loaders that override (Aider, dotenv override=True) would use them.
func (e envView) shadowed(name string) []setting {
	var out []setting
	won := false
	for _, l := range e {
		v := strings.TrimSpace(l.vars[name])
		if v == "" {
			continue
		}
		if !won {
			won = true
			continue
		}
		if !l.dotenv {
			continue
		}
		out = append(out, setting{name: name, value: v, source: l.source})
	}
	return out
}

// with returns a view with l added at the highest precedence.
func (e envView) with(l layer) envView {
	out := make(envView, 0, len(e)+1)
	out = append(out, l)
	return append(out, e...)
}

// under returns a view with l added at the lowest precedence.
func (e envView) under(l layer) envView {
	out := make(envView, 0, len(e)+1)
	out = append(out, e...)
	return append(out, l)
}

// setting is one variable or config key with its value and source.
type setting struct {
	name, value, source string
}

// truthy reports whether a switch variable is on. Claude Code and most
// Node tools treat any non-empty value other than an explicit "off" as on,
// so the gate does too: it is safer to flag "yes" than to miss it.
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off", "n", "f":
		return false
	}
	return true
}

// sortedKeys returns the keys of m in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
