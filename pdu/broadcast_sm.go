package pdu

// BroadcastSM is broadcast_sm (SMPP v5.0 §4.4.1, pdus.md §6.18): a cell
// broadcast submission. The content travels in message_payload; the
// broadcast_area_identifier, broadcast_content_type, broadcast_rep_num and
// broadcast_frequency_interval TLVs are mandatory.
type BroadcastSM struct {
	ServiceType          string     `json:"service_type"`
	SourceAddrTON        TON        `json:"source_addr_ton"`
	SourceAddrNPI        NPI        `json:"source_addr_npi"`
	SourceAddr           string     `json:"source_addr"`
	MessageID            string     `json:"message_id"`
	PriorityFlag         uint8      `json:"priority_flag"`
	ScheduleDeliveryTime string     `json:"schedule_delivery_time"`
	ValidityPeriod       string     `json:"validity_period"`
	ReplaceIfPresentFlag uint8      `json:"replace_if_present_flag"`
	DataCoding           DataCoding `json:"data_coding"`
	SMDefaultMsgID       uint8      `json:"sm_default_msg_id"`
	TLVs                 TLVs       `json:"tlvs"`
}

// CommandID returns CmdBroadcastSM.
func (*BroadcastSM) CommandID() CommandID { return CmdBroadcastSM }

// MissingTLV returns the first mandatory TLV that is absent (answer with
// ESME_RMISSINGTLV), or 0.
func (p *BroadcastSM) MissingTLV() Tag {
	for _, t := range [...]Tag{TagBroadcastAreaIdentifier, TagBroadcastContentType, TagBroadcastRepNum, TagBroadcastFrequencyInterval} {
		if !p.TLVs.Has(t) {
			return t
		}
	}
	return 0
}

func (p *BroadcastSM) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.ServiceType, 6, "service_type", &e)
	dst = append(dst, p.SourceAddrTON, p.SourceAddrNPI)
	dst = appendCString(dst, p.SourceAddr, 21, "source_addr", &e)
	dst = appendCString(dst, p.MessageID, 65, "message_id", &e)
	dst = append(dst, p.PriorityFlag)
	dst = appendTime(dst, p.ScheduleDeliveryTime, "schedule_delivery_time", &e)
	dst = appendTime(dst, p.ValidityPeriod, "validity_period", &e)
	dst = append(dst, p.ReplaceIfPresentFlag, p.DataCoding, p.SMDefaultMsgID)
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(CmdBroadcastSM)
}

func (p *BroadcastSM) decodeBody(d *decoder) {
	d.cstring(&p.ServiceType, 6, StatusInvServiceType, "service_type")
	d.u8(&p.SourceAddrTON, "source_addr_ton")
	d.u8(&p.SourceAddrNPI, "source_addr_npi")
	d.cstring(&p.SourceAddr, 21, StatusInvSrcAddr, "source_addr")
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.u8(&p.PriorityFlag, "priority_flag")
	d.timeString(&p.ScheduleDeliveryTime, StatusInvSched, "schedule_delivery_time")
	d.timeString(&p.ValidityPeriod, StatusInvExpiry, "validity_period")
	d.u8(&p.ReplaceIfPresentFlag, "replace_if_present_flag")
	d.u8(&p.DataCoding, "data_coding")
	d.u8(&p.SMDefaultMsgID, "sm_default_msg_id")
	d.tlvs(&p.TLVs)
}

// BroadcastSMResp is broadcast_sm_resp (SMPP v5.0 §4.4.2, pdus.md §6.19).
type BroadcastSMResp struct {
	MessageID string `json:"message_id"`
	TLVs      TLVs   `json:"tlvs,omitempty"`
}

// CommandID returns CmdBroadcastSMResp.
func (*BroadcastSMResp) CommandID() CommandID { return CmdBroadcastSMResp }

func (p *BroadcastSMResp) appendBody(dst []byte) ([]byte, error) {
	return appendMessageIDResp(dst, p.MessageID, p.TLVs, CmdBroadcastSMResp)
}

func (p *BroadcastSMResp) decodeBody(d *decoder) {
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.tlvs(&p.TLVs)
}
