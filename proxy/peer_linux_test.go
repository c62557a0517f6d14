package proxy

import (
	"net"
	"net/netip"
	"os"
	"testing"
)

// TestDiagPeerUID: for a real loopback connection, the netlink sock_diag
// lookup and the /proc/net table name the same owner of the client's
// socket (this process), over IPv4 and IPv6; an unknown socket is not
// found.
func TestDiagPeerUID(t *testing.T) {
	for _, network := range []struct{ name, addr string }{{"tcp4", "127.0.0.1:0"}, {"tcp6", "[::1]:0"}} {
		t.Run(network.name, func(t *testing.T) {
			ln, err := net.Listen(network.name, network.addr)
			if err != nil {
				t.Skipf("no %s loopback here: %v", network.name, err)
			}
			defer ln.Close()
			c, err := net.Dial(network.name, ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			s, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			client := netip.MustParseAddrPort(c.LocalAddr().String())
			server := netip.MustParseAddrPort(ln.Addr().String())
			uid, ok := diagPeerUID(client, server)
			if !ok {
				t.Fatal("sock_diag did not find the client's socket")
			}
			if uid != os.Getuid() {
				t.Errorf("sock_diag uid %d, want %d", uid, os.Getuid())
			}
			for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
				if data, err := os.ReadFile(f); err == nil {
					if puid, ok := procNetUID(data, client, server); ok && puid != uid {
						t.Errorf("%s says uid %d, sock_diag %d", f, puid, uid)
					}
				}
			}
			// A socket nobody has (client port 1) is not found.
			if _, ok := diagPeerUID(netip.AddrPortFrom(client.Addr(), 1), server); ok {
				t.Error("sock_diag found a socket on port 1")
			}
		})
	}
}
