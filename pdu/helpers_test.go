package pdu

import (
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
)

// unhex decodes hex that may contain whitespace and "#" comments (to the end
// of the line), the format of testdata/golden/*.hex.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := parseHex(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func parseHex(s string) ([]byte, error) {
	var sb strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for _, r := range line {
			if r != ' ' && r != '\t' && r != '\r' {
				sb.WriteRune(r)
			}
		}
	}
	return hex.DecodeString(sb.String())
}

// equalPDU compares the exported fields of two PDUs, treating nil and empty
// slices as equal (a decoded PDU has no TLV slice when it had no TLVs) and
// ignoring unexported fields (SubmitSM keeps a TLV backing array).
func equalPDU(a, b PDU) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return equalValue(reflect.ValueOf(a), reflect.ValueOf(b))
}

func equalValue(a, b reflect.Value) bool {
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equalValue(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !a.Type().Field(i).IsExported() {
				continue
			}
			if !equalValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !equalValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	default:
		return a.Interface() == b.Interface()
	}
}

// sample is one PDU of the round-trip table.
type sample struct {
	name   string
	seq    uint32
	status Status
	p      PDU
}

// Non-empty values reused by the samples.
var (
	absTime = "260131235959704+" // absolute, 7 tenths, 04 quarter hours ahead of UTC
	relTime = "000001000000000R" // relative: one day
	vendor  = TLVs{
		{Tag: 0x1501, Value: []byte("MSC-A\x00")}, // jSMPP vendor tag
		{Tag: 0x8081, Value: []byte{0xde, 0xad}},  // Cloudhopper, outside the vendor range
		{Tag: 0x1501, Value: []byte("MSC-B\x00")}, // duplicate
		{Tag: 0x3fff, Value: nil},                 // zero-length unknown
	}
)

func withVendor(t TLVs) TLVs {
	out := append(TLVs{}, t...)
	return append(out, vendor...)
}

