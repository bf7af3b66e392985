package pdu

import "encoding/json"

// Destination flags of submit_multi (SMPP v3.4 §5.2.25).
const (
	DestFlagSME uint8 = 0x01 // SME address
	DestFlagDL  uint8 = 0x02 // distribution list name
)

// DestAddress is one dest_address of submit_multi (pdus.md §6.7): an SME
// address (DestFlag 1) or a distribution list name (DestFlag 2).
type DestAddress struct {
	DestFlag        uint8
	DestAddrTON     TON
	DestAddrNPI     NPI
	DestinationAddr string // ≤20 characters, DestFlag 1
	DLName          string // ≤20 characters, DestFlag 2
}

type destAddrSME struct {
	DestFlag        uint8  `json:"dest_flag"`
	DestAddrTON     uint8  `json:"dest_addr_ton"`
	DestAddrNPI     uint8  `json:"dest_addr_npi"`
	DestinationAddr string `json:"destination_addr"`
}

type destAddrDL struct {
	DestFlag uint8  `json:"dest_flag"`
	DLName   string `json:"dl_name"`
}

// MarshalJSON writes the fields of the entry's form only.
func (a DestAddress) MarshalJSON() ([]byte, error) {
	if a.DestFlag == DestFlagDL {
		return json.Marshal(destAddrDL{a.DestFlag, a.DLName})
	}
	return json.Marshal(destAddrSME{a.DestFlag, a.DestAddrTON, a.DestAddrNPI, a.DestinationAddr})
}

