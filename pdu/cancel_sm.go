package pdu

// CancelSM is cancel_sm (SMPP v3.4 §4.9, pdus.md §6.15). An empty MessageID
// cancels every undelivered message matching source, destination and
// (when set) service_type.
type CancelSM struct {
	ServiceType     string `json:"service_type"`
	MessageID       string `json:"message_id"`
	SourceAddrTON   TON    `json:"source_addr_ton"`
	SourceAddrNPI   NPI    `json:"source_addr_npi"`
	SourceAddr      string `json:"source_addr"`
	DestAddrTON     TON    `json:"dest_addr_ton"`
	DestAddrNPI     NPI    `json:"dest_addr_npi"`
	DestinationAddr string `json:"destination_addr"`
}

// CommandID returns CmdCancelSM.
func (*CancelSM) CommandID() CommandID { return CmdCancelSM }

func (p *CancelSM) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.ServiceType, 6, "service_type", &e)
	dst = appendCString(dst, p.MessageID, 65, "message_id", &e)
	dst = append(dst, p.SourceAddrTON, p.SourceAddrNPI)
	dst = appendCString(dst, p.SourceAddr, 21, "source_addr", &e)
	dst = append(dst, p.DestAddrTON, p.DestAddrNPI)
	dst = appendCString(dst, p.DestinationAddr, 21, "destination_addr", &e)
	return dst, e.error(CmdCancelSM)
}

func (p *CancelSM) decodeBody(d *decoder) {
	d.cstring(&p.ServiceType, 6, StatusInvServiceType, "service_type")
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.u8(&p.SourceAddrTON, "source_addr_ton")
	d.u8(&p.SourceAddrNPI, "source_addr_npi")
	d.cstring(&p.SourceAddr, 21, StatusInvSrcAddr, "source_addr")
	d.u8(&p.DestAddrTON, "dest_addr_ton")
	d.u8(&p.DestAddrNPI, "dest_addr_npi")
	d.cstring(&p.DestinationAddr, 21, StatusInvDstAddr, "destination_addr")
	if !d.strict {
		d.off = len(d.b)
	}
	d.end()
}

// CancelSMResp is cancel_sm_resp (SMPP v3.4 §4.9.2): no mandatory body.
type CancelSMResp struct {
	TLVs TLVs `json:"tlvs,omitempty"`
}

// CommandID returns CmdCancelSMResp.
func (*CancelSMResp) CommandID() CommandID { return CmdCancelSMResp }
func (p *CancelSMResp) appendBody(dst []byte) ([]byte, error) {
	return appendOnlyTLVs(dst, p.TLVs, CmdCancelSMResp)
}
func (p *CancelSMResp) decodeBody(d *decoder) { d.tlvs(&p.TLVs) }
