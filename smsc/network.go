package smsc

import (
	"context"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

// network is the simulated handset network: it accepts every message routed
// to it and, after a delay, produces an outcome from the configured mix for
// the destination's prefix (DELIVRD by default).
type network struct {
	cfg   NetworkConfig
	rules []NetworkRule // longest prefix first

	mu     sync.Mutex
	timers map[*time.Timer]struct{}
}

func newNetwork(cfg NetworkConfig) *network {
	n := &network{cfg: cfg, rules: append([]NetworkRule(nil), cfg.Rules...), timers: map[*time.Timer]struct{}{}}
	sort.SliceStable(n.rules, func(i, j int) bool {
		return len(strings.TrimSuffix(n.rules[i].Prefix, "*")) > len(strings.TrimSuffix(n.rules[j].Prefix, "*"))
	})
	return n
}

// outcome picks the state, error code and delay for a destination. The
// choice is a deterministic function of the message id, so a redelivered
// message gets the same outcome.
func (n *network) outcome(dest, id string) (pdu.MessageState, uint16, time.Duration) {
	delay := time.Duration(n.cfg.Delay)
	dest = strings.TrimPrefix(dest, "+")
	for _, r := range n.rules {
		p := strings.TrimSuffix(r.Prefix, "*")
		if !strings.HasPrefix(dest, p) {
			continue
		}
		if r.Delay != nil {
			delay = time.Duration(*r.Delay)
		}
		total := 0.0
		for _, o := range r.Outcomes {
			total += o.Weight
		}
		if total <= 0 {
			break
		}
		h := fnv.New64a()
		h.Write([]byte(id))
		x := float64(h.Sum64()%1_000_000) / 1_000_000 * total
		for _, o := range r.Outcomes {
			if x < o.Weight {
				st, _ := pdu.ParseMessageState(o.Stat)
				return st, uint16(o.Err), delay
			}
			x -= o.Weight
		}
		break
	}
	return pdu.StateDelivered, 0, delay
}

func (n *network) after(d time.Duration, f func()) {
	n.mu.Lock()
	defer n.mu.Unlock()
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		n.mu.Lock()
		delete(n.timers, t)
		n.mu.Unlock()
		f()
	})
	n.timers[t] = struct{}{}
}

// stop abandons pending outcomes; their messages are redelivered (and get
// the same outcome) after the queue's ack wait.
func (n *network) stop() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for t := range n.timers {
		t.Stop()
	}
	clear(n.timers)
}

// networkDeliver consumes the simulated network's queue.
func (s *Server) networkDeliver(d *store.Delivery) {
	ctx := s.ctx
	if ctx.Err() != nil {
		return
	}
	p := s.prepare(ctx, d)
	if p == nil {
		return
	}
	var dest string
	switch p := p.(type) {
	case *pdu.DeliverSM:
		dest = p.DestinationAddr
	case *pdu.DataSM:
		dest = p.DestinationAddr
	}
	m := d.Msg
	n := s.net.Load()
	state, errCode, delay := n.outcome(dest, m.ID)
	if m.Receipt&pdu.RegIntermediate != 0 && m.Owner != "" && d.Attempt == 1 {
		s.intermediate(ctx, m)
	}
	delay -= s.now().Sub(m.Submitted)
	from, text, part := phoneView(p)
	settle := func() {
		if s.ctx.Err() != nil {
			return
		}
		if state == pdu.StateDelivered {
			s.stats.delivered.Add(1)
		}
		s.phones.add(dest, PhoneMessage{ID: m.ID, From: from, Text: text, Time: s.now(), State: state.String(), Part: part})
		if s.watching() {
			s.emit(Event{Type: "phone", Account: m.Owner, ID: m.ID, From: from, To: dest, State: state.String(), Text: text})
		}
		if s.finalize(s.ctx, m, state, errCode) != nil {
			d.Retry(time.Second) // the same outcome is drawn again
			return
		}
		d.Ack()
	}
	if delay <= 0 {
		settle()
		return
	}
	if delay > 30*time.Second {
		// Keep the message leased while it waits.
		var extend func()
		extend = func() {
			if s.ctx.Err() == nil {
				d.Extend()
				n.after(20*time.Second, extend)
			}
		}
		n.after(20*time.Second, extend)
	}
	n.after(delay, settle)
}

// SetNetwork replaces the simulated network's behaviour at runtime (fault
// injection). Messages already waiting for their outcome keep theirs.
func (s *Server) SetNetwork(cfg NetworkConfig) error {
	c := s.cfg
	c.Network = cfg
	if cfg.Delay == 0 {
		cfg.Delay = Duration(200 * time.Millisecond)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	old := s.net.Swap(newNetwork(cfg))
	_ = old // its pending timers still fire
	return nil
}

// Network returns the simulated network's current configuration.
func (s *Server) Network() NetworkConfig { return s.net.Load().cfg }

// InjectMO submits a mobile-originated message from a (virtual) handset: it
// is routed by destination like any message, so it reaches the account that
// owns to as a deliver_sm. It returns the message id.
func (s *Server) InjectMO(ctx context.Context, from, to string, dc pdu.DataCoding, ud []byte, esm pdu.ESMClass) (string, error) {
	target := s.router.Load().route(to)
	if target == targetNetwork {
		return "", &ConfigError{Key: "to", Msg: "no account owns " + to}
	}
	dsm := &pdu.DeliverSM{
		SourceAddrTON: pdu.TONInternational, SourceAddrNPI: pdu.NPIISDN, SourceAddr: from,
		DestAddrTON: pdu.TONUnknown, DestAddrNPI: pdu.NPIISDN, DestinationAddr: to,
		ESMClass: esm, DataCoding: dc,
	}
	if len(ud) > 254 {
		dsm.TLVs.Set(pdu.TagMessagePayload, ud)
	} else {
		dsm.ShortMessage = ud
	}
	frame, err := pdu.Marshal(1, pdu.StatusOK, dsm)
	if err != nil {
		return "", err
	}
	_, exp, _ := s.validity("", "")
	id, err := s.enqueue(ctx, &store.Message{Target: target, PDU: frame, Submitted: s.now(), Expires: exp, Node: s.cfg.Node})
	if err == nil {
		s.emit(Event{Type: "mo", Account: target, ID: id, From: from, To: to, Text: decodeUserData(dc, esm, ud)})
	}
	return id, err
}

// phoneView returns what a handset shows of a message: sender, text, and
// "n/m" when it is a segment of a long message.
func phoneView(p pdu.PDU) (from, text, part string) {
	cp, err := coding.PartOf(p)
	if err != nil {
		return "", "", ""
	}
	from = cp.Source.Addr
	if c, ok := (coding.Codecs{}).ForPart(cp); ok {
		text, _ = c.Decode(cp.Body())
	}
	if cp.IsSegment() {
		part = strconv.Itoa(cp.Seq) + "/" + strconv.Itoa(cp.Total)
	}
	return from, text, part
}
