package pdu

// CancelBroadcastSM is cancel_broadcast_sm (SMPP v5.0 §4.4.5, pdus.md §6.22).
type CancelBroadcastSM struct {
	ServiceType   string `json:"service_type"`
	MessageID     string `json:"message_id"`
	SourceAddrTON TON    `json:"source_addr_ton"`
	SourceAddrNPI NPI    `json:"source_addr_npi"`
	SourceAddr    string `json:"source_addr"`
	TLVs          TLVs   `json:"tlvs,omitempty"`
}

// CommandID returns CmdCancelBroadcastSM.
func (*CancelBroadcastSM) CommandID() CommandID { return CmdCancelBroadcastSM }

func (p *CancelBroadcastSM) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.ServiceType, 6, "service_type", &e)
	dst = appendCString(dst, p.MessageID, 65, "message_id", &e)
	dst = append(dst, p.SourceAddrTON, p.SourceAddrNPI)
	dst = appendCString(dst, p.SourceAddr, 21, "source_addr", &e)
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(CmdCancelBroadcastSM)
}

func (p *CancelBroadcastSM) decodeBody(d *decoder) {
	d.cstring(&p.ServiceType, 6, StatusInvServiceType, "service_type")
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.u8(&p.SourceAddrTON, "source_addr_ton")
	d.u8(&p.SourceAddrNPI, "source_addr_npi")
	d.cstring(&p.SourceAddr, 21, StatusInvSrcAddr, "source_addr")
	d.tlvs(&p.TLVs)
}

// CancelBroadcastSMResp is cancel_broadcast_sm_resp (SMPP v5.0 §4.4.6): no
// mandatory body.
type CancelBroadcastSMResp struct {
	TLVs TLVs `json:"tlvs,omitempty"`
}

// CommandID returns CmdCancelBroadcastSMResp.
func (*CancelBroadcastSMResp) CommandID() CommandID { return CmdCancelBroadcastSMResp }
func (p *CancelBroadcastSMResp) appendBody(dst []byte) ([]byte, error) {
	return appendOnlyTLVs(dst, p.TLVs, CmdCancelBroadcastSMResp)
}
func (p *CancelBroadcastSMResp) decodeBody(d *decoder) { d.tlvs(&p.TLVs) }
