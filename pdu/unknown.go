package pdu

// Unknown is a PDU whose command_id this package does not define (vendor
// commands, v3.3-only commands, reserved ids). Its body is kept raw and
// re-encodes byte-exact. A session answers an unknown request with
// generic_nack and ESME_RINVCMDID (pdus.md §4).
type Unknown struct {
	ID   CommandID   `json:"-"`
	Body OctetString `json:"body"`
}

// CommandID returns the received command_id.
func (p *Unknown) CommandID() CommandID { return p.ID }

func (p *Unknown) appendBody(dst []byte) ([]byte, error) { return append(dst, p.Body...), nil }

func (p *Unknown) decodeBody(d *decoder) {
	p.Body = d.b
	d.off = len(d.b)
}
