package proxy

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"sync"
)

// A fingerprint names a text the proxy has seen before: the clean-scan
// cache and the mutation memo are keyed by it. It is a 128-bit GMAC (GHASH
// of the text under a per-process random AES key, then encrypted), the
// AES-GCM tag of an empty message with the text as additional data,
// computed with AES-NI and carry-less multiplication, so one pass over a
// 64 KB text costs about as much as a 64-bit maphash, and it is computed
// once per text per request (rewriteRequest) for both caches, where each
// cache used to hash the text itself.
//
// Why a MAC: a false cache hit would let a text skip the scan. GHASH under
// a secret key is a universal hash: two different texts of up to L 16-byte
// blocks collide with probability at most (L+1)/2^128 whatever they are,
// and nothing the proxy sends or logs reveals the key or a tag. The fixed
// nonce is harmless: the tags are never disclosed, only compared.
type fingerprint struct{ hi, lo uint64 }

// fingerprintKey is the process's GMAC instance, made on first use.
var fingerprintKey = sync.OnceValue(func() cipher.AEAD {
	var key [16]byte
	if _, err := rand.Read(key[:]); err != nil {
		panic("proxy: no randomness for the fingerprint key: " + err.Error())
	}
	blk, err := aes.NewCipher(key[:])
	if err != nil {
		panic("proxy: fingerprint key: " + err.Error())
	}
	g, err := cipher.NewGCM(blk)
	if err != nil {
		panic("proxy: fingerprint key: " + err.Error())
	}
	return g
})

// fingerprintOf returns text's fingerprint. It is never the zero value,
// which callers use for "none".
func fingerprintOf(text string) fingerprint { return gmac(bytesOf(text), 0) }

// rawFingerprintOf is the fingerprint of a JSON string as the client
// encoded it, quotes and escapes included: a resent field is known by it
// before it is decoded, and is not decoded at all when both caches know it
// (rewriteRequest). It lives apart from fingerprintOf's: the nonce differs,
// so a raw string and a decoded text never share a fingerprint (the tags
// of one GHASH value under two nonces differ by two unrelated AES
// outputs), and the clean-scan cache can give raw fingerprints a meaning
// of their own.
func rawFingerprintOf(raw []byte) fingerprint { return gmac(raw, 1) }

// gmac is the GMAC tag of data under the process key and the nonce that
// names the fingerprint's domain.
func gmac(data []byte, domain byte) fingerprint {
	var nonce [12]byte
	nonce[0] = domain
	var tag [16]byte
	// Seal only reads the additional data (bytesOf's contract holds).
	t := fingerprintKey().Seal(tag[:0], nonce[:], nil, data)
	f := fingerprint{hi: binary.LittleEndian.Uint64(t[:8]), lo: binary.LittleEndian.Uint64(t[8:16])}
	if f == (fingerprint{}) {
		f.lo = 1 // 2^-128; keeps zero meaning "none"
	}
	return f
}

// fingerprints returns the fingerprints of the texts long enough for the
// caches (minCachedText and up); the zero value for the others.
func fingerprints(texts []string) []fingerprint {
	fps := make([]fingerprint, len(texts))
	for i, t := range texts {
		if len(t) >= minCachedText {
			fps[i] = fingerprintOf(t)
		}
	}
	return fps
}
