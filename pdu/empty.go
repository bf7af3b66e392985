package pdu

// The PDUs in this file have no mandatory body fields (pdus.md §3 notes,
// §6.4). SMPP v5.0 lets every response carry the congestion_state TLV, so
// each keeps any TLVs it receives.

// GenericNACK is generic_nack (SMPP v3.4 §4.3): the answer to a PDU whose
// header or command_id could not be processed; the reason is its
// command_status.
type GenericNACK struct {
	TLVs TLVs `json:"tlvs,omitempty"`
}

// CommandID returns CmdGenericNACK.
func (*GenericNACK) CommandID() CommandID { return CmdGenericNACK }
func (p *GenericNACK) appendBody(dst []byte) ([]byte, error) {
	return appendOnlyTLVs(dst, p.TLVs, CmdGenericNACK)
}
func (p *GenericNACK) decodeBody(d *decoder) { d.tlvs(&p.TLVs) }

// Unbind is unbind (SMPP v3.4 §4.2).
type Unbind struct {
	TLVs TLVs `json:"tlvs,omitempty"`
}

// CommandID returns CmdUnbind.
func (*Unbind) CommandID() CommandID { return CmdUnbind }
func (p *Unbind) appendBody(dst []byte) ([]byte, error) {
	return appendOnlyTLVs(dst, p.TLVs, CmdUnbind)
}
func (p *Unbind) decodeBody(d *decoder) { d.tlvs(&p.TLVs) }

// UnbindResp is unbind_resp (SMPP v3.4 §4.2.2).
type UnbindResp struct {
	TLVs TLVs `json:"tlvs,omitempty"`
}

// CommandID returns CmdUnbindResp.
func (*UnbindResp) CommandID() CommandID { return CmdUnbindResp }
func (p *UnbindResp) appendBody(dst []byte) ([]byte, error) {
	return appendOnlyTLVs(dst, p.TLVs, CmdUnbindResp)
}
func (p *UnbindResp) decodeBody(d *decoder) { d.tlvs(&p.TLVs) }

// EnquireLink is enquire_link (SMPP v3.4 §4.11).
type EnquireLink struct {
	TLVs TLVs `json:"tlvs,omitempty"`
}

// CommandID returns CmdEnquireLink.
func (*EnquireLink) CommandID() CommandID { return CmdEnquireLink }
func (p *EnquireLink) appendBody(dst []byte) ([]byte, error) {
	return appendOnlyTLVs(dst, p.TLVs, CmdEnquireLink)
}
func (p *EnquireLink) decodeBody(d *decoder) { d.tlvs(&p.TLVs) }

// EnquireLinkResp is enquire_link_resp (SMPP v3.4 §4.11.2).
type EnquireLinkResp struct {
	TLVs TLVs `json:"tlvs,omitempty"`
}

// CommandID returns CmdEnquireLinkResp.
func (*EnquireLinkResp) CommandID() CommandID { return CmdEnquireLinkResp }
func (p *EnquireLinkResp) appendBody(dst []byte) ([]byte, error) {
	return appendOnlyTLVs(dst, p.TLVs, CmdEnquireLinkResp)
}
func (p *EnquireLinkResp) decodeBody(d *decoder) { d.tlvs(&p.TLVs) }

func appendOnlyTLVs(dst []byte, t TLVs, id CommandID) ([]byte, error) {
	var e encErr
	dst = appendTLVs(dst, t, &e)
	return dst, e.error(id)
}
