package proxy

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strconv"
)

// procNetUID finds, in the text of /proc/net/tcp or /proc/net/tcp6, the
// socket whose local end is local and remote end is remote, and returns
// its owner's uid. For a loopback connection to the proxy the client's own
// socket is listed with the client's address as its local end, so this
// names the local account that connected. Lines look like
//
//	sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
//	0: 0100007F:A2C4 0100007F:2483 01 00000000:00000000 00:00000000 00000000 1000 0 4242 …
//
// Addresses are the kernel's 32-bit words printed in host byte order.
//
// The table holds every TCP socket of the namespace, and this runs for
// every request from loopback: only lines that hold the client's port as
// ":XXXX" (upper-case hex, as the kernel writes it; bytes.Index,
// vectorised) are split and parsed.
func procNetUID(data []byte, local, remote netip.AddrPort) (int, bool) {
	var pat [5]byte
	pat[0] = ':'
	const hexUpper = "0123456789ABCDEF"
	for i, p := 0, local.Port(); i < 4; i++ {
		pat[4-i] = hexUpper[p&0xf]
		p >>= 4
	}
	for {
		i := bytes.Index(data, pat[:])
		if i < 0 {
			return 0, false
		}
		start := bytes.LastIndexByte(data[:i], '\n') + 1
		end := len(data)
		if j := bytes.IndexByte(data[i:], '\n'); j >= 0 {
			end = i + j
		}
		line := data[start:end]
		data = data[min(end+1, len(data)):]
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
}

// parseProcAddr reads "0100007F:A2C4" (IPv4) or a 32-digit IPv6 form;
// IPv4-mapped IPv6 addresses come back unmapped.
func parseProcAddr(b []byte) (netip.AddrPort, bool) {
	i := bytes.IndexByte(b, ':')
	if i < 0 || len(b)-i-1 != 4 {
		return netip.AddrPort{}, false
	}
	port, err := strconv.ParseUint(string(b[i+1:]), 16, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	hx := b[:i]
	if len(hx) != 8 && len(hx) != 32 {
		return netip.AddrPort{}, false
	}
	raw := make([]byte, len(hx)/2)
	if _, err := hex.Decode(raw, hx); err != nil {
		return netip.AddrPort{}, false
	}
	// Each 32-bit word was printed as a number: undo that to get the
	// bytes as they were in memory (network order).
	out := make([]byte, len(raw))
	for w := 0; w < len(raw); w += 4 {
		binary.NativeEndian.PutUint32(out[w:], binary.BigEndian.Uint32(raw[w:]))
	}
	addr, ok := netip.AddrFromSlice(out)
	if !ok {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), true
}
