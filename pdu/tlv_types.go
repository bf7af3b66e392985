package pdu

// Structured TLV values (tlvs.md §2). The plain named accessors of every tag
// are generated into tlv_accessors.go; this file holds the decoding of the
// few values with an internal layout, and the helpers the generated code uses.

// NetworkErrorCode is the value of network_error_code (0x0423), SMPP v3.4
// §5.3.2.31 and v5.0 §4.8.4.42: the network error of a failed delivery.
type NetworkErrorCode struct {
	// Type is the network type: 1 ANSI-136 (v5.0: access denied reason),
	// 2 IS-95 (v5.0: access denied reason), 3 GSM; v5.0 adds 4 ANSI-136
	// cause code, 5 IS-95 cause code, 6 ANSI-41 error, 7 SMPP error,
	// 8 MC specific.
	Type uint8
	Code uint16 // the error code of that network
}

// NetworkError returns network_error_code (0x0423) decoded. ok is false when
// the TLV is absent or not 3 octets long.
func (t TLVs) NetworkError() (_ NetworkErrorCode, ok bool) {
	v, ok := t.Get(TagNetworkErrorCode)
	if !ok || len(v) != 3 {
		return NetworkErrorCode{}, false
	}
	return NetworkErrorCode{Type: v[0], Code: uint16(v[1])<<8 | uint16(v[2])}, true
}

// SetNetworkError sets network_error_code (0x0423) to its 3-octet encoding,
// replacing any earlier instances.
func (t *TLVs) SetNetworkError(v NetworkErrorCode) {
	t.Set(TagNetworkErrorCode, []byte{v.Type, byte(v.Code >> 8), byte(v.Code)})
}

// BroadcastFrequencyInterval is the value of broadcast_frequency_interval
// (0x0605), SMPP v5.0 §4.8.4.11: the interval between repeated broadcasts,
// Count times Unit.
type BroadcastFrequencyInterval struct {
	Unit  uint8 // one of the BroadcastUnit constants
	Count uint16
}

// Units of broadcast_frequency_interval (SMPP v5.0 §4.8.4.11); other values
// are reserved.
const (
	BroadcastUnitASAP    uint8 = 0x00 // as frequently as possible
	BroadcastUnitSeconds uint8 = 0x08
	BroadcastUnitMinutes uint8 = 0x09
	BroadcastUnitHours   uint8 = 0x0A
	BroadcastUnitDays    uint8 = 0x0B
	BroadcastUnitWeeks   uint8 = 0x0C
	BroadcastUnitMonths  uint8 = 0x0D
	BroadcastUnitYears   uint8 = 0x0E
)

// BroadcastFrequency returns broadcast_frequency_interval (0x0605) decoded.
// ok is false when the TLV is absent or not 3 octets long.
func (t TLVs) BroadcastFrequency() (_ BroadcastFrequencyInterval, ok bool) {
	v, ok := t.Get(TagBroadcastFrequencyInterval)
	if !ok || len(v) != 3 {
		return BroadcastFrequencyInterval{}, false
	}
	return BroadcastFrequencyInterval{Unit: v[0], Count: uint16(v[1])<<8 | uint16(v[2])}, true
}

// SetBroadcastFrequency sets broadcast_frequency_interval (0x0605) to its
// 3-octet encoding, replacing any earlier instances. Example: {Unit:
// BroadcastUnitMinutes, Count: 31} is 09 001F, every 31 minutes.
func (t *TLVs) SetBroadcastFrequency(v BroadcastFrequencyInterval) {
	t.Set(TagBroadcastFrequencyInterval, []byte{v.Unit, byte(v.Count >> 8), byte(v.Count)})
}

// BroadcastContentType is the value of broadcast_content_type (0x0601),
// SMPP v5.0 §4.8.4.8.
type BroadcastContentType struct {
	// NetworkTag is 0 generic, 1 GSM (3GPP 23.041), 2 TDMA (IS-824/ANSI-41),
	// 3 CDMA (IS-824/IS-637).
	NetworkTag uint8
	// Type is the content type; for the generic network tag see tlvs.md
	// §4.3 (0x0001 emergency broadcasts, 0x0010 news flashes, ...).
	Type uint16
}

// BroadcastContent returns broadcast_content_type (0x0601) decoded. ok is
// false when the TLV is absent or not 3 octets long.
func (t TLVs) BroadcastContent() (_ BroadcastContentType, ok bool) {
	v, ok := t.Get(TagBroadcastContentType)
	if !ok || len(v) != 3 {
		return BroadcastContentType{}, false
	}
	return BroadcastContentType{NetworkTag: v[0], Type: uint16(v[1])<<8 | uint16(v[2])}, true
}

// SetBroadcastContent sets broadcast_content_type (0x0601) to its 3-octet
// encoding, replacing any earlier instances.
func (t *TLVs) SetBroadcastContent(v BroadcastContentType) {
	t.Set(TagBroadcastContentType, []byte{v.NetworkTag, byte(v.Type >> 8), byte(v.Type)})
}

// MSValidity is the value of ms_validity (0x1204), SMPP v3.4 §5.3.2.27 and
// v5.0 §4.8.4.41: how long the MS keeps the message. v3.4 defines the
// 1-octet form (Behaviour only); v5.0 adds a 4-octet form for a relative
// period of Count times Unit.
type MSValidity struct {
	// Behaviour is 0 store indefinitely (default), 1 power down, 2 until the
	// registration area changes (v3.4: SID-based registration area),
	// 3 display only, 4 relative time period (v5.0).
	Behaviour uint8
	// Unit of the v5.0 relative period: 0 seconds, 1 minutes, 2 hours,
	// 3 days, 4 weeks, 5 months, 6 years.
	Unit  uint8
	Count uint16
}

