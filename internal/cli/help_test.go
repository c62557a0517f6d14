package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Each command's one-line help (Help, set by Exec on the parsed model) is
// printed: in the top-level usage for a command without subcommands, at
// the head of its own usage for a group.
func TestCommandHelp(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		names []string
	}{
		{[]string{"--help"}, []string{"scan", "mutate", "init", "version"}},
		{[]string{"config", "--help"}, []string{"config"}},
		{[]string{"hook", "--help"}, []string{"hook"}},
	} {
		var out, errb bytes.Buffer
		if code := Run(context.Background(), tc.args, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("%q: exit %d, stderr %q", tc.args, code, errb.String())
		}
		for _, name := range tc.names {
			// The usage wraps at ~80 columns: the help's first words.
			want := strings.Join(strings.Fields(Help[name])[:3], " ")
			if !strings.Contains(out.String(), want) {
				t.Errorf("%q lacks %s's help %q:\n%s", tc.args, name, want, out.String())
			}
		}
	}
}
