package proxy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

func TestClientName(t *testing.T) {
	for _, tc := range []struct{ ua, want string }{
		{"claude-cli/2.1.197 (external, cli)", "claude-cli/2.1.197"},
		{"Anthropic/Go 1.2.0", "Anthropic/Go/1.2.0"},
		{"Anthropic/Python 0.40.0", "Anthropic/Python/0.40.0"},
		{"OpenAI/Python 1.50.0", "OpenAI/Python/1.50.0"},
		{"OpenAI/JS 4.77.0", "OpenAI/JS/4.77.0"},
		{"codex_cli_rs/0.30.0 (Mac OS 15.5.0; arm64) iTerm.app/3.5", "codex/0.30.0"},
		{"curl/8.5.0", "curl/8.5.0"},
		{"Go-http-client/1.1", "Go-http-client/1.1"},
		{"python-requests/2.31.0-beta1", "python-requests/2.31.0-beta1"},
		{"", ""},
		{"Mozilla/5.0 (X11)", "other"},
		// Client-controlled text never reaches the log: an unknown
		// product or a version that is not a version is dropped.
		{"ghp_" + strings.Repeat("A", 36) + "/1.0", "other"},
		{"curl/1.0abcdefghijklmnopqrstuvwxyz", "curl"},
		{"curl/AKIA" + strings.Repeat("0", 16), "curl"},
		{"Anthropic/Go sk-" + "ant-xxxxxxxx", "Anthropic/Go"},
	} {
		if got := clientName(tc.ua); got != tc.want {
			t.Errorf("clientName(%q) = %q, want %q", tc.ua, got, tc.want)
		}
	}
}

func FuzzClientName(f *testing.F) {
	for _, s := range []string{"claude-cli/2.1.197 (external, cli)", "Anthropic/Go 1.2.0", "codex_cli_rs/0.30.0", "curl/8.5.0-rc1", "", "x/y z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ua string) {
		got := clientName(ua)
		if got == "" || got == "other" {
			return
		}
		// Whatever comes back is a known name plus a plain version.
		name, ver := got, ""
		if i := strings.LastIndexByte(got, '/'); i >= 0 {
			if _, known := reverseKnown()[got[:i]]; known {
				name, ver = got[:i], got[i+1:]
			}
		}
		if _, ok := reverseKnown()[name]; !ok {
			t.Fatalf("clientName(%q) = %q: not a known client", ua, got)
		}
		if ver != "" && version(ver) != ver {
			t.Fatalf("clientName(%q) = %q: version %q is not plain", ua, got, ver)
		}
		if len(got) > 64 {
			t.Fatalf("clientName(%q) = %q: too long", ua, got)
		}
	})
}

func reverseKnown() map[string]bool {
	m := map[string]bool{}
	for _, v := range knownClients {
		m[v] = true
	}
	return m
}

// procHex renders an address the way the kernel prints it in
// /proc/net/tcp: each 32-bit word as a number in host byte order.
func procHex(ap netip.AddrPort) string {
	var b []byte
	if ap.Addr().Is4() {
		a := ap.Addr().As4()
		b = a[:]
	} else {
		a := ap.Addr().As16()
		b = a[:]
	}
	var sb strings.Builder
	for w := 0; w < len(b); w += 4 {
		fmt.Fprintf(&sb, "%08X", binary.NativeEndian.Uint32(b[w:]))
	}
	return fmt.Sprintf("%s:%04X", sb.String(), ap.Port())
}

func TestProcNetUID(t *testing.T) {
	client := netip.MustParseAddrPort("127.0.0.1:41668")
	server := netip.MustParseAddrPort("127.0.0.1:9339")
	c6 := netip.MustParseAddrPort("[::1]:50000")
	s6 := netip.MustParseAddrPort("[::1]:9339")
	table := "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
		// the proxy's own accepted socket: reversed ends, proxy's uid
		fmt.Sprintf("   0: %s %s 01 00000000:00000000 00:00000000 00000000   999        0 1 1 0\n", procHex(server), procHex(client)) +
		fmt.Sprintf("   1: %s %s 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0\n", procHex(client), procHex(server)) +
		fmt.Sprintf("   2: %s %s 01 00000000:00000000 00:00000000 00000000  1001        0 3 1 0\n", procHex(c6), procHex(s6))
	for _, tc := range []struct {
		name          string
		local, remote netip.AddrPort
		uid           int
		ok            bool
	}{
		{"ipv4 client socket", client, server, 1000, true},
		{"ipv6 client socket", c6, s6, 1001, true},
		{"server side is not the client", server, netip.MustParseAddrPort("127.0.0.1:1"), 0, false},
		{"unknown", netip.MustParseAddrPort("127.0.0.1:2"), server, 0, false},
	} {
		uid, ok := procNetUID([]byte(table), tc.local, tc.remote)
		if uid != tc.uid || ok != tc.ok {
			t.Errorf("%s: uid %d ok %v, want %d %v", tc.name, uid, ok, tc.uid, tc.ok)
		}
	}
}

// refProcNetUID is procNetUID without the port prefilter: every line
// split and parsed.
func refProcNetUID(data []byte, local, remote netip.AddrPort) (int, bool) {
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		f := bytes.Fields(line)
		if len(f) < 8 || !bytes.HasSuffix(f[0], []byte(":")) {
			continue
		}
		la, ok1 := parseProcAddr(f[1])
		ra, ok2 := parseProcAddr(f[2])
		if !ok1 || !ok2 || la != local || ra != remote {
			continue
		}
		uid, err := strconv.ParseUint(string(f[7]), 10, 32)
		if err != nil {
			return 0, false
		}
		return int(uid), true
	}
	return 0, false
}

func FuzzProcNetUID(f *testing.F) {
	f.Add([]byte("   1: 0100007F:A2C4 0100007F:2483 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0\n"))
	f.Add([]byte("   1: 00000000000000000000000001000000:C350 00000000000000000000000001000000:2483 01 0:0 0:0 0 1001 0 3\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		local := netip.MustParseAddrPort("127.0.0.1:41668")
		remote := netip.MustParseAddrPort("127.0.0.1:9339")
		uid, ok := procNetUID(data, local, remote)
		if !ok && uid != 0 || uid < 0 {
			t.Fatalf("uid %d ok %v", uid, ok)
		}
		// The prefilter reads the port as the kernel writes it: upper-case
		// hex, ASCII. Other input only has to be safe.
		if bytes.ContainsAny(data, "abcdef") || bytes.ContainsFunc(data, func(r rune) bool { return r >= 0x80 }) {
			return
		}
		if ru, rok := refProcNetUID(data, local, remote); ru != uid || rok != ok {
			t.Fatalf("uid %d ok %v, the full parse says %d %v", uid, ok, ru, rok)
		}
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if len(f) > 2 {
				parseProcAddr([]byte(f[1]))
			}
		}
	})
}
