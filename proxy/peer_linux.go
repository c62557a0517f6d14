package proxy

import (
	"encoding/binary"
	"net/netip"
	"os"
	"syscall"
	"time"
)

// loopbackPeerUID names the uid that owns the client end of a loopback TCP
// connection. SO_PEERCRED works for Unix sockets only, so it asks the
// kernel about the client's socket instead: sock_diag over netlink (one
// exact lookup), else the socket tables in /proc/net/tcp{,6}, which the
// kernel writes out whole, every socket of the namespace, on each read
// (milliseconds with a few thousand sockets open). The client's socket is
// in the same network namespace as the proxy when the connection is
// loopback.
func loopbackPeerUID(client, server netip.AddrPort) (int, bool) {
	if !client.IsValid() || !server.IsValid() {
		return 0, false
	}
	if uid, ok := diagPeerUID(client, server); ok {
		return uid, true
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

// Netlink sock_diag (linux/sock_diag.h, linux/inet_diag.h).
const (
	netlinkInetDiag   = 4  // NETLINK_INET_DIAG
	sockDiagByFamily  = 20 // SOCK_DIAG_BY_FAMILY
	nlmsgHdrLen       = 16
	inetDiagReqV2Len  = 56 // family, protocol, ext, pad, states, inet_diag_sockid (48)
	inetDiagMsgLen    = 72
	inetDiagMsgUIDOff = 64
)

// diagPeerUID asks the kernel for the owner of the TCP socket whose local
// end is local and remote end is remote (the client's own socket), with
// one exact sock_diag lookup. False when netlink is unavailable or the
// socket is not found (then the caller reads /proc).
func diagPeerUID(local, remote netip.AddrPort) (int, bool) {
	family := uint8(syscall.AF_INET)
	if !local.Addr().Is4() || !remote.Addr().Is4() {
		family = syscall.AF_INET6
	}
	req := make([]byte, nlmsgHdrLen+inetDiagReqV2Len)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], sockDiagByFamily)
	ne.PutUint16(req[6:], syscall.NLM_F_REQUEST)
	ne.PutUint32(req[8:], 1) // sequence
	r := req[nlmsgHdrLen:]
	r[0], r[1] = family, syscall.IPPROTO_TCP
	ne.PutUint32(r[4:], 0xffffffff) // every TCP state
	id := r[8:]
	binary.BigEndian.PutUint16(id[0:], local.Port())
	binary.BigEndian.PutUint16(id[2:], remote.Port())
	putDiagAddr(id[4:20], local.Addr(), family)
	putDiagAddr(id[20:36], remote.Addr(), family)
	ne.PutUint32(id[40:], 0xffffffff) // INET_DIAG_NOCOOKIE
	ne.PutUint32(id[44:], 0xffffffff)

	fd, err := syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, netlinkInetDiag)
	if err != nil {
		return 0, false
	}
	defer syscall.Close(fd)
	tv := syscall.NsecToTimeval(int64(time.Second))
	if err := syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv); err != nil {
		return 0, false
	}
	if err := syscall.Sendto(fd, req, 0, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		return 0, false
	}
	buf := make([]byte, 4096)
	n, _, err := syscall.Recvfrom(fd, buf, 0)
	if err != nil {
		return 0, false
	}
	return parseDiagReply(buf[:n], req[nlmsgHdrLen+8:nlmsgHdrLen+8+36])
}

// putDiagAddr writes a in the inet_diag_sockid form: four 32-bit words in
// network order, IPv4 in the first.
func putDiagAddr(dst []byte, a netip.Addr, family uint8) {
	if family == syscall.AF_INET {
		b := a.As4()
		copy(dst, b[:])
		return
	}
	b := a.As16()
	copy(dst, b[:])
}

// parseDiagReply reads the uid from a sock_diag answer whose socket id
// starts with want (ports and addresses, as asked); false for an error
// message, a short or foreign answer.
func parseDiagReply(b []byte, want []byte) (int, bool) {
	ne := binary.NativeEndian
	if len(b) < nlmsgHdrLen+inetDiagMsgLen || ne.Uint16(b[4:]) != sockDiagByFamily {
		return 0, false
	}
	if l := ne.Uint32(b[0:]); l < nlmsgHdrLen+inetDiagMsgLen || int(l) > len(b) {
		return 0, false
	}
	m := b[nlmsgHdrLen:]
	if string(m[4:4+len(want)]) != string(want) {
		return 0, false
	}
	return int(ne.Uint32(m[inetDiagMsgUIDOff:])), true
}
