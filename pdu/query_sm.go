package pdu

// QuerySM is query_sm (SMPP v3.4 §4.8, pdus.md §6.13): the state of an
// earlier submission.
type QuerySM struct {
	MessageID     string `json:"message_id"`
	SourceAddrTON TON    `json:"source_addr_ton"`
	SourceAddrNPI NPI    `json:"source_addr_npi"`
	SourceAddr    string `json:"source_addr"`
}

// CommandID returns CmdQuerySM.
func (*QuerySM) CommandID() CommandID { return CmdQuerySM }

func (p *QuerySM) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.MessageID, 65, "message_id", &e)
	dst = append(dst, p.SourceAddrTON, p.SourceAddrNPI)
	dst = appendCString(dst, p.SourceAddr, 21, "source_addr", &e)
	return dst, e.error(CmdQuerySM)
}

func (p *QuerySM) decodeBody(d *decoder) {
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.u8(&p.SourceAddrTON, "source_addr_ton")
	d.u8(&p.SourceAddrNPI, "source_addr_npi")
	d.cstring(&p.SourceAddr, 21, StatusInvSrcAddr, "source_addr")
	if !d.strict {
		d.off = len(d.b)
	}
	d.end()
}

// QuerySMResp is query_sm_resp (SMPP v3.4 §4.8.2, pdus.md §6.14).
type QuerySMResp struct {
	MessageID    string       `json:"message_id"`
	FinalDate    string       `json:"final_date"` // "" until final
	MessageState MessageState `json:"message_state"`
	ErrorCode    uint8        `json:"error_code"`
	TLVs         TLVs         `json:"tlvs,omitempty"`
}

// CommandID returns CmdQuerySMResp.
func (*QuerySMResp) CommandID() CommandID { return CmdQuerySMResp }

func (p *QuerySMResp) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.MessageID, 65, "message_id", &e)
	dst = appendTime(dst, p.FinalDate, "final_date", &e)
	dst = append(dst, byte(p.MessageState), p.ErrorCode)
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(CmdQuerySMResp)
}

func (p *QuerySMResp) decodeBody(d *decoder) {
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.timeString(&p.FinalDate, StatusQueryFail, "final_date")
	d.u8((*uint8)(&p.MessageState), "message_state")
	d.u8(&p.ErrorCode, "error_code")
	d.tlvs(&p.TLVs)
}
