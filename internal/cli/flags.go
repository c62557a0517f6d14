package cli

import (
	"fmt"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/pretense/pretense/rules"
)

// phiModeFlag is --phi-mode: bare it means "standard"; it also takes a
// value (--phi-mode=strict, --phi-mode=off). Empty means "not given", so
// configuration can decide.
type phiModeFlag string

func (p *phiModeFlag) Decode(ctx *kong.DecodeContext) error {
	if ctx.Scan.Peek().Type != kong.FlagValueToken {
		*p = phiModeFlag(rules.ModeStandard)
		return nil
	}
	tok, err := ctx.Scan.PopValue("phi-mode")
	if err != nil {
		return err
	}
	switch v := tok.Value.(type) {
	case bool:
		if v {
			*p = phiModeFlag(rules.ModeStandard)
		} else {
			*p = phiModeFlag(rules.ModeOff)
		}
		return nil
	case string:
		switch strings.ToLower(v) {
		case "true", "yes", "1", "on":
			*p = phiModeFlag(rules.ModeStandard)
			return nil
		case "false", "no", "0":
			*p = phiModeFlag(rules.ModeOff)
			return nil
		}
		m, ok := rules.ParseMode(strings.ToLower(v))
		if !ok || v == "" {
			return fmt.Errorf("--phi-mode: %q is not one of off, standard, strict", v)
		}
		*p = phiModeFlag(m)
		return nil
	}
	return fmt.Errorf("--phi-mode: unexpected value %v", tok.Value)
}

// IsBool lets --phi-mode stand alone without a value.
func (p *phiModeFlag) IsBool() bool { return true }

// sizeFlag parses sizes such as 10MB, 512KiB, 1048576.
type sizeFlag int64

func (s *sizeFlag) UnmarshalText(b []byte) error {
	n, err := parseSize(string(b))
	if err != nil {
		return err
	}
	*s = sizeFlag(n)
	return nil
}

func parseSize(v string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.m
			break
		}
	}
	var n int64
	if _, err := fmt.Sscanf(t, "%d", &n); err != nil || n < 0 || fmt.Sprint(n) != t {
		return 0, fmt.Errorf("size %q: want a number with an optional unit (KB, MB, GB)", v)
	}
	return n * mult, nil
}