// allSamples returns a populated PDU of every type New knows, with non-zero
// values in every field, plus error responses and unknown command ids.
func allSamples() []sample {
	bind := func(m BindMode) *Bind {
		return &Bind{Mode: m, SystemID: "SMPP3TEST123456", Password: "secret08", SystemType: "SUBMIT1ABCDE",
			InterfaceVersion: V50, AddrTON: TONInternational, AddrNPI: NPIISDN, AddressRange: "^44770090[0-9]+$"}
	}
	bindResp := func(m BindMode) *BindResp {
		return &BindResp{Mode: m, SystemID: "SMSC", TLVs: withVendor(TLVs{{TagSCInterfaceVersion, []byte{V50}}, {TagCongestionState, []byte{42}}})}
	}
	sm := SubmitSM{
		ServiceType: "CMT", SourceAddrTON: TONAlphanumeric, SourceAddrNPI: NPIUnknown + 9, SourceAddr: "MyBank",
		DestAddrTON: TONInternational, DestAddrNPI: NPIISDN, DestinationAddr: "447700900123",
		ESMClass: ESMUDHI | ESMModeStoreForward, ProtocolID: 0x7f, PriorityFlag: 3,
		ScheduleDeliveryTime: absTime, ValidityPeriod: relTime,
		RegisteredDelivery: RegReceiptFinal | RegIntermediate, ReplaceIfPresentFlag: 1, DataCoding: CodingUCS2, SMDefaultMsgID: 254,
		ShortMessage: OctetString("\x05\x00\x03\x12\x02\x01\x00H\x00i"),
		TLVs: withVendor(TLVs{
			{TagSARMsgRefNum, []byte{0x12, 0x34}}, {TagSARTotalSegments, []byte{2}}, {TagSARSegmentSeqnum, []byte{1}},
			{TagCallbackNum, []byte("\x01\x01\x01447700900999")}, {TagCallbackNum, []byte("\x01\x01\x01447700900888")},
			{TagAlertOnMessageDelivery, nil}, {TagUserMessageReference, []byte{0xab, 0xcd}},
		}),
	}
	dsm := DeliverSM(sm)
	dsm.ESMClass = ESMTypeDeliveryReceipt
	dsm.ShortMessage = OctetString("id:0123456789 sub:001 dlvrd:001 submit date:2601312359 done date:2601312359 stat:DELIVRD err:000 text:Hello")
	dsm.TLVs = withVendor(TLVs{{TagReceiptedMessageID, []byte("0123456789\x00")}, {TagMessageState, []byte{2}}, {TagNetworkErrorCode, []byte{3, 0, 1}}})
	area := []byte("\x00Area51")
	return []sample{
		{"generic_nack", 0x2A, StatusInvCmdID, &GenericNACK{}},
		{"generic_nack_tlv", 1, StatusInvCmdLen, &GenericNACK{TLVs: TLVs{{TagCongestionState, []byte{100}}}}},
		{"bind_receiver", 1, 0, bind(BindReceiver)},
		{"bind_transmitter", 2, 0, bind(BindTransmitter)},
		{"bind_transceiver", 3, 0, bind(BindTransceiver)},
		{"bind_receiver_resp", 1, 0, bindResp(BindReceiver)},
		{"bind_transmitter_resp", 2, 0, bindResp(BindTransmitter)},
		{"bind_transceiver_resp", 3, 0, bindResp(BindTransceiver)},
		{"outbind", 4, 0, &Outbind{SystemID: "SMSC-ID-15chars", Password: "pass1234"}},
		{"unbind", 5, 0, &Unbind{}},
		{"unbind_resp", 5, 0, &UnbindResp{TLVs: TLVs{{TagCongestionState, []byte{1}}}}},
		{"enquire_link", MaxSequence, 0, &EnquireLink{}},
		{"enquire_link_resp", MaxSequence, 0, &EnquireLinkResp{TLVs: withVendor(TLVs{{TagCongestionState, []byte{99}}})}},
		{"submit_sm", 7, 0, &sm},
		{"submit_sm_resp", 7, 0, &SubmitSMResp{MessageID: strings.Repeat("9", 64), TLVs: withVendor(TLVs{{TagAdditionalStatusInfoText, []byte("ok\x00")}, {TagDPFResult, []byte{1}}})}},
		{"deliver_sm", 8, 0, &dsm},
		{"deliver_sm_resp", 8, 0, &DeliverSMResp{MessageID: "x", TLVs: TLVs{{TagDeliveryFailureReason, []byte{3}}}}},
		{"data_sm", 9, 0, &DataSM{ServiceType: "WAP", SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: strings.Repeat("1", 64),
			DestAddrTON: 2, DestAddrNPI: 8, DestinationAddr: strings.Repeat("2", 64), ESMClass: ESMModeForward, RegisteredDelivery: RegSMEAckDelivery, DataCoding: CodingBinary,
			TLVs: withVendor(TLVs{{TagMessagePayload, []byte("data payload")}, {TagSourcePort, []byte{0x0b, 0x84}}, {TagDestPort, []byte{0x23, 0xf0}}, {TagQOSTimeToLive, []byte{0, 0, 0x0e, 0x10}}})}},
		{"data_sm_resp", 9, 0, &DataSMResp{MessageID: "msg-9", TLVs: TLVs{{TagDeliveryFailureReason, []byte{1}}, {TagNetworkErrorCode, []byte{3, 0, 0x22}}, {TagDPFResult, []byte{0}}}}},
		{"submit_multi", 10, 0, &SubmitMulti{ServiceType: "VMA", SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: "447700900123",
			DestAddresses: []DestAddress{
				{DestFlag: DestFlagSME, DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: "447700900001"},
				{DestFlag: DestFlagDL, DLName: "friends-list-0123456"},
				{DestFlag: DestFlagSME, DestAddrTON: 2, DestAddrNPI: 9, DestinationAddr: "12345678901234567890"},
			},
			ESMClass: ESMUDHI, ProtocolID: 1, PriorityFlag: 2, ScheduleDeliveryTime: relTime, ValidityPeriod: absTime,
			RegisteredDelivery: RegReceiptFailure, ReplaceIfPresentFlag: 1, DataCoding: CodingLatin1, SMDefaultMsgID: 1,
			ShortMessage: OctetString(strings.Repeat("x", 255)), TLVs: withVendor(TLVs{{TagLanguageIndicator, []byte{2}}})}},
		{"submit_multi_resp", 10, 0, &SubmitMultiResp{MessageID: "m10", UnsuccessSMEs: []UnsuccessSME{
			{DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: "447700900001", ErrorStatusCode: StatusInvDstAddr},
			{DestAddrTON: 2, DestAddrNPI: 9, DestinationAddr: "12345678901234567890", ErrorStatusCode: 0x4ff},
		}, TLVs: TLVs{{TagCongestionState, []byte{50}}}}},
		{"query_sm", 11, 0, &QuerySM{MessageID: "m10", SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: "447700900123"}},
		{"query_sm_resp", 11, 0, &QuerySMResp{MessageID: "m10", FinalDate: absTime, MessageState: StateDelivered, ErrorCode: 7, TLVs: TLVs{{TagCongestionState, []byte{2}}}}},
		{"cancel_sm", 12, 0, &CancelSM{ServiceType: "CMT", MessageID: "m10", SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: "447700900123", DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: "447700900456"}},
		{"cancel_sm_resp", 12, 0, &CancelSMResp{TLVs: TLVs{{TagCongestionState, []byte{3}}}}},
		{"replace_sm", 13, 0, &ReplaceSM{MessageID: "m10", SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: "447700900123", ScheduleDeliveryTime: absTime, ValidityPeriod: relTime,
			RegisteredDelivery: 1, SMDefaultMsgID: 5, ShortMessage: OctetString("new text"), TLVs: withVendor(nil)}},
		{"replace_sm_resp", 13, 0, &ReplaceSMResp{}},
		{"alert_notification", 14, 0, &AlertNotification{SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: strings.Repeat("3", 64), ESMEAddrTON: 2, ESMEAddrNPI: 8, ESMEAddr: strings.Repeat("4", 64),
			TLVs: TLVs{{TagMSAvailabilityStatus, []byte{1}}}}},
		{"broadcast_sm", 15, 0, &BroadcastSM{ServiceType: "CBS", SourceAddrTON: 5, SourceAddrNPI: 0, SourceAddr: "CBE", MessageID: "b-1", PriorityFlag: 1,
			ScheduleDeliveryTime: absTime, ValidityPeriod: relTime, ReplaceIfPresentFlag: 1, DataCoding: CodingIA5, SMDefaultMsgID: 3,
			TLVs: withVendor(TLVs{{TagBroadcastAreaIdentifier, area}, {TagBroadcastAreaIdentifier, []byte("\x00Area52")},
				{TagBroadcastContentType, []byte{1, 0, 0x33}}, {TagBroadcastRepNum, []byte{0, 5}}, {TagBroadcastFrequencyInterval, []byte{9, 0, 0x1f}},
				{TagMessagePayload, []byte("storm warning")}})}},
		{"broadcast_sm_resp", 15, 0, &BroadcastSMResp{MessageID: "b-1", TLVs: TLVs{{TagBroadcastErrorStatus, []byte{0, 0, 1, 9}}, {TagBroadcastAreaIdentifier, area}}}},
		{"query_broadcast_sm", 16, 0, &QueryBroadcastSM{MessageID: "b-1", SourceAddrTON: 5, SourceAddrNPI: 0, SourceAddr: "CBE", TLVs: TLVs{{TagUserMessageReference, []byte{0, 1}}}}},
		{"query_broadcast_sm_resp", 16, 0, &QueryBroadcastSMResp{MessageID: "b-1", TLVs: TLVs{{TagMessageState, []byte{1}}, {TagBroadcastAreaIdentifier, area},
			{TagBroadcastAreaSuccess, []byte{100}}, {TagBroadcastEndTime, []byte(absTime + "\x00")}}}},
		{"cancel_broadcast_sm", 17, 0, &CancelBroadcastSM{ServiceType: "CBS", MessageID: "b-1", SourceAddrTON: 5, SourceAddrNPI: 0, SourceAddr: "CBE",
			TLVs: TLVs{{TagBroadcastContentType, []byte{1, 0, 0x33}}, {TagUserMessageReference, []byte{0, 1}}}}},
		{"cancel_broadcast_sm_resp", 17, 0, &CancelBroadcastSMResp{TLVs: TLVs{{TagCongestionState, []byte{0}}}}},

		// Error responses: encoded without a body by default.
		{"submit_sm_resp_throttled", 7, StatusThrottled, &SubmitSMResp{}},
		{"bind_transmitter_resp_fail", 1, StatusBindFail, &BindResp{Mode: BindTransmitter}},
		{"deliver_sm_resp_rx_t_appn", 8, StatusRxTAppn, &DeliverSMResp{}},
		{"submit_multi_resp_fail", 10, StatusInvNumDests, &SubmitMultiResp{}},
		{"query_sm_resp_fail", 11, StatusQueryFail, &QuerySMResp{}},
		{"data_sm_resp_fail", 9, StatusDeliveryFailure, &DataSMResp{}},
		{"broadcast_sm_resp_fail", 15, StatusBcastFail, &BroadcastSMResp{}},

		// Unknown command ids re-encode byte-exact.
		{"unknown_huawei", 18, 0, &Unknown{ID: 0x01000001, Body: OctetString("\x01\x02\x03\x00vendor")}},
		{"unknown_vendor_range_resp", 19, 0x400, &Unknown{ID: 0x80010200, Body: OctetString{0xff}}},
		{"unknown_empty", 20, 0, &Unknown{ID: 0x00000022}},
	}
}
