package cli

import (
	"fmt"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/pretense/pretense/config"

	"github.com/pretense/pretense/rules"
)

// phiModeFlag is --phi-mode: bare it means "standard"; it also takes a
// value (--phi-mode=strict, --phi-mode=off). Empty means "not given", so
// configuration can decide.
type PHIModeFlag string

func (p *PHIModeFlag) Decode(ctx *kong.DecodeContext) error {
	if ctx.Scan.Peek().Type != kong.FlagValueToken {
		*p = PHIModeFlag(rules.ModeStandard)
		return nil
	}
	tok, err := ctx.Scan.PopValue("phi-mode")
	if err != nil {
		return err
	}
	switch v := tok.Value.(type) {
	case bool:
		if v {
			*p = PHIModeFlag(rules.ModeStandard)
		} else {
			*p = PHIModeFlag(rules.ModeOff)
		}
		return nil
	case string:
		switch strings.ToLower(v) {
		case "true", "yes", "1", "on":
			*p = PHIModeFlag(rules.ModeStandard)
			return nil
		case "false", "no", "0":
			*p = PHIModeFlag(rules.ModeOff)
			return nil
		}
		m, ok := rules.ParseMode(strings.ToLower(v))
		if !ok || v == "" {
			return fmt.Errorf("%q is not one of off, standard, strict", v)
		}
		*p = PHIModeFlag(m)
		return nil
	}
	return fmt.Errorf("unexpected value %v", tok.Value)
}

// IsBool lets --phi-mode stand alone without a value.
func (p *PHIModeFlag) IsBool() bool { return true }

// sizeFlag parses sizes such as 10MB, 512KiB, 1048576, as the config key
// scan.max-file-size does.
type SizeFlag int64

func (s *SizeFlag) UnmarshalText(b []byte) error {
	n, err := config.ParseSize(string(b))
	if err != nil {
		return err
	}
	*s = SizeFlag(n)
	return nil
}
