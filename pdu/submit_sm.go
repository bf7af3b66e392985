package pdu

// SubmitSM is submit_sm (SMPP v3.4 §4.4, pdus.md §6.5): an ESME submits one
// short message. sm_length is derived from ShortMessage. To carry more than
// 255 octets use the message_payload TLV with an empty ShortMessage.
//
// The fields are declared strings first and one-octet fields last, which
// keeps the struct 32 octets smaller than wire order would (no padding after
// each TON/NPI pair); the wire tag gives each field's position in the body,
// and tools that print a PDU field by field (smpp decode) follow it.
type SubmitSM struct {
	ServiceType          string      `json:"service_type" wire:"1"`            // ≤5 characters
	SourceAddr           string      `json:"source_addr" wire:"4"`             // ≤20 characters
	DestinationAddr      string      `json:"destination_addr" wire:"7"`        // ≤20 characters
	ScheduleDeliveryTime string      `json:"schedule_delivery_time" wire:"11"` // "" or 16 characters
	ValidityPeriod       string      `json:"validity_period" wire:"12"`        // "" or 16 characters
	ShortMessage         OctetString `json:"short_message" wire:"17"`
	TLVs                 TLVs        `json:"tlvs" wire:"18"`

	SourceAddrTON        TON                `json:"source_addr_ton" wire:"2"`
	SourceAddrNPI        NPI                `json:"source_addr_npi" wire:"3"`
	DestAddrTON          TON                `json:"dest_addr_ton" wire:"5"`
	DestAddrNPI          NPI                `json:"dest_addr_npi" wire:"6"`
	ESMClass             ESMClass           `json:"esm_class" wire:"8"`
	ProtocolID           uint8              `json:"protocol_id" wire:"9"`
	PriorityFlag         uint8              `json:"priority_flag" wire:"10"`
	RegisteredDelivery   RegisteredDelivery `json:"registered_delivery" wire:"13"`
	ReplaceIfPresentFlag uint8              `json:"replace_if_present_flag" wire:"14"`
	DataCoding           DataCoding         `json:"data_coding" wire:"15"`
	SMDefaultMsgID       uint8              `json:"sm_default_msg_id" wire:"16"`

	tlvBuf [1]TLV // backing store for the usual single TLV: no allocation for it when decoding
}

// CommandID returns CmdSubmitSM.
func (*SubmitSM) CommandID() CommandID { return CmdSubmitSM }

// Source returns the source address.
func (p *SubmitSM) Source() Address {
	return Address{p.SourceAddrTON, p.SourceAddrNPI, p.SourceAddr}
}

// Dest returns the destination address.
func (p *SubmitSM) Dest() Address {
	return Address{p.DestAddrTON, p.DestAddrNPI, p.DestinationAddr}
}

// SetSource sets the source address fields.
func (p *SubmitSM) SetSource(a Address) {
	p.SourceAddrTON, p.SourceAddrNPI, p.SourceAddr = a.TON, a.NPI, a.Addr
}

// SetDest sets the destination address fields.
func (p *SubmitSM) SetDest(a Address) {
	p.DestAddrTON, p.DestAddrNPI, p.DestinationAddr = a.TON, a.NPI, a.Addr
}

// Message returns the user data: message_payload when present and
// short_message is empty, else short_message (encoding.md §11.1).
func (p *SubmitSM) Message() []byte {
	if len(p.ShortMessage) == 0 {
		if v, ok := p.TLVs.Get(TagMessagePayload); ok {
			return v
		}
	}
	return p.ShortMessage
}

func (p *SubmitSM) appendBody(dst []byte) ([]byte, error) {
	return p.appendSM(dst, CmdSubmitSM)
}

// appendSM encodes the 18-field body shared by submit_sm and deliver_sm,
// validating each field. (Encoder.Append tries appendFast first.)
func (p *SubmitSM) appendSM(dst []byte, id CommandID) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.ServiceType, 6, "service_type", &e)
	dst = append(dst, p.SourceAddrTON, p.SourceAddrNPI)
	dst = appendCString(dst, p.SourceAddr, 21, "source_addr", &e)
	dst = append(dst, p.DestAddrTON, p.DestAddrNPI)
	dst = appendCString(dst, p.DestinationAddr, 21, "destination_addr", &e)
	dst = append(dst, p.ESMClass, p.ProtocolID, p.PriorityFlag)
	dst = appendTime(dst, p.ScheduleDeliveryTime, "schedule_delivery_time", &e)
	dst = appendTime(dst, p.ValidityPeriod, "validity_period", &e)
	dst = append(dst, p.RegisteredDelivery, p.ReplaceIfPresentFlag, p.DataCoding, p.SMDefaultMsgID)
	dst = appendShortMessage(dst, p.ShortMessage, &e)
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(id)
}

func (p *SubmitSM) decodeBody(d *decoder) {
	d.cstring(&p.ServiceType, 6, StatusInvServiceType, "service_type")
	d.u8x2(&p.SourceAddrTON, &p.SourceAddrNPI, "source_addr_ton")
	d.cstring(&p.SourceAddr, 21, StatusInvSrcAddr, "source_addr")
	d.u8x2(&p.DestAddrTON, &p.DestAddrNPI, "dest_addr_ton")
	d.cstring(&p.DestinationAddr, 21, StatusInvDstAddr, "destination_addr")
	d.u8x3(&p.ESMClass, &p.ProtocolID, &p.PriorityFlag, "esm_class")
	d.timeString(&p.ScheduleDeliveryTime, StatusInvSched, "schedule_delivery_time")
	d.timeString(&p.ValidityPeriod, StatusInvExpiry, "validity_period")
	d.u8x4(&p.RegisteredDelivery, &p.ReplaceIfPresentFlag, &p.DataCoding, &p.SMDefaultMsgID, "registered_delivery")
	d.shortMessage((*[]byte)(&p.ShortMessage))
	p.TLVs = p.tlvBuf[:0]
	d.tlvs(&p.TLVs)
	if len(p.TLVs) == 0 {
		p.TLVs = nil
	}
}

// SubmitSMResp is submit_sm_resp (SMPP v3.4 §4.4.2, pdus.md §6.6).
type SubmitSMResp struct {
	MessageID string `json:"message_id"` // ≤64 characters
	TLVs      TLVs   `json:"tlvs,omitempty"`
}

// CommandID returns CmdSubmitSMResp.
func (*SubmitSMResp) CommandID() CommandID { return CmdSubmitSMResp }

func (p *SubmitSMResp) appendBody(dst []byte) ([]byte, error) {
	return appendMessageIDResp(dst, p.MessageID, p.TLVs, CmdSubmitSMResp)
}

func (p *SubmitSMResp) decodeBody(d *decoder) {
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.tlvs(&p.TLVs)
}

func appendMessageIDResp(dst []byte, id string, t TLVs, cmd CommandID) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, id, 65, "message_id", &e)
	dst = appendTLVs(dst, t, &e)
	return dst, e.error(cmd)
}
