package dlr

import (
	"strconv"
	"strings"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Receipt is one delivery receipt: the fields of the SMPP v3.4 Appendix B
// text (encoding.md §8.1) merged with the receipt TLVs of deliver_sm/data_sm
// (receipted_message_id, message_state, network_error_code; tlvs.md §2,
// encoding.md §8.2).
//
// Fields records which values were present; a missing field keeps its zero
// value. FromTLV records which of them came from a TLV rather than the text.
type Receipt struct {
	// ID is the message id as received (decimal, hex or anything else):
	// the receipted_message_id TLV when present, else the text's "id:".
	ID string
	// Sub and Dlvrd are the "sub:" (messages submitted) and "dlvrd:"
	// (messages delivered) counts; both are usually 1 (Appendix B).
	Sub, Dlvrd int
	// SubmitDate and DoneDate are "submit date:" and "done date:". A date
	// that is missing or not a valid YYMMDDhhmm[ss] / YYYYMMDDhhmmss value
	// is the zero time.
	SubmitDate, DoneDate time.Time
	// Stat is the "stat:" text as received ("DELIVRD", "delivered", ...),
	// or the Appendix B text of the message_state TLV when that TLV
	// overrides a text that says otherwise.
	Stat string
	// State is the message state (encoding.md §7) that Stat names, or the
	// message_state TLV. It is meaningful when Fields has FieldState; an
	// unrecognised Stat leaves FieldState unset and State StateUnknown.
	State pdu.MessageState
	// Err is the "err:" text as received, e.g. "000".
	Err string
	// Text is the "text:" value: the first characters of the original
	// message, up to the end of the data.
	Text string
	// NetworkError is the network_error_code TLV (0x0423).
	NetworkError NetworkError
	// Intermediate reports an intermediate notification (esm_class message
	// type 0x20) rather than a final MC delivery receipt (0x04),
	// encoding.md §2.2. The builders use it to choose the esm_class.
	Intermediate bool
	// Fields records which fields were present in the text or TLVs.
	Fields Field
	// FromTLV records which fields were taken from TLVs: a subset of
	// FieldID, FieldState, FieldStat (when the TLV replaced the Stat
	// text) and FieldNetworkError.
	FromTLV Field
	// Vendor holds fields with keys outside Appendix B ("IMSI:", "MSC:"),
	// in text order, keys as received.
	Vendor []VendorField
	// Raw is the receipt text as received, before any trimming; empty for
	// receipts built in code.
	Raw string
}

// Field is a set of receipt fields (encoding.md §8.1), used by
// [Receipt.Fields] and [Receipt.FromTLV].
type Field uint16

// Receipt fields (encoding.md §8.1, plus the TLV-only network error of
// §8.2).
const (
	FieldID           Field = 1 << iota // id / receipted_message_id
	FieldSub                            // sub
	FieldDlvrd                          // dlvrd
	FieldSubmitDate                     // submit date (valid date)
	FieldDoneDate                       // done date (valid date)
	FieldStat                           // stat text
	FieldState                          // State is known (recognised stat or message_state TLV)
	FieldErr                            // err
	FieldText                           // text
	FieldNetworkError                   // network_error_code TLV
)

// String lists the fields (encoding.md §8.1) as "id|stat|...", or "none".
func (f Field) String() string {
	if f == 0 {
		return "none"
	}
	var b strings.Builder
	for bit := Field(1); bit != 0 && bit <= f; bit <<= 1 {
		if f&bit == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString(bit.name())
	}
	return b.String()
}

func (f Field) name() string {
	switch f {
	case FieldID:
		return "id"
	case FieldSub:
		return "sub"
	case FieldDlvrd:
		return "dlvrd"
	case FieldSubmitDate:
		return "submit date"
	case FieldDoneDate:
		return "done date"
	case FieldStat:
		return "stat"
	case FieldState:
		return "state"
	case FieldErr:
		return "err"
	case FieldText:
		return "text"
	case FieldNetworkError:
		return "network_error_code"
	}
	return "field(0x" + strconv.FormatUint(uint64(f), 16) + ")"
}

// Has reports whether every field in f was present in the text or TLVs
// (encoding.md §8.2: any field may be missing).
func (r Receipt) Has(f Field) bool { return r.Fields&f == f }

// NetworkError is the network_error_code TLV (SMPP v3.4 §5.3.2.31, tlvs.md
// §2): a network type (1 ANSI-136, 2 IS-95, 3 GSM; v5.0 adds 4–8) and an
// error code whose meaning depends on that type.
type NetworkError struct {
	Type uint8
	Code uint16
}

// Network types of network_error_code (tlvs.md §2).
const (
	NetANSI136      uint8 = 1
	NetIS95         uint8 = 2
	NetGSM          uint8 = 3
	NetANSI136Cause uint8 = 4 // v5.0
	NetIS95Cause    uint8 = 5 // v5.0
	NetANSI41       uint8 = 6 // v5.0
	NetSMPP         uint8 = 7 // v5.0
	NetMC           uint8 = 8 // v5.0: MC-specific
)

// VendorField is a key:value pair of the receipt text whose key is not one
// of Appendix B's (encoding.md §8.2: extra fields are tolerated).
type VendorField struct {
	Key, Value string
}

// VendorValue returns the value of the first vendor field whose key equals
// key case-insensitively (encoding.md §8.2).
func (r Receipt) VendorValue(key string) (string, bool) {
	for _, v := range r.Vendor {
		if strings.EqualFold(v.Key, key) {
			return v.Value, true
		}
	}
	return "", false
}

// New returns a final or intermediate receipt for message id in the given
// state (encoding.md §7, §8.1), as an SMSC reports it: sub 1, dlvrd 1 when
// delivered else 0, stat the Appendix B text of the state, err "000". Set
// Text, Err, NetworkError and Intermediate as needed before formatting.
func New(id string, state pdu.MessageState, submit, done time.Time) Receipt {
	r := Receipt{
		ID:         id,
		Sub:        1,
		SubmitDate: submit,
		DoneDate:   done,
		Stat:       state.Stat(),
		State:      state,
		Err:        "000",
		Fields: FieldID | FieldSub | FieldDlvrd | FieldSubmitDate | FieldDoneDate |
			FieldStat | FieldState | FieldErr,
	}
	if state == pdu.StateDelivered {
		r.Dlvrd = 1
	}
	return r
}

// MessageState returns the receipt's state (encoding.md §7): State when
// FieldState is set or State is non-zero, else the state Stat names, else
// StateUnknown. The builders and [Format] use it, so a Receipt literal may
// set either State or Stat.
func (r Receipt) MessageState() pdu.MessageState {
	if r.Fields&FieldState != 0 || r.State != 0 {
		return r.State
	}
	if s, ok := pdu.ParseMessageState(r.Stat); ok {
		return s
	}
	return pdu.StateUnknown
}

// stat is the text written after "stat:": Stat, or the Appendix B text of
// the state.
func (r Receipt) stat() string {
	if r.Stat != "" {
		return r.Stat
	}
	return r.MessageState().Stat()
}

// hasNetworkError reports whether a network_error_code is to be sent.
func (r Receipt) hasNetworkError() bool {
	return r.Fields&FieldNetworkError != 0 || r.NetworkError != (NetworkError{})
}
