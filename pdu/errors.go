package pdu

import (
	"errors"
	"strconv"
)

// Framing errors returned by [Reader] and [Decoder]. They are wrapped in a
// *[DecodeError] that says which command_status to answer with.
var (
	ErrShortFrame    = errors.New("pdu: frame shorter than its command_length")
	ErrFrameTooLarge = errors.New("pdu: command_length exceeds the maximum")
	ErrBadLength     = errors.New("pdu: command_length below the 16-octet header")
	ErrTruncated     = errors.New("pdu: body ends inside a field")
	ErrNoTerminator  = errors.New("pdu: C-Octet String has no NUL terminator")
	ErrTooLong       = errors.New("pdu: field longer than its maximum")
	ErrBadValue      = errors.New("pdu: invalid field value")
	ErrTrailing      = errors.New("pdu: octets after the last field")
	ErrUnknownCmd    = errors.New("pdu: unknown command_id")
)

// DecodeError reports why a frame could not be decoded and how the peer must
// be answered (SMPP v3.4 §4.3, v5.0 §2.8.2; pdus.md §4).
//
// When HeaderValid is true, Header holds the received header and a session
// answers a request with generic_nack (for ESME_RINVCMDLEN and
// ESME_RINVCMDID) or with the request's own *_resp carrying Status. When it is
// false the header could not be trusted: answer generic_nack with
// sequence_number 0 and close the connection.
type DecodeError struct {
	Header      Header
	HeaderValid bool
	Status      Status // command_status to answer with
	Field       string // spec name of the offending field ("" for framing errors)
	Err         error  // one of the Err* values above, or a more specific error
}

// Error describes the failure: "pdu: submit_sm seq 7: source_addr: field
// longer than its maximum (ESME_RINVSRCADR)".
func (e *DecodeError) Error() string {
	s := "pdu: "
	if e.HeaderValid {
		s += e.Header.ID.String() + " seq " + strconv.FormatUint(uint64(e.Header.Seq), 10) + ": "
	}
	if e.Field != "" {
		s += e.Field + ": "
	}
	msg := e.Err.Error()
	if len(msg) > 5 && msg[:5] == "pdu: " {
		msg = msg[5:]
	}
	return s + msg + " (" + e.Status.String() + ")"
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// Seq returns the sequence number to answer with: the received one when the
// header was readable, else 0 (v3.4 Table 4-9).
func (e *DecodeError) Seq() uint32 {
	if e.HeaderValid {
		return e.Header.Seq
	}
	return 0
}

// GenericNACK reports whether the spec prescribes generic_nack (rather than
// the request's own *_resp) as the answer: for framing errors and unknown
// command ids.
//
// It returns false for a response: a response (generic_nack included) is
// never answered, which could loop (pdus.md §4); the caller fails the
// request it answered instead.
func (e *DecodeError) GenericNACK() bool {
	if e.HeaderValid && e.Header.ID.IsResponse() {
		return false
	}
	if !e.HeaderValid || !e.Header.ID.Known() {
		return true
	}
	return e.Status == StatusInvCmdLen || e.Status == StatusInvCmdID
}

// EncodeError reports a PDU that cannot be encoded because a field breaks
// its limit (strict when sending, pdus.md §1).
type EncodeError struct {
	ID    CommandID
	Field string
	Err   error
}

func (e *EncodeError) Error() string {
	msg := e.Err.Error()
	if len(msg) > 5 && msg[:5] == "pdu: " {
		msg = msg[5:]
	}
	return "pdu: encode " + e.ID.String() + ": " + e.Field + ": " + msg
}

// Unwrap returns the underlying error.
func (e *EncodeError) Unwrap() error { return e.Err }
