package pdu

// AlertNotification is alert_notification (SMPP v3.4 §4.12, pdus.md §6.17):
// the MC tells an ESME that a mobile it asked about (set_dpf) is reachable.
// It has no response PDU.
type AlertNotification struct {
	SourceAddrTON TON    `json:"source_addr_ton"`
	SourceAddrNPI NPI    `json:"source_addr_npi"`
	SourceAddr    string `json:"source_addr"` // ≤64 characters
	ESMEAddrTON   TON    `json:"esme_addr_ton"`
	ESMEAddrNPI   NPI    `json:"esme_addr_npi"`
	ESMEAddr      string `json:"esme_addr"` // ≤64 characters
	TLVs          TLVs   `json:"tlvs,omitempty"`
}

// CommandID returns CmdAlertNotification.
func (*AlertNotification) CommandID() CommandID { return CmdAlertNotification }

func (p *AlertNotification) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = append(dst, p.SourceAddrTON, p.SourceAddrNPI)
	dst = appendCString(dst, p.SourceAddr, 65, "source_addr", &e)
	dst = append(dst, p.ESMEAddrTON, p.ESMEAddrNPI)
	dst = appendCString(dst, p.ESMEAddr, 65, "esme_addr", &e)
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(CmdAlertNotification)
}

func (p *AlertNotification) decodeBody(d *decoder) {
	d.u8(&p.SourceAddrTON, "source_addr_ton")
	d.u8(&p.SourceAddrNPI, "source_addr_npi")
	d.cstring(&p.SourceAddr, 65, StatusInvSrcAddr, "source_addr")
	d.u8(&p.ESMEAddrTON, "esme_addr_ton")
	d.u8(&p.ESMEAddrNPI, "esme_addr_npi")
	d.cstring(&p.ESMEAddr, 65, StatusInvDstAddr, "esme_addr")
	d.tlvs(&p.TLVs)
}
