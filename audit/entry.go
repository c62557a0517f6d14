// Package audit is pretense's tamper-evident evidence trail: an append-only,
// hash-chained JSON Lines log of every proxied request (counts and rule ids,
// never values), with query, export, verification and a compliance report.
//
// # Layout
//
// The log lives in one directory (by default $PRETENSE_HOME/audit) as
// time-based segment files, audit-2026-11.jsonl (monthly, the default) or
// audit-2026-11-28.jsonl (daily). Every line is one record in canonical JSON:
// the encoding/json encoding of the record struct (fields in declared order,
// no insignificant space, no HTML escaping) with the "hash" member last.
// hash = hex(SHA-256(line without its ,"hash":"…" member)), and every record's
// "prev" is the hash of the record before it, so editing, removing,
// reordering or inserting a line breaks the chain at that line.
//
// Each segment starts with an anchor record whose prev is the hash of the last
// record of the previous segment. Retention deletes whole old segments, after
// first appending a prune record naming them and the hash the oldest remaining
// anchor links to, so the rest of the log still verifies.
//
// # Concurrency and durability
//
// A [Log] is safe for concurrent use by many goroutines, and several processes
// may append to one directory: each append takes an exclusive file lock
// (flock on <dir>/.lock), re-reads the chain head if another process moved it,
// writes one line with a single write(2) and fdatasyncs it before [Log.Append]
// returns. A crash can leave a torn last line; the next writer keeps those
// bytes, terminates them and appends a recovery record that names their
// offset, length and digest, and [Verify] reports it.
//
// Before each append the writer also checks that the segment's name still
// refers to the file it holds (device and inode) and that the file is not
// shorter than it left it. A deleted, replaced or truncated live segment
// makes it start a new segment (audit-2026-11.1.jsonl) with a break record
// that names the lost seqs and links to the last of them; [Verify] always
// reports a break.
//
// # What a chain cannot show
//
// A chain proves what it holds, not that nothing came after: records cut
// from its end, or a log rewritten and re-hashed from scratch, verify as a
// valid chain. [Head] gives the head to publish elsewhere, and
// [VerifyOptions].Pin checks it later. [VerifyStream] checks a chain
// shipped elsewhere (a file or stdin).
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"
)

var closeBrace = []byte("}")

// Outcomes of a proxied request.
const (
	OutcomeForwarded = "forwarded"
	OutcomeBlocked   = "blocked"
	OutcomeFailed    = "failed"
)

// Entry is one proxied request. It carries counts and rule ids only: no
// mutated identifier, secret or PHI value is ever part of an entry.
//
// Seq, Prev and Hash are filled by the log; whatever the caller puts there is
// overwritten.
type Entry struct {
	Seq                 uint64    `json:"seq"`
	Timestamp           time.Time `json:"timestamp"` // UTC, RFC 3339
	Session             string    `json:"session"`
	File                string    `json:"file,omitempty"`
	Model               string    `json:"model"`
	Endpoint            string    `json:"endpoint"` // "http://localhost:9339 -> api.anthropic.com"
	Mutations           int       `json:"mutations"`
	SecretsBlocked      int       `json:"secretsBlocked"`
	PHIPatternsDetected int       `json:"phiPatternsDetected"`
	Rules               []string  `json:"rules,omitempty"` // rule ids only, never values
	RoundTripFidelity   float64   `json:"roundTripFidelity"`
	RequestID           string    `json:"requestId"`
	Outcome             string    `json:"outcome"` // forwarded, blocked, failed
	// Who and what, for an access review (HIPAA 164.312(b) and (d)). Empty
	// in entries written before these existed, so they are omitted when
	// empty and old chains still verify byte for byte.
	User        string `json:"user,omitempty"`        // authenticated caller, or local:<uid> on loopback
	Client      string `json:"client,omitempty"`      // client tool, from its User-Agent
	Route       string `json:"route,omitempty"`       // proxy route, e.g. anthropic-messages, bedrock-invoke
	Attachments int    `json:"attachments,omitempty"` // images and other payloads passed through unscanned
	Prev        string `json:"prev"`
	Hash        string `json:"hash,omitempty"`
}

// Validate reports whether e can be logged.
func (e *Entry) Validate() error {
	switch e.Outcome {
	case OutcomeForwarded, OutcomeBlocked, OutcomeFailed:
	default:
		return fmt.Errorf("audit entry: outcome %q is not one of forwarded, blocked, failed", e.Outcome)
	}
	if e.Mutations < 0 || e.SecretsBlocked < 0 || e.PHIPatternsDetected < 0 {
		return errors.New("audit entry: counts must not be negative")
	}
	if e.RoundTripFidelity < 0 || e.RoundTripFidelity > 1 || e.RoundTripFidelity != e.RoundTripFidelity {
		return fmt.Errorf("audit entry: roundTripFidelity %v is outside [0, 1]", e.RoundTripFidelity)
	}
	// Rule ids only: anything that does not look like an id could be a
	// matched value leaking into the log, so it is refused.
	for _, r := range e.Rules {
		if !isRuleID(r) {
			return fmt.Errorf("audit entry: %d-byte rules item is not a rule id", len(r))
		}
	}
	return nil
}

func isRuleID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._:/-", c)) {
			return false
		}
	}
	return true
}

// Record kinds other than entries. Entries carry no "kind" member.
const (
	kindAnchor   = "anchor"
	kindRecovery = "recovery"
	kindPrune    = "prune"
	// kindBreak starts a segment that a writer opened because the live
	// segment was deleted or replaced under it. Its prev is the last record
	// the writer knew, which is gone from the directory; verification always
	// reports it.
	kindBreak = "break"
)

