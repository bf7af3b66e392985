package pdu

// ReplaceSM is replace_sm (SMPP v3.4 §4.10, pdus.md §6.16): replace the text
// and times of an undelivered message. It has no service_type field.
type ReplaceSM struct {
	MessageID            string             `json:"message_id"`
	SourceAddrTON        TON                `json:"source_addr_ton"`
	SourceAddrNPI        NPI                `json:"source_addr_npi"`
	SourceAddr           string             `json:"source_addr"`
	ScheduleDeliveryTime string             `json:"schedule_delivery_time"`
	ValidityPeriod       string             `json:"validity_period"`
	RegisteredDelivery   RegisteredDelivery `json:"registered_delivery"`
	SMDefaultMsgID       uint8              `json:"sm_default_msg_id"`
	ShortMessage         OctetString        `json:"short_message"`
	TLVs                 TLVs               `json:"tlvs,omitempty"` // v5.0: message_payload
}

// CommandID returns CmdReplaceSM.
func (*ReplaceSM) CommandID() CommandID { return CmdReplaceSM }

func (p *ReplaceSM) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.MessageID, 65, "message_id", &e)
	dst = append(dst, p.SourceAddrTON, p.SourceAddrNPI)
	dst = appendCString(dst, p.SourceAddr, 21, "source_addr", &e)
	dst = appendTime(dst, p.ScheduleDeliveryTime, "schedule_delivery_time", &e)
	dst = appendTime(dst, p.ValidityPeriod, "validity_period", &e)
	dst = append(dst, p.RegisteredDelivery, p.SMDefaultMsgID)
	dst = appendShortMessage(dst, p.ShortMessage, &e)
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(CmdReplaceSM)
}

func (p *ReplaceSM) decodeBody(d *decoder) {
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.u8(&p.SourceAddrTON, "source_addr_ton")
	d.u8(&p.SourceAddrNPI, "source_addr_npi")
	d.cstring(&p.SourceAddr, 21, StatusInvSrcAddr, "source_addr")
	d.timeString(&p.ScheduleDeliveryTime, StatusInvSched, "schedule_delivery_time")
	d.timeString(&p.ValidityPeriod, StatusInvExpiry, "validity_period")
	d.u8(&p.RegisteredDelivery, "registered_delivery")
	d.u8(&p.SMDefaultMsgID, "sm_default_msg_id")
	d.shortMessage((*[]byte)(&p.ShortMessage))
	d.tlvs(&p.TLVs)
}

// ReplaceSMResp is replace_sm_resp (SMPP v3.4 §4.10.2): no mandatory body.
type ReplaceSMResp struct {
	TLVs TLVs `json:"tlvs,omitempty"`
}

// CommandID returns CmdReplaceSMResp.
func (*ReplaceSMResp) CommandID() CommandID { return CmdReplaceSMResp }
func (p *ReplaceSMResp) appendBody(dst []byte) ([]byte, error) {
	return appendOnlyTLVs(dst, p.TLVs, CmdReplaceSMResp)
}
func (p *ReplaceSMResp) decodeBody(d *decoder) { d.tlvs(&p.TLVs) }
