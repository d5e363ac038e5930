package eventstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"sort"
	"sync"
	"time"
)

// ChainHash is the hash function of a store's chain, recorded with the
// store when it is created so that verification picks the same one.
type ChainHash struct {
	Name string
	New  func() hash.Hash
}

// SHA256 is the default chain hash.
var SHA256 = ChainHash{Name: "sha256", New: sha256.New}

// LookupHash returns the chain hash named name among SHA256 and extra.
func LookupHash(name string, extra ...ChainHash) (ChainHash, bool) {
	if name == SHA256.Name {
		return SHA256, true
	}
	for _, h := range extra {
		if h.Name == name {
			return h, true
		}
	}
	return ChainHash{}, false
}

// canonicalTag starts the canonical bytes of every event; it versions the
// encoding itself.
const canonicalTag = "casework.event.v1"

// Canonical returns the canonical bytes of an event, the input of its chain
// hash. The encoding is fixed forever once events exist; a change needs a
// new tag. It is the concatenation of:
//
//	str("casework.event.v1")
//	str(stream) u64(revision) id[16] str(type) str(data)
//	str(actor) str(role) str(org_unit) str(correlation_id) str(causation_id) str(reason)
//	i64(schema) i64(occurred_at as Unix nanoseconds, UTC)
//	u32(number of extra metadata pairs) then str(key) str(value) for each, keys sorted
//
// where str(s) is u32(len(s)) followed by the bytes of s, and u32, u64 and
// i64 are big-endian. Data is hashed exactly as stored, byte for byte.
// Position and recorded_at are not part of it: they are assigned by the
// store and differ between backends.
func Canonical(stream string, revision uint64, id [16]byte, typ string, data []byte, m *Metadata) []byte {
	n := 4*12 + 8*3 + 16 + len(canonicalTag) + len(stream) + len(typ) + len(data) + len(m.Actor) + len(m.Role) +
		len(m.OrgUnit) + len(m.CorrelationID) + len(m.CausationID) + len(m.Reason)
	for k, v := range m.Extra {
		n += 8 + len(k) + len(v)
	}
	return appendCanonical(make([]byte, 0, n), stream, revision, id, typ, data, m)
}

func appendCanonical(b []byte, stream string, revision uint64, id [16]byte, typ string, data []byte, m *Metadata) []byte {
	b = appendStr(b, canonicalTag)
	b = appendStr(b, stream)
	b = binary.BigEndian.AppendUint64(b, revision)
	b = append(b, id[:]...)
	b = appendStr(b, typ)
	b = appendBytes(b, data)
	b = appendStr(b, m.Actor)
	b = appendStr(b, m.Role)
	b = appendStr(b, m.OrgUnit)
	b = appendStr(b, m.CorrelationID)
	b = appendStr(b, m.CausationID)
	b = appendStr(b, m.Reason)
	b = binary.BigEndian.AppendUint64(b, uint64(int64(m.Schema)))
	b = binary.BigEndian.AppendUint64(b, uint64(occurredNanos(m.OccurredAt)))
	keys := make([]string, 0, len(m.Extra))
	for k := range m.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = binary.BigEndian.AppendUint32(b, uint32(len(keys)))
	for _, k := range keys {
		b = appendStr(b, k)
		b = appendStr(b, m.Extra[k])
	}
	return b
}

func occurredNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func appendStr(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendBytes(b []byte, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// zeroHash supplies the all-zero prev hash of a stream's first event.
var zeroHash [64]byte

// NextHash returns H(prev ‖ Canonical(...)) for the event at revision of
// stream. prev is nil or empty for revision 0, meaning all-zero bytes of
// the hash's size.
func (h ChainHash) NextHash(prev []byte, stream string, revision uint64, id [16]byte, typ string, data []byte, m *Metadata) []byte {
	d := h.New()
	if len(prev) == 0 {
		d.Write(zeroHash[:d.Size()])
	} else {
		d.Write(prev)
	}
	buf := canonicalBufs.Get().(*[]byte)
	*buf = appendCanonical((*buf)[:0], stream, revision, id, typ, data, m)
	d.Write(*buf)
	if cap(*buf) <= maxPooledCanonical {
		canonicalBufs.Put(buf)
	}
	return d.Sum(nil)
}

// canonicalBufs holds buffers for NextHash's canonical bytes, so that
// hashing an event allocates no copy of the event; those grown past
// maxPooledCanonical by a large event are left to the collector.
var canonicalBufs = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledCanonical = 64 << 10

// ChainVerifier checks the events of one stream in revision order.
type ChainVerifier struct {
	Hash   ChainHash
	Stream string
	prev   []byte
	next   uint64
}

// Check verifies ev against the chain so far: its revision must be the next
// one and its stored hash must equal the recomputed hash.
func (v *ChainVerifier) Check(ev *RecordedEvent) error {
	if ev.Stream != v.Stream {
		return &TamperError{Stream: v.Stream, Revision: ev.Revision, Position: ev.Position, Reason: "event belongs to stream " + ev.Stream}
	}
	if ev.Revision != v.next {
		return &TamperError{Stream: v.Stream, Revision: v.next, Position: ev.Position, Reason: "revision " + itoa(v.next) + " is missing"}
	}
	want := v.Hash.NextHash(v.prev, ev.Stream, ev.Revision, ev.ID, ev.Type, ev.Data, &ev.Metadata)
	if !bytes.Equal(want, ev.Hash) {
		return &TamperError{Stream: v.Stream, Revision: ev.Revision, Position: ev.Position, Reason: "stored bytes do not match the chain hash"}
	}
	v.prev = ev.Hash
	v.next++
	return nil
}