// Why a writer wrote a break record.
const (
	breakDeleted   = "deleted"   // the live segment's name no longer exists
	breakReplaced  = "replaced"  // the name now refers to another file (inode or device differ)
	breakTruncated = "truncated" // the file is shorter than the writer left it
)

// marker is a non-entry record: a segment anchor, a torn-line recovery, a
// retention prune or a break (the live segment vanished under a writer). Seq comes first and Prev, Hash last, like Entry, so both
// share one line shape.
type marker struct {
	Seq         uint64    `json:"seq"`
	Kind        string    `json:"kind"`
	Timestamp   time.Time `json:"timestamp"`
	Segment     string    `json:"segment,omitempty"`     // anchor: this segment's name
	PrevSegment string    `json:"prevSegment,omitempty"` // anchor: the segment before it
	TornOffset  int64     `json:"tornOffset,omitempty"`  // recovery: byte offset of the torn line
	TornLength  int64     `json:"tornLength,omitempty"`  // recovery: its length, newline excluded
	TornSHA256  string    `json:"tornSha256,omitempty"`  // recovery: digest of its bytes
	Pruned      []string  `json:"pruned,omitempty"`      // prune: segment names deleted
	Through     string    `json:"through,omitempty"`     // prune: hash the oldest remaining anchor links to
	Reason      string    `json:"reason,omitempty"`      // break: deleted or replaced
	LostFirst   uint64    `json:"lostFirst,omitempty"`   // break: first seq of the lost segment
	LostLast    uint64    `json:"lostLast,omitempty"`    // break: last seq written to it (this record's prev)
	Prev        string    `json:"prev"`
	Hash        string    `json:"hash,omitempty"`
}

const (
	hashMember  = `,"hash":"`
	hashSuffix  = len(hashMember) + sha256.Size*2 + len(`"}`)
	seqPrefix   = `{"seq":`
	kindPrefix  = `"kind":"`
	prevMember  = `,"prev":"`
	emptyPrev   = `,"prev":""`
	prevHexSize = sha256.Size * 2
)

// seal encodes v (an Entry or marker whose Hash is empty) canonically and
// returns the full line, newline included, and its hash.
func seal(v any) (line []byte, sum string, err error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, "", fmt.Errorf("encode audit record: %w", err)
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	digest := sha256.Sum256(body)
	sum = hex.EncodeToString(digest[:])
	line = make([]byte, 0, len(body)+hashSuffix+1)
	line = append(line, body[:len(body)-1]...)
	line = append(line, hashMember...)
	line = append(line, sum...)
	line = append(line, `"}`...)
	line = append(line, '\n')
	return line, sum, nil
}

// brief is what verification needs from a line, read without a full JSON
// decode: canonical lines have seq first and prev, hash last.
type brief struct {
	seq     uint64
	kind    string // "" for entries
	prev    [sha256.Size]byte
	genesis bool // prev is empty: the first record ever written
	hash    [sha256.Size]byte
	hashOK  bool // the stored hash matches the line's bytes
}

// parseBrief reads seq, kind, prev and hash from one line (newline removed)
// and checks the hash. h is a reusable SHA-256 digest. ok is false when the
// line does not have the canonical shape at all.
func parseBrief(line []byte, h hash.Hash) (b brief, ok bool) {
	if len(line) < len(seqPrefix)+1+len(emptyPrev)+hashSuffix || !bytes.HasPrefix(line, []byte(seqPrefix)) {
		return b, false
	}
	i := len(seqPrefix)
	start := i
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		if i-start > 19 {
			return b, false
		}
		b.seq = b.seq*10 + uint64(line[i]-'0')
		i++
	}
	if i == start || i >= len(line) || line[i] != ',' {
		return b, false
	}
	i++
	if bytes.HasPrefix(line[i:], []byte(kindPrefix)) {
		j := bytes.IndexByte(line[i+len(kindPrefix):], '"')
		if j < 0 {
			return b, false
		}
		b.kind = string(line[i+len(kindPrefix) : i+len(kindPrefix)+j])
	}
	hs := len(line) - hashSuffix
	if !bytes.Equal(line[hs:hs+len(hashMember)], []byte(hashMember)) || line[len(line)-2] != '"' || line[len(line)-1] != '}' {
		return b, false
	}
	if _, err := hex.Decode(b.hash[:], line[hs+len(hashMember):len(line)-2]); err != nil {
		return b, false
	}
	switch {
	case hs >= len(emptyPrev) && bytes.Equal(line[hs-len(emptyPrev):hs], []byte(emptyPrev)):
		b.genesis = true
	case hs >= len(prevMember)+prevHexSize+1 && bytes.Equal(line[hs-prevHexSize-1-len(prevMember):hs-prevHexSize-1], []byte(prevMember)) && line[hs-1] == '"':
		if _, err := hex.Decode(b.prev[:], line[hs-prevHexSize-1:hs-1]); err != nil {
			return b, false
		}
	default:
		return b, false
	}
	// The hashed bytes are the line up to the hash member, closed with "}".
	h.Reset()
	h.Write(line[:hs])
	h.Write(closeBrace)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	b.hashOK = sum == b.hash
	return b, true
}

// hashString is the hex form of a digest, as stored in prev and hash.
func hashString(h [sha256.Size]byte) string { return hex.EncodeToString(h[:]) }
