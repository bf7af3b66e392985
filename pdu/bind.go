package pdu

// Bind is bind_transmitter, bind_receiver or bind_transceiver, selected by
// Mode (SMPP v3.4 §4.1, pdus.md §6.1). The three share one body.
type Bind struct {
	Mode             BindMode `json:"-"`
	SystemID         string   `json:"system_id"`         // ≤15 characters
	Password         string   `json:"password"`          // ≤8 characters
	SystemType       string   `json:"system_type"`       // ≤12 characters
	InterfaceVersion uint8    `json:"interface_version"` // V34, V50, ≤V33
	AddrTON          TON      `json:"addr_ton"`
	AddrNPI          NPI      `json:"addr_npi"`
	AddressRange     string   `json:"address_range"` // ≤40 characters
}

// CommandID returns the bind command for p.Mode (bind_transmitter when Mode
// is unset).
func (p *Bind) CommandID() CommandID {
	if p.Mode == 0 {
		return CmdBindTransmitter
	}
	return p.Mode.CommandID()
}

func (p *Bind) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	if p.Mode > BindTransceiver {
		e.field, e.err = "mode", ErrBadValue
	}
	dst = appendCString(dst, p.SystemID, 16, "system_id", &e)
	dst = appendCString(dst, p.Password, 9, "password", &e)
	dst = appendCString(dst, p.SystemType, 13, "system_type", &e)
	dst = append(dst, p.InterfaceVersion, p.AddrTON, p.AddrNPI)
	dst = appendCString(dst, p.AddressRange, 41, "address_range", &e)
	return dst, e.error(p.CommandID())
}

func (p *Bind) decodeBody(d *decoder) {
	p.Mode = bindModeOf(d.id)
	d.cstring(&p.SystemID, 16, StatusInvSystemID, "system_id")
	d.cstring(&p.Password, 9, StatusInvPassword, "password")
	d.cstring(&p.SystemType, 13, StatusInvSystemType, "system_type")
	d.u8(&p.InterfaceVersion, "interface_version")
	d.u8(&p.AddrTON, "addr_ton")
	d.u8(&p.AddrNPI, "addr_npi")
	d.cstring(&p.AddressRange, 41, StatusBindFail, "address_range")
	if !d.strict {
		d.off = len(d.b) // tolerate trailing octets from non-conformant peers
	}
	d.end()
}

// BindResp is bind_transmitter_resp, bind_receiver_resp or
// bind_transceiver_resp, selected by Mode (SMPP v3.4 §4.1.2, pdus.md §6.2).
// The MC announces its version with the sc_interface_version TLV.
type BindResp struct {
	Mode     BindMode `json:"-"`
	SystemID string   `json:"system_id"`
	TLVs     TLVs     `json:"tlvs,omitempty"`
}

// CommandID returns the bind response command for p.Mode.
func (p *BindResp) CommandID() CommandID {
	if p.Mode == 0 {
		return CmdBindTransmitterResp
	}
	return p.Mode.CommandID().Response()
}

// InterfaceVersion returns the sc_interface_version TLV. When it is absent
// the ESME must treat the MC as v3.3 and send no TLVs (pdus.md §6.2).
func (p *BindResp) InterfaceVersion() (uint8, bool) { return p.TLVs.Uint8(TagSCInterfaceVersion) }

func (p *BindResp) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	if p.Mode > BindTransceiver {
		e.field, e.err = "mode", ErrBadValue
	}
	dst = appendCString(dst, p.SystemID, 16, "system_id", &e)
	dst = appendTLVs(dst, p.TLVs, &e)
	return dst, e.error(p.CommandID())
}

func (p *BindResp) decodeBody(d *decoder) {
	p.Mode = bindModeOf(d.id)
	d.cstring(&p.SystemID, 16, StatusInvSystemID, "system_id")
	d.tlvs(&p.TLVs)
}

// Outbind is outbind (SMPP v3.4 §4.1.7): the MC asks a listening ESME to
// bind as receiver. It has no response PDU.
type Outbind struct {
	SystemID string `json:"system_id"`
	Password string `json:"password"`
}

// CommandID returns CmdOutbind.
func (*Outbind) CommandID() CommandID { return CmdOutbind }

func (p *Outbind) appendBody(dst []byte) ([]byte, error) {
	var e encErr
	dst = appendCString(dst, p.SystemID, 16, "system_id", &e)
	dst = appendCString(dst, p.Password, 9, "password", &e)
	return dst, e.error(CmdOutbind)
}

func (p *Outbind) decodeBody(d *decoder) {
	d.cstring(&p.SystemID, 16, StatusInvSystemID, "system_id")
	d.cstring(&p.Password, 9, StatusInvPassword, "password")
	if !d.strict {
		d.off = len(d.b)
	}
	d.end()
}
