package pdu

// DataSM is data_sm (SMPP v3.4 §4.7, pdus.md §6.11), sent by an ESME or the
// MC. User data travels only in the message_payload TLV.
type DataSM struct {
	ServiceType        string             `json:"service_type"`
	SourceAddrTON      TON                `json:"source_addr_ton"`
	SourceAddrNPI      NPI                `json:"source_addr_npi"`
	SourceAddr         string             `json:"source_addr"` // ≤64 characters
	DestAddrTON        TON                `json:"dest_addr_ton"`
	DestAddrNPI        NPI                `json:"dest_addr_npi"`
	DestinationAddr    string             `json:"destination_addr"` // ≤64 characters
	ESMClass           ESMClass           `json:"esm_class"`
	RegisteredDelivery RegisteredDelivery `json:"registered_delivery"`
	DataCoding         DataCoding         `json:"data_coding"`
	TLVs               TLVs               `json:"tlvs"`
}

// CommandID returns CmdDataSM.
func (*DataSM) CommandID() CommandID { return CmdDataSM }

// Source returns the source address.
func (p *DataSM) Source() Address { return Address{p.SourceAddrTON, p.SourceAddrNPI, p.SourceAddr} }

// Dest returns the destination address.
func (p *DataSM) Dest() Address {
	return Address{p.DestAddrTON, p.DestAddrNPI, p.DestinationAddr}
}

// Message returns the message_payload TLV.
func (p *DataSM) Message() []byte { v, _ := p.TLVs.Get(TagMessagePayload); return v }

func (p *DataSM) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.ServiceType, 6, "service_type", &e)
	dst = append(dst, p.SourceAddrTON, p.SourceAddrNPI)
	dst = appendCString(dst, p.SourceAddr, 65, "source_addr", &e)
	dst = append(dst, p.DestAddrTON, p.DestAddrNPI)
	dst = appendCString(dst, p.DestinationAddr, 65, "destination_addr", &e)
	dst = append(dst, p.ESMClass, p.RegisteredDelivery, p.DataCoding)
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(CmdDataSM)
}

func (p *DataSM) decodeBody(d *decoder) {
	d.cstring(&p.ServiceType, 6, StatusInvServiceType, "service_type")
	d.u8(&p.SourceAddrTON, "source_addr_ton")
	d.u8(&p.SourceAddrNPI, "source_addr_npi")
	d.cstring(&p.SourceAddr, 65, StatusInvSrcAddr, "source_addr")
	d.u8(&p.DestAddrTON, "dest_addr_ton")
	d.u8(&p.DestAddrNPI, "dest_addr_npi")
	d.cstring(&p.DestinationAddr, 65, StatusInvDstAddr, "destination_addr")
	d.u8(&p.ESMClass, "esm_class")
	d.u8(&p.RegisteredDelivery, "registered_delivery")
	d.u8(&p.DataCoding, "data_coding")
	d.tlvs(&p.TLVs)
}

// DataSMResp is data_sm_resp (SMPP v3.4 §4.7.2).
type DataSMResp struct {
	MessageID string `json:"message_id"`
	TLVs      TLVs   `json:"tlvs,omitempty"`
}

// CommandID returns CmdDataSMResp.
func (*DataSMResp) CommandID() CommandID { return CmdDataSMResp }

func (p *DataSMResp) appendBody(dst []byte) ([]byte, error) {
	return appendMessageIDResp(dst, p.MessageID, p.TLVs, CmdDataSMResp)
}

func (p *DataSMResp) decodeBody(d *decoder) {
	d.cstring(&p.MessageID, 65, StatusInvMsgID, "message_id")
	d.tlvs(&p.TLVs)
}
