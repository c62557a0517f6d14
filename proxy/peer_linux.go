package proxy

import (
	"net/netip"
	"os"
)

// loopbackPeerUID names the uid that owns the client end of a loopback TCP
// connection. SO_PEERCRED works for Unix sockets only, so it reads the
// kernel's socket tables instead; the client's socket is in the same
// network namespace as the proxy when the connection is loopback.
func loopbackPeerUID(client, server netip.AddrPort) (int, bool) {
	if !client.IsValid() || !server.IsValid() {
		return 0, false
	}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if uid, ok := procNetUID(data, client, server); ok {
			return uid, true
		}
	}
	return 0, false
}
