package pdu

import (
	"errors"
	"strings"
	"testing"
)

// The tests in this file pin bugs found in the non-test code of package pdu
// (reported to its owner). Each is skipped with "BUG: ..." until fixed;
// remove the t.Skip line to see it fail.

// TestEncoderOutputPassesStrictDecoder: "strict when sending" (pdus.md §1)
// means that whatever Append accepts, the strict Decoder accepts too.
func TestEncoderOutputPassesStrictDecoder(t *testing.T) {
	cases := []PDU{
		&SubmitSM{ScheduleDeliveryTime: "26013123595970\x00+"},
		&ReplaceSM{ValidityPeriod: "\x00" + strings.Repeat("0", 15)},
		&QuerySMResp{FinalDate: strings.Repeat("1", 15) + "\x00"},
		&SubmitSM{TLVs: TLVs{{TagSARTotalSegments, []byte{1, 2}}}},
		&DataSMResp{TLVs: TLVs{{TagNetworkErrorCode, []byte{3}}}},
		&SubmitMulti{},
	}
	for _, p := range cases {
		b, err := Marshal(1, 0, p)
		if err != nil {
			continue // refused: fine
		}
		if _, _, err := Decode(b); err != nil {
			t.Errorf("%T: Append gave %x, which strict Decode refuses: %v", p, b, err)
		}
	}
}

// TestBindModeOutOfRange: a Bind or BindResp with a Mode other than
// tx/rx/trx must not be sent under another command_id.
func TestBindModeOutOfRange(t *testing.T) {
	for _, p := range []PDU{&Bind{Mode: 7, SystemID: "x"}, &BindResp{Mode: 7, SystemID: "x"}} {
		b, err := Marshal(1, 0, p)
		if err == nil {
			h, _ := DecodeHeader(b)
			t.Errorf("%T with Mode 7 encoded as %v: %x", p, h.ID, b)
		}
	}
}

// TestEncodeErrorNamesCommand: the EncodeError of a PDU without mandatory
// fields names the command.
func TestEncodeErrorNamesCommand(t *testing.T) {
	_, err := Marshal(1, 0, &EnquireLinkResp{TLVs: TLVs{{TagMessagePayload, make([]byte, 0x10000)}}})
	var ee *EncodeError
	if !errors.As(err, &ee) || ee.ID != CmdEnquireLinkResp {
		t.Errorf("got %v", err)
	}
}
