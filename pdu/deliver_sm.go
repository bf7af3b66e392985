package pdu

// DeliverSM is deliver_sm (SMPP v3.4 §4.6, pdus.md §6.9): the MC delivers a
// mobile-originated message or a delivery receipt to an ESME. Its body is
// identical to submit_sm's; a receipt is marked in ESMClass (see
// [IsReceipt]) and carries receipted_message_id and message_state TLVs.
type DeliverSM SubmitSM

// CommandID returns CmdDeliverSM.
func (*DeliverSM) CommandID() CommandID { return CmdDeliverSM }

// Source returns the source address.
func (p *DeliverSM) Source() Address { return (*SubmitSM)(p).Source() }

// Dest returns the destination address.
func (p *DeliverSM) Dest() Address { return (*SubmitSM)(p).Dest() }

// SetSource sets the source address fields.
func (p *DeliverSM) SetSource(a Address) { (*SubmitSM)(p).SetSource(a) }

// SetDest sets the destination address fields.
func (p *DeliverSM) SetDest(a Address) { (*SubmitSM)(p).SetDest(a) }

// Message returns message_payload when present and short_message is empty,
// else short_message.
func (p *DeliverSM) Message() []byte { return (*SubmitSM)(p).Message() }

// IsReceipt reports whether esm_class marks a delivery receipt or an
// intermediate notification.
func (p *DeliverSM) IsReceipt() bool { return IsReceipt(p.ESMClass) }

func (p *DeliverSM) appendBody(dst []byte) ([]byte, error) {
	return (*SubmitSM)(p).appendSM(dst, CmdDeliverSM)
}

func (p *DeliverSM) decodeBody(d *decoder) { (*SubmitSM)(p).decodeBody(d) }

// DeliverSMResp is deliver_sm_resp (SMPP v3.4 §4.6.2): message_id is unused
// and normally empty.
type DeliverSMResp struct {
	MessageID string `json:"message_id"`
	TLVs      TLVs   `json:"tlvs,omitempty"`
}

// CommandID returns CmdDeliverSMResp.
func (*DeliverSMResp) CommandID() CommandID { return CmdDeliverSMResp }

func (p *DeliverSMResp) appendBody(dst []byte) ([]byte, error) {
	return appendMessageIDResp(dst, p.MessageID, p.TLVs, CmdDeliverSMResp)
}

func (p *DeliverSMResp) decodeBody(d *decoder) {
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.tlvs(&p.TLVs)
}
