// Package mutate replaces sensitive identifiers in source code and prose with
// keyed synthetics and restores them afterwards, so that text can leave the
// machine (to an LLM API) without disclosing what a system stores.
//
// # Synthetics
//
// A synthetic is a kind prefix (_cls for type-like names, _fn for
// function-like names, _v for everything else) followed by a fixed-length
// body of 11 characters from a 32-letter lowercase alphabet without l, o, 0
// and 1: nine characters drawn from HMAC-SHA256(key, kind, name) and a
// two-character checksum over the prefix and those nine. Synthetics are
// therefore identifier-safe ([A-Za-z0-9_] only), prefix-free (fixed length
// per kind, and the kinds differ in their second byte), recognisable without
// the key (the checksum makes an accidental match in ordinary text a
// one-in-a-thousand event) and unguessable without it. The body carries the
// capitalisation of the original: PatientRecord becomes _clsKx…, a
// SCREAMING_CASE constant gets an upper-case body.
//
// # Sessions
//
// A [Mutator] is immutable and shared; a [Session] belongs to one request or
// file and remembers every pair it issued, so it can reverse what it mutated.
// Within a session two names never share a synthetic: a collision is
// detected and resolved by rehashing with a counter, in sorted name order,
// so the outcome does not depend on the order names appear in.
// [Session.Replacements] is [Session.Mutate] without the copy: it returns
// what Mutate would replace, for a caller that writes a very large text out
// itself ([Apply] builds the mutated string from them).
//
// # Reversal
//
// [Session.Reverse] and the [StreamReverser] find synthetics anywhere, also
// inside names the model built from them (_cls…List, get_v…), and report a
// [Fidelity] figure. Text that never passed through mutation comes back byte
// for byte. The stream reverser holds back only a suffix that could still
// become a synthetic, at most 14 bytes.
//
// The package does no I/O except [LoadKey] and the map-file helpers, and
// imports nothing from net/http.
package mutate