// MSValidityRelative is the ms_validity behaviour that carries a relative
// period (v5.0).
const MSValidityRelative uint8 = 4

// MSValidityInfo returns ms_validity (0x1204) decoded from its 1- or 4-octet
// form. ok is false when the TLV is absent or of another length.
func (t TLVs) MSValidityInfo() (_ MSValidity, ok bool) {
	v, ok := t.Get(TagMSValidity)
	switch {
	case !ok:
		return MSValidity{}, false
	case len(v) == 1:
		return MSValidity{Behaviour: v[0]}, true
	case len(v) == 4:
		return MSValidity{Behaviour: v[0], Unit: v[1], Count: uint16(v[2])<<8 | uint16(v[3])}, true
	}
	return MSValidity{}, false
}

// SetMSValidityInfo sets ms_validity (0x1204), replacing any earlier
// instances. The 4-octet v5.0 form is sent when Behaviour is
// [MSValidityRelative] or a period is given, else the 1-octet form every
// version understands.
func (t *TLVs) SetMSValidityInfo(v MSValidity) {
	if v.Behaviour != MSValidityRelative && v.Unit == 0 && v.Count == 0 {
		t.Set(TagMSValidity, []byte{v.Behaviour})
		return
	}
	t.Set(TagMSValidity, []byte{v.Behaviour, v.Unit, byte(v.Count >> 8), byte(v.Count)})
}

// CallbackNumber is the value of callback_num (0x0381), SMPP v3.4 §5.3.2.36
// and v5.0 §4.8.4.15: a number the recipient can call back.
type CallbackNumber struct {
	ASCII  bool // digit mode bit: true sends the digits as ASCII, false as DTMF/TBCD
	TON    TON
	NPI    NPI
	Digits string // the number as ASCII digits, at most 16
}

func decodeCallbackNumber(v []byte) (CallbackNumber, bool) {
	if len(v) < 3 {
		return CallbackNumber{}, false
	}
	return CallbackNumber{ASCII: v[0]&1 != 0, TON: v[1], NPI: v[2], Digits: string(v[3:])}, true
}

func (c CallbackNumber) encode() []byte {
	b := make([]byte, 3, 3+len(c.Digits))
	if c.ASCII {
		b[0] = 1
	}
	b[1], b[2] = c.TON, c.NPI
	return append(b, c.Digits...)
}

// CallbackNumber returns the first callback_num (0x0381) decoded. ok is false
// when the TLV is absent or shorter than its 3 header octets.
func (t TLVs) CallbackNumber() (_ CallbackNumber, ok bool) {
	v, ok := t.Get(TagCallbackNum)
	if !ok {
		return CallbackNumber{}, false
	}
	return decodeCallbackNumber(v)
}

// CallbackNumbers returns every callback_num (0x0381) decoded, in wire order;
// callback_num_pres_ind and callback_num_atag instances pair with them in the
// same order. An instance too short to decode yields the zero CallbackNumber,
// so positions stay aligned.
func (t TLVs) CallbackNumbers() []CallbackNumber {
	var out []CallbackNumber
	for _, v := range t.All(TagCallbackNum) {
		c, _ := decodeCallbackNumber(v)
		out = append(out, c)
	}
	return out
}

// SetCallbackNumber sets callback_num (0x0381), replacing any earlier
// instances.
func (t *TLVs) SetCallbackNumber(c CallbackNumber) { t.Set(TagCallbackNum, c.encode()) }

// AddCallbackNumber appends a callback_num (0x0381) instance, keeping the
// earlier ones.
func (t *TLVs) AddCallbackNumber(c CallbackNumber) { t.Add(TagCallbackNum, c.encode()) }

// uint32N returns an integer TLV of 1 to n octets whose value fits in 32
// bits (for dest_addr_np_country, a 5-octet integer).
func (t TLVs) uint32N(tag Tag, n int) (uint32, bool) {
	v, ok := t.Get(tag)
	if !ok || len(v) == 0 || len(v) > n {
		return 0, false
	}
	var x uint64
	for _, c := range v {
		x = x<<8 | uint64(c)
	}
	if x > 0xFFFFFFFF {
		return 0, false
	}
	return uint32(x), true
}

// setUint32N sets an n-octet (n ≥ 4) big-endian integer TLV.
func (t *TLVs) setUint32N(tag Tag, v uint32, n int) {
	b := make([]byte, n)
	b[n-4], b[n-3], b[n-2], b[n-1] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	t.Set(tag, b)
}

// allUint8 returns every instance of a 1-octet integer TLV in wire order; an
// empty instance yields 0.
func (t TLVs) allUint8(tag Tag) []uint8 {
	var out []uint8
	for i := range t {
		if t[i].Tag == tag {
			var x uint8
			if v := t[i].Value; len(v) > 0 {
				x = v[len(v)-1]
			}
			out = append(out, x)
		}
	}
	return out
}

// allUint32 returns every instance of an integer TLV of 1 to 4 octets in
// wire order; an instance of another length yields 0.
func (t TLVs) allUint32(tag Tag) []uint32 {
	var out []uint32
	for i := range t {
		if t[i].Tag == tag {
			var x uint32
			if v := t[i].Value; len(v) <= 4 {
				for _, c := range v {
					x = x<<8 | uint32(c)
				}
			}
			out = append(out, x)
		}
	}
	return out
}
