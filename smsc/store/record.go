package store

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Message is an accepted message awaiting delivery (a record of the MT
// stream). PDU holds the encoded submit_sm, deliver_sm or data_sm as
// received, so long messages pass through intact (UDH, SAR TLVs or
// message_payload).
type Message struct {
	ID        string    `json:"-"`                 // the stream sequence, filled on read
	Owner     string    `json:"owner,omitempty"`   // submitting system_id ("" for MO from the network)
	Target    string    `json:"target"`            // queue: an account's system_id, or "_net"
	PDU       []byte    `json:"pdu"`               // encoded request as received
	Submitted time.Time `json:"submitted"`         // acceptance time
	Schedule  time.Time `json:"schedule,omitzero"` // schedule_delivery_time, resolved
	Expires   time.Time `json:"expires"`           // validity_period, resolved
	Receipt   uint8     `json:"receipt,omitempty"` // registered_delivery of the submission
	Node      string    `json:"node,omitempty"`    // node that accepted it
	Group     string    `json:"group,omitempty"`   // submit_multi: the id given to the submitter
	// Gate names the submitter\'s pending response on the accepting node:
	// receipts wait until it is queued (see smsc gates).
	Gate string `json:"gate,omitempty"`
}

// ReceiptID is the id a receipt for m carries: the submit_multi id for the
// messages of one submit_multi, else the message's own id.
func (m *Message) ReceiptID() string {
	if m.Group != "" {
		return m.Group
	}
	return m.ID
}

// Decode returns the stored PDU.
func (m *Message) Decode() (pdu.Header, pdu.PDU, error) {
	return pdu.Decoder{Lenient: true}.Decode(m.PDU)
}

// State is the latest state of a message (a record of the STATE bucket).
type State struct {
	ID        string           `json:"id"`
	ReceiptID string           `json:"rid,omitempty"` // id the receipt carries, when not ID (submit_multi)
	Owner     string           `json:"owner"`
	State     pdu.MessageState `json:"state"`
	Err       uint16           `json:"err,omitempty"` // network/MC error code for the receipt
	Submitted time.Time        `json:"submitted"`
	Done      time.Time        `json:"done,omitzero"`
	Source    pdu.Address      `json:"source"` // original source (the receipt's destination)
	Dest      pdu.Address      `json:"dest"`   // original destination (the receipt's source)
	Receipt   uint8            `json:"receipt,omitempty"`
	Text      string           `json:"text,omitempty"` // first 20 characters, for the receipt
	// UserRef is the submission's user_message_reference, echoed in the
	// receipt (tlvs.md §2: "in receipts it carries the original's").
	UserRef *uint16 `json:"umr,omitempty"`
	// Gate is the message\'s Gate.
	Gate    string `json:"gate,omitempty"`
	Version uint8  `json:"version,omitempty"`
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("store: marshal: " + err.Error()) // only plain structs are marshalled
	}
	return b
}

// token makes a system_id safe as one NATS subject token and consumer name:
// letters, digits, '-' and '_' pass; anything else is hex-encoded after "x-".
func token(s string) string {
	ok := s != ""
	for i := 0; i < len(s) && ok; i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
	}
	if ok && !strings.HasPrefix(s, "x-") {
		return s
	}
	return "x-" + hex.EncodeToString([]byte(s))
}