// UnmarshalJSON reads either form.
func (a *DestAddress) UnmarshalJSON(b []byte) error {
	var v struct {
		destAddrSME
		DLName string `json:"dl_name"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*a = DestAddress{v.DestFlag, v.DestAddrTON, v.DestAddrNPI, v.DestinationAddr, v.DLName}
	return nil
}

// SubmitMulti is submit_multi (SMPP v3.4 §4.5, pdus.md §6.7): one message to
// up to 255 SME addresses and distribution lists. number_of_dests is derived
// from DestAddresses.
type SubmitMulti struct {
	ServiceType          string             `json:"service_type"`
	SourceAddrTON        TON                `json:"source_addr_ton"`
	SourceAddrNPI        NPI                `json:"source_addr_npi"`
	SourceAddr           string             `json:"source_addr"`
	DestAddresses        []DestAddress      `json:"dest_addresses"`
	ESMClass             ESMClass           `json:"esm_class"`
	ProtocolID           uint8              `json:"protocol_id"`
	PriorityFlag         uint8              `json:"priority_flag"`
	ScheduleDeliveryTime string             `json:"schedule_delivery_time"`
	ValidityPeriod       string             `json:"validity_period"`
	RegisteredDelivery   RegisteredDelivery `json:"registered_delivery"`
	ReplaceIfPresentFlag uint8              `json:"replace_if_present_flag"`
	DataCoding           DataCoding         `json:"data_coding"`
	SMDefaultMsgID       uint8              `json:"sm_default_msg_id"`
	ShortMessage         OctetString        `json:"short_message"`
	TLVs                 TLVs               `json:"tlvs"`
}

// CommandID returns CmdSubmitMulti.
func (*SubmitMulti) CommandID() CommandID { return CmdSubmitMulti }

// Source returns the source address.
func (p *SubmitMulti) Source() Address {
	return Address{p.SourceAddrTON, p.SourceAddrNPI, p.SourceAddr}
}

// Message returns message_payload when present and short_message is empty,
// else short_message.
func (p *SubmitMulti) Message() []byte {
	if len(p.ShortMessage) == 0 {
		if v, ok := p.TLVs.Get(TagMessagePayload); ok {
			return v
		}
	}
	return p.ShortMessage
}

func (p *SubmitMulti) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.ServiceType, 6, "service_type", &e)
	dst = append(dst, p.SourceAddrTON, p.SourceAddrNPI)
	dst = appendCString(dst, p.SourceAddr, 21, "source_addr", &e)
	if len(p.DestAddresses) > 255 && e.err == nil {
		e.field, e.err = "number_of_dests", ErrTooLong
	}
	if len(p.DestAddresses) == 0 && e.err == nil {
		e.field, e.err = "number_of_dests", errNoDests
	}
	dst = append(dst, byte(len(p.DestAddresses)))
	for _, a := range p.DestAddresses {
		dst = append(dst, a.DestFlag)
		switch a.DestFlag {
		case DestFlagSME:
			dst = append(dst, a.DestAddrTON, a.DestAddrNPI)
			dst = appendCString(dst, a.DestinationAddr, 21, "destination_addr", &e)
		case DestFlagDL:
			dst = appendCString(dst, a.DLName, 21, "dl_name", &e)
		default:
			if e.err == nil {
				e.field, e.err = "dest_flag", ErrBadValue
			}
		}
	}
	dst = append(dst, p.ESMClass, p.ProtocolID, p.PriorityFlag)
	dst = appendTime(dst, p.ScheduleDeliveryTime, "schedule_delivery_time", &e)
	dst = appendTime(dst, p.ValidityPeriod, "validity_period", &e)
	dst = append(dst, p.RegisteredDelivery, p.ReplaceIfPresentFlag, p.DataCoding, p.SMDefaultMsgID)
	dst = appendShortMessage(dst, p.ShortMessage, &e)
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(CmdSubmitMulti)
}

func (p *SubmitMulti) decodeBody(d *decoder) {
	d.cstring(&p.ServiceType, 6, StatusInvServiceType, "service_type")
	d.u8(&p.SourceAddrTON, "source_addr_ton")
	d.u8(&p.SourceAddrNPI, "source_addr_npi")
	d.cstring(&p.SourceAddr, 21, StatusInvSrcAddr, "source_addr")
	var n uint8
	d.u8(&n, "number_of_dests")
	if d.ok() && d.strict && n == 0 {
		d.fail("number_of_dests", StatusInvNumDests, ErrBadValue)
	}
	// Each entry is at least 2 octets: bound the allocation by the body.
	if d.ok() && int(n)*2 > d.remaining() {
		d.fail("dest_address", StatusInvCmdLen, ErrTruncated)
	}
	if d.ok() && n > 0 {
		p.DestAddresses = make([]DestAddress, n)
		for i := range p.DestAddresses {
			a := &p.DestAddresses[i]
			d.u8(&a.DestFlag, "dest_flag")
			if !d.ok() {
				break
			}
			switch a.DestFlag {
			case DestFlagSME:
				d.u8(&a.DestAddrTON, "dest_addr_ton")
				d.u8(&a.DestAddrNPI, "dest_addr_npi")
				d.cstring(&a.DestinationAddr, 21, StatusInvDstAddr, "destination_addr")
			case DestFlagDL:
				d.cstring(&a.DLName, 21, StatusInvDLName, "dl_name")
			default:
				d.fail("dest_flag", StatusInvDestFlag, ErrBadValue)
			}
		}
	}
	d.u8(&p.ESMClass, "esm_class")
	d.u8(&p.ProtocolID, "protocol_id")
	d.u8(&p.PriorityFlag, "priority_flag")
	d.timeString(&p.ScheduleDeliveryTime, StatusInvSched, "schedule_delivery_time")
	d.timeString(&p.ValidityPeriod, StatusInvExpiry, "validity_period")
	d.u8(&p.RegisteredDelivery, "registered_delivery")
	d.u8(&p.ReplaceIfPresentFlag, "replace_if_present_flag")
	d.u8(&p.DataCoding, "data_coding")
	d.u8(&p.SMDefaultMsgID, "sm_default_msg_id")
	d.shortMessage((*[]byte)(&p.ShortMessage))
	d.tlvs(&p.TLVs)
}

// UnsuccessSME is one unsuccess_sme entry of submit_multi_resp (pdus.md
// §6.8): a destination that was not accepted and why.
type UnsuccessSME struct {
	DestAddrTON     TON    `json:"dest_addr_ton"`
	DestAddrNPI     NPI    `json:"dest_addr_npi"`
	DestinationAddr string `json:"destination_addr"`
	ErrorStatusCode Status `json:"error_status_code"`
}

// SubmitMultiResp is submit_multi_resp (SMPP v3.4 §4.5.2). no_unsuccess is
// derived from UnsuccessSMEs.
type SubmitMultiResp struct {
	MessageID     string         `json:"message_id"`
	UnsuccessSMEs []UnsuccessSME `json:"unsuccess_smes"`
	TLVs          TLVs           `json:"tlvs,omitempty"`
}

// CommandID returns CmdSubmitMultiResp.
func (*SubmitMultiResp) CommandID() CommandID { return CmdSubmitMultiResp }

func (p *SubmitMultiResp) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.MessageID, 65, "message_id", &e)
	if len(p.UnsuccessSMEs) > 255 && e.err == nil {
		e.field, e.err = "no_unsuccess", ErrTooLong
	}
	dst = append(dst, byte(len(p.UnsuccessSMEs)))
	for _, u := range p.UnsuccessSMEs {
		dst = append(dst, u.DestAddrTON, u.DestAddrNPI)
		dst = appendCString(dst, u.DestinationAddr, 21, "destination_addr", &e)
		s := uint32(u.ErrorStatusCode)
		dst = append(dst, byte(s>>24), byte(s>>16), byte(s>>8), byte(s))
	}
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(CmdSubmitMultiResp)
}

func (p *SubmitMultiResp) decodeBody(d *decoder) {
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	var n uint8
	d.u8(&n, "no_unsuccess")
	if d.ok() && int(n)*7 > d.remaining() {
		d.fail("unsuccess_sme", StatusInvCmdLen, ErrTruncated)
	}
	if d.ok() && n > 0 {
		p.UnsuccessSMEs = make([]UnsuccessSME, n)
		for i := range p.UnsuccessSMEs {
			u := &p.UnsuccessSMEs[i]
			d.u8(&u.DestAddrTON, "dest_addr_ton")
			d.u8(&u.DestAddrNPI, "dest_addr_npi")
			d.cstring(&u.DestinationAddr, 21, StatusInvDstAddr, "destination_addr")
			d.u32((*uint32)(&u.ErrorStatusCode), "error_status_code")
		}
	}
	d.tlvs(&p.TLVs)
}
