package smsc

import (
	"sync"
	"time"
)

// PhoneMessage is a message the simulated network delivered to a handset.
type PhoneMessage struct {
	ID    string    `json:"id"`
	From  string    `json:"from"`
	Text  string    `json:"text"`
	Time  time.Time `json:"time"`
	State string    `json:"state"`
	Part  string    `json:"part,omitempty"` // "2/3" for a segment of a long message
}

// phones keeps, per destination number, the last messages the simulated
// network handled (the virtual phones of the dashboard). Bounded in numbers
// and messages per number.
type phones struct {
	mu    sync.Mutex
	inbox map[string][]PhoneMessage
	order []string // numbers, oldest first, for eviction
}

const (
	phoneMaxNumbers  = 10000
	phoneMaxMessages = 200
)

func (p *phones) add(number string, m PhoneMessage) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inbox == nil {
		p.inbox = map[string][]PhoneMessage{}
	}
	box, ok := p.inbox[number]
	if !ok {
		p.order = append(p.order, number)
		if len(p.order) > phoneMaxNumbers {
			delete(p.inbox, p.order[0])
			p.order = p.order[1:]
		}
	}
	box = append(box, m)
	if len(box) > phoneMaxMessages {
		box = box[len(box)-phoneMaxMessages:]
	}
	p.inbox[number] = box
}

func (p *phones) get(number string) []PhoneMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]PhoneMessage(nil), p.inbox[number]...)
}

// PhoneMessages returns the messages the simulated network delivered to
// number (this node's, most recent last).
func (s *Server) PhoneMessages(number string) []PhoneMessage { return s.phones.get(number) }
