package pdu

// QueryBroadcastSM is query_broadcast_sm (SMPP v5.0 §4.4.3, pdus.md §6.20).
type QueryBroadcastSM struct {
	MessageID     string `json:"message_id"`
	SourceAddrTON TON    `json:"source_addr_ton"`
	SourceAddrNPI NPI    `json:"source_addr_npi"`
	SourceAddr    string `json:"source_addr"`
	TLVs          TLVs   `json:"tlvs,omitempty"` // user_message_reference
}

// CommandID returns CmdQueryBroadcastSM.
func (*QueryBroadcastSM) CommandID() CommandID { return CmdQueryBroadcastSM }

func (p *QueryBroadcastSM) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.MessageID, 65, "message_id", &e)
	dst = append(dst, p.SourceAddrTON, p.SourceAddrNPI)
	dst = appendCString(dst, p.SourceAddr, 21, "source_addr", &e)
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(CmdQueryBroadcastSM)
}

func (p *QueryBroadcastSM) decodeBody(d *decoder) {
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.u8(&p.SourceAddrTON, "source_addr_ton")
	d.u8(&p.SourceAddrNPI, "source_addr_npi")
	d.cstring(&p.SourceAddr, 21, StatusInvSrcAddr, "source_addr")
	d.tlvs(&p.TLVs)
}

// QueryBroadcastSMResp is query_broadcast_sm_resp (SMPP v5.0 §4.4.4,
// pdus.md §6.21). message_state, broadcast_area_identifier and
// broadcast_area_success travel as (mandatory) TLVs.
type QueryBroadcastSMResp struct {
	MessageID string `json:"message_id"`
	TLVs      TLVs   `json:"tlvs"`
}

// CommandID returns CmdQueryBroadcastSMResp.
func (*QueryBroadcastSMResp) CommandID() CommandID { return CmdQueryBroadcastSMResp }

func (p *QueryBroadcastSMResp) appendBody(dst []byte) ([]byte, error) {
	return appendMessageIDResp(dst, p.MessageID, p.TLVs, CmdQueryBroadcastSMResp)
}

func (p *QueryBroadcastSMResp) decodeBody(d *decoder) {
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.tlvs(&p.TLVs)
}
