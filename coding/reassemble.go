package coding

import (
	"sync"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Defaults of [ReassemblerConfig].
const (
	DefaultReassemblyTimeout = 5 * time.Minute
	DefaultMaxPending        = 10000
)

// ReassemblerConfig configures a [Reassembler]. Zero fields take defaults.
type ReassemblerConfig struct {
	// Timeout is how long after its first part an incomplete set is kept
	// (DefaultReassemblyTimeout when 0).
	Timeout time.Duration
	// MaxPending caps the number of incomplete sets; adding a new set
	// beyond it evicts the oldest, reported like an expiry
	// (DefaultMaxPending when 0).
	MaxPending int
	// Now is the clock (time.Now when nil); tests inject their own.
	Now func() time.Time
}

// Reassembler collects the segments of concatenated messages (encoding.md
// §12) into whole messages. Sets are keyed by source, destination, method,
// reference and total count, so different messages with the same reference
// do not mix; parts may arrive in any order and duplicates are ignored.
// Incomplete sets that expire or are evicted are returned as [Incomplete]
// by the Add or Sweep call that removes them, never dropped silently.
// A Reassembler is safe for concurrent use.
type Reassembler struct {
	timeout    time.Duration
	maxPending int
	now        func() time.Time

	mu         sync.Mutex
	sets       map[setKey]*pendingSet
	head, tail *pendingSet // oldest first
}

type setKey struct {
	src, dst pdu.Address
	method   Concat
	ref      uint16
	total    int
}

type pendingSet struct {
	key        setKey
	first      time.Time
	dc         pdu.DataCoding
	parts      []Part // index Seq-1; Seq 0 = not received
	received   int
	prev, next *pendingSet
}

// Message is a complete message: its parts in sequence order (one part for
// a message that was not segmented).
type Message struct {
	Source, Dest pdu.Address
	DataCoding   pdu.DataCoding // of the first part received
	Method       Concat
	Ref          uint16
	Total        int
	Parts        []Part
}

// Body returns the user data of all parts without their UDHs, joined.
// For packed GSM 7-bit use [Message.Text], which removes the fill bits.
func (m *Message) Body() []byte {
	n := 0
	for i := range m.Parts {
		n += len(m.Parts[i].Body())
	}
	out := make([]byte, 0, n)
	for i := range m.Parts {
		out = append(out, m.Parts[i].Body()...)
	}
	return out
}

// Text decodes the message with c ([JoinText]).
func (m *Message) Text(c Codec) (string, error) { return JoinText(c, m.Parts) }

// Incomplete is a set of parts removed before it was complete (encoding.md
// §12): what was received and what is missing.
type Incomplete struct {
	Source, Dest pdu.Address
	DataCoding   pdu.DataCoding
	Method       Concat
	Ref          uint16
	Total        int
	Received     []Part    // in sequence order
	Missing      []int     // sequence numbers never received
	First        time.Time // when the first part arrived
	Evicted      bool      // removed to respect MaxPending, not by timeout
}

// NewReassembler returns a Reassembler configured by cfg.
func NewReassembler(cfg ReassemblerConfig) *Reassembler {
	r := &Reassembler{timeout: cfg.Timeout, maxPending: cfg.MaxPending, now: cfg.Now, sets: map[setKey]*pendingSet{}}
	if r.timeout <= 0 {
		r.timeout = DefaultReassemblyTimeout
	}
	if r.maxPending <= 0 {
		r.maxPending = DefaultMaxPending
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// Add adds a part. It returns the complete message when p completes a set
// (at once when p is not a segment, or a segment of 1), and the sets that
// expired or were evicted meanwhile. A duplicate part is ignored. Parts kept
// for later are copied, so p may alias a frame buffer; a message completed
// at once by p aliases p.
func (r *Reassembler) Add(p Part) (*Message, []Incomplete, error) {
	if p.IsSegment() && (p.Seq < 1 || p.Seq > p.Total || p.Total > 255) {
		return nil, nil, &DecodeError{Codec: "reassembly", Offset: 0,
			Reason: "segment " + itoa(p.Seq) + " of " + itoa(p.Total) + " is out of range"}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	expired := r.expireLocked(now)
	if !p.IsSegment() || p.Total == 1 {
		return &Message{Source: p.Source, Dest: p.Dest, DataCoding: p.DataCoding, Method: p.Method,
			Ref: p.Ref, Total: 1, Parts: []Part{p}}, expired, nil
	}
	k := setKey{p.Source, p.Dest, p.Method, p.Ref, p.Total}
	s := r.sets[k]
	if s == nil {
		if len(r.sets) >= r.maxPending {
			old := r.head
			r.removeLocked(old)
			in := old.incomplete()
			in.Evicted = true
			expired = append(expired, in)
		}
		s = &pendingSet{key: k, first: now, dc: p.DataCoding, parts: make([]Part, p.Total)}
		r.sets[k] = s
		r.pushLocked(s)
	}
	if s.parts[p.Seq-1].Seq != 0 {
		return nil, expired, nil // duplicate
	}
	s.parts[p.Seq-1] = clonePart(p)
	s.received++
	if s.received < len(s.parts) {
		return nil, expired, nil
	}
	r.removeLocked(s)
	return &Message{Source: k.src, Dest: k.dst, DataCoding: s.dc, Method: k.method, Ref: k.ref,
		Total: k.total, Parts: s.parts}, expired, nil
}

// Sweep removes and returns the sets whose time is up. Call it now and then
// (e.g. from a ticker) when parts stop arriving.
func (r *Reassembler) Sweep() []Incomplete {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.expireLocked(r.now())
}

// Pending returns the number of incomplete sets held.
func (r *Reassembler) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sets)
}

func (r *Reassembler) expireLocked(now time.Time) []Incomplete {
	var out []Incomplete
	for s := r.head; s != nil && now.Sub(s.first) >= r.timeout; s = r.head {
		r.removeLocked(s)
		out = append(out, s.incomplete())
	}
	return out
}

func (r *Reassembler) pushLocked(s *pendingSet) {
	s.prev = r.tail
	if r.tail != nil {
		r.tail.next = s
	} else {
		r.head = s
	}
	r.tail = s
}

func (r *Reassembler) removeLocked(s *pendingSet) {
	delete(r.sets, s.key)
	if s.prev != nil {
		s.prev.next = s.next
	} else {
		r.head = s.next
	}
	if s.next != nil {
		s.next.prev = s.prev
	} else {
		r.tail = s.prev
	}
	s.prev, s.next = nil, nil
}

func (s *pendingSet) incomplete() Incomplete {
	in := Incomplete{Source: s.key.src, Dest: s.key.dst, DataCoding: s.dc, Method: s.key.method,
		Ref: s.key.ref, Total: s.key.total, First: s.first}
	for i := range s.parts {
		if s.parts[i].Seq == 0 {
			in.Missing = append(in.Missing, i+1)
		} else {
			in.Received = append(in.Received, s.parts[i])
		}
	}
	return in
}

// clonePart copies p's user data so that it no longer aliases the PDU.
func clonePart(p Part) Part {
	p.Data = append(make([]byte, 0, len(p.Data)), p.Data...)
	if len(p.IEs) == 0 {
		return p
	}
	if p.UDHLen > 0 && p.UDHLen <= len(p.Data) {
		if ies, n, err := ParseUDH(p.Data[:p.UDHLen]); err == nil && n == p.UDHLen && len(ies) == len(p.IEs) {
			p.IEs = ies
			return p
		}
	}
	ies := make([]IE, len(p.IEs))
	for i, ie := range p.IEs {
		ies[i] = IE{ID: ie.ID, Data: append([]byte(nil), ie.Data...)}
	}
	p.IEs = ies
	return p
}

// JoinText decodes the text of parts, in order, with c (encoding.md §9.5,
// §12). The parts' bodies are joined before decoding, so an escape sequence
// or a surrogate pair cut across parts by the sender still decodes; packed
// GSM 7-bit parts are unpacked one by one after the fill bits that follow
// each part's UDH. Use [Codecs.ForPart] to choose c.
func JoinText(c Codec, parts []Part) (string, error) {
	if g, _, ok := unwrapGSM7(c); ok && g.Packed {
		var septets []byte
		for i := range parts {
			septets = Unpack7(septets, parts[i].Body(), FillBits(parts[i].UDHLen))
		}
		return g.decodeSeptets(septets)
	}
	if len(parts) == 1 {
		return c.Decode(parts[0].Body())
	}
	m := Message{Parts: parts}
	return c.Decode(m.Body())
}
