package dlr

import (
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/pdu"
)

// FromDeliverSM extracts the delivery receipt of a deliver_sm as the zero
// [Parser] does; see [Parser.FromDeliverSM].
func FromDeliverSM(p *pdu.DeliverSM) (Receipt, bool) { return Parser{}.FromDeliverSM(p) }

// FromDataSM extracts the delivery receipt of an MC→ESME data_sm as the
// zero [Parser] does; see [Parser.FromDataSM].
func FromDataSM(p *pdu.DataSM) (Receipt, bool) { return Parser{}.FromDataSM(p) }

// FromDeliverSM extracts the delivery receipt of a deliver_sm (SMPP v3.4
// §4.6.1, Appendix B; encoding.md §8). It reports false when p is nil or
// its esm_class message type is neither MC delivery receipt (0x04) nor
// intermediate notification (0x20) (encoding.md §2.2) — unless Sniff
// accepts it, see [Parser].
//
// The text is taken from short_message, or message_payload when
// short_message is empty, and parsed with [Parser.Parse]; a text that does
// not parse is kept in Raw only. Then the TLVs win (encoding.md §8.2):
// receipted_message_id replaces ID, message_state replaces State (and Stat
// when the text named another state or none), network_error_code fills
// NetworkError; FromTLV records which. A receipt whose text is empty or
// unparseable still yields whatever its TLVs carry, so check Fields.
func (ps Parser) FromDeliverSM(p *pdu.DeliverSM) (Receipt, bool) {
	if p == nil {
		return Receipt{}, false
	}
	return ps.fromPDU(p.ESMClass, receiptText(p.DataCoding, p.Message()), p.TLVs)
}

// FromDataSM is [Parser.FromDeliverSM] for an MC→ESME data_sm (SMPP v3.4
// §4.7.1), whose text travels in message_payload.
func (ps Parser) FromDataSM(p *pdu.DataSM) (Receipt, bool) {
	if p == nil {
		return Receipt{}, false
	}
	return ps.fromPDU(p.ESMClass, receiptText(p.DataCoding, p.Message()), p.TLVs)
}

// receiptText turns the user data of a receipt into text for the parser:
// UCS2 and Latin-1 are decoded; data_coding 0 is decoded as GSM 03.38 when it
// holds octets below 0x20 that only GSM gives a meaning to (as our builder
// and many MCs write it), else it is taken as ASCII, which GSM shares for
// every character the receipt keys use.
func receiptText(dc pdu.DataCoding, ud []byte) []byte {
	switch dc {
	case pdu.CodingUCS2, pdu.CodingLatin1:
		c, _ := coding.ForDataCoding(dc)
		if s, err := c.Decode(ud); err == nil {
			return []byte(s)
		}
	case pdu.CodingDefault:
		for _, b := range ud {
			if b < 0x20 && b != '\r' && b != '\n' && b != '\t' {
				if s, err := (coding.GSM7{}).Decode(ud); err == nil {
					return []byte(s)
				}
				break
			}
		}
	}
	return ud
}

// gsmText encodes a receipt text as unpacked GSM 03.38 for data_coding 0,
// replacing characters GSM cannot carry with '?'.
func gsmText(text []byte) []byte {
	b, err := (coding.GSM7{Strict: true}).Encode(string(text))
	if err == nil {
		return b
	}
	s := []rune(string(text))
	for i, r := range s {
		if _, err := (coding.GSM7{Strict: true}).Encode(string(r)); err != nil {
			s[i] = '?'
		}
	}
	b, _ = (coding.GSM7{Strict: true}).Encode(string(s))
	return b
}

func (ps Parser) fromPDU(esm pdu.ESMClass, msg []byte, tlvs pdu.TLVs) (Receipt, bool) {
	marked := pdu.IsReceipt(esm)
	if !marked && !ps.Sniff {
		return Receipt{}, false
	}
	r, _ := ps.Parse(msg) // the TLVs may make up for an unparseable text
	r.mergeTLVs(tlvs)
	if !marked && !r.Has(FieldID|FieldState) {
		return Receipt{}, false
	}
	r.Intermediate = esm&pdu.ESMTypeMask == pdu.ESMTypeIntermediate
	return r, true
}

// mergeTLVs lets the receipt TLVs override the text (encoding.md §8.2).
func (r *Receipt) mergeTLVs(t pdu.TLVs) {
	if id, ok := t.String(pdu.TagReceiptedMessageID); ok && id != "" {
		r.ID = id
		r.Fields |= FieldID
		r.FromTLV |= FieldID
	}
	if v, ok := t.Uint8(pdu.TagMessageState); ok {
		st := pdu.MessageState(v)
		if r.Fields&FieldState == 0 || r.State != st {
			r.Stat = st.Stat()
			r.FromTLV |= FieldStat
		}
		r.State = st
		r.Fields |= FieldStat | FieldState
		r.FromTLV |= FieldState
	}
	if v, ok := t.Get(pdu.TagNetworkErrorCode); ok && len(v) >= 3 {
		r.NetworkError = NetworkError{Type: v[0], Code: uint16(v[1])<<8 | uint16(v[2])}
		r.Fields |= FieldNetworkError
		r.FromTLV |= FieldNetworkError
	}
}

// BuildOptions selects how [Receipt.DeliverSM] builds a receipt PDU
// (encoding.md §8, tlvs.md §3.7).
type BuildOptions struct {
	// TLVs adds receipted_message_id, message_state and network_error_code
	// (encoding.md §8.2, tlvs.md §3.7). Set it only for a peer bound with
	// interface_version 0x34 or later: v3.3 has no TLVs.
	TLVs bool
	// Format is the receipt text variant.
	Format Format
}

// DeliverSM builds the deliver_sm an MC sends to report r (SMPP v3.4 §4.6.1,
// Appendix B; encoding.md §8). submitSource and submitDest are the source and
// destination of the original submit_sm: the receipt goes the other way, so
// its source is submitDest and its destination submitSource (SMPP v3.4
// §2.11, v5.0 §4.3.5.1).
//
// esm_class is 0x20 (intermediate notification) when r.Intermediate is set,
// else 0x04 (MC delivery receipt) (encoding.md §2.2). The text goes in
// short_message; with opt.TLVs a text longer than 254 octets (the v3.4
// limit, encoding.md §11.1) goes in message_payload instead, and the TLVs
// carry ID (when not empty), [Receipt.MessageState], and NetworkError when
// FieldNetworkError is set or it is non-zero. Without opt.TLVs (v3.3, whose
// short_message holds at most 160 octets) the text is not checked: keep
// Format.TextLen and vendor fields small.
func (r Receipt) DeliverSM(submitSource, submitDest pdu.Address, opt BuildOptions) *pdu.DeliverSM {
	p := &pdu.DeliverSM{ESMClass: r.esmClass()}
	p.SetSource(submitDest)
	p.SetDest(submitSource)
	text := gsmText(opt.Format.Append(make([]byte, 0, 160), r))
	if opt.TLVs {
		r.putTLVs(&p.TLVs)
		if len(text) > 254 {
			p.TLVs.Set(pdu.TagMessagePayload, text)
			return p
		}
	}
	p.ShortMessage = text
	return p
}

// DataSM builds an MC→ESME data_sm reporting r (SMPP v3.4 §4.7.1): like
// [Receipt.DeliverSM] with TLVs, the text in message_payload (data_sm exists
// only from v3.4, so the receipt TLVs are always added).
func (r Receipt) DataSM(submitSource, submitDest pdu.Address, f Format) *pdu.DataSM {
	p := &pdu.DataSM{
		SourceAddrTON: submitDest.TON, SourceAddrNPI: submitDest.NPI, SourceAddr: submitDest.Addr,
		DestAddrTON: submitSource.TON, DestAddrNPI: submitSource.NPI, DestinationAddr: submitSource.Addr,
		ESMClass: r.esmClass(),
	}
	r.putTLVs(&p.TLVs)
	p.TLVs.Set(pdu.TagMessagePayload, f.Append(make([]byte, 0, 160), r))
	return p
}

func (r Receipt) esmClass() pdu.ESMClass {
	if r.Intermediate {
		return pdu.ESMTypeIntermediate
	}
	return pdu.ESMTypeDeliveryReceipt
}

// putTLVs sets the receipt TLVs (tlvs.md §3.7).
func (r Receipt) putTLVs(t *pdu.TLVs) {
	if r.ID != "" {
		t.SetString(pdu.TagReceiptedMessageID, r.ID)
	}
	t.SetUint8(pdu.TagMessageState, uint8(r.MessageState()))
	if r.hasNetworkError() {
		ne := r.NetworkError
		t.Set(pdu.TagNetworkErrorCode, []byte{ne.Type, byte(ne.Code >> 8), byte(ne.Code)})
	}
}
