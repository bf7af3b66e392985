// Command gentlv writes pdu/tlv_accessors.go: a named, typed getter and
// setter on pdu.TLVs for every TLV tag of SMPP v3.4 and v5.0
// (spec/tlvs.md §2), plus All/Add methods for the repeatable tags.
//
// The tag table is the tags slice below. Run it from the pdu directory:
//
//	go generate            (//go:generate in generate.go)
//	go run ./internal/gentlv -check
//
// -check compares the file on disk with what would be generated and exits 1
// when it is stale. Before writing, the table is checked against the Tag
// constants declared in tlv.go (-tlv), so a tag added there without an entry
// here fails generation.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

type kind int

const (
	kInt     kind = iota // big-endian unsigned integer of Size octets
	kCString             // C-Octet String
	kOctets              // octet string
	kFlag                // presence flag with an optional 1-octet value
)

// entry describes one tag. Method is the getter name; the setter is
// "Set"+Method, the repeatable tags also get Method+"All" and "Add"+Method.
type entry struct {
	Const  string // Tag constant in tlv.go
	Method string
	Kind   kind
	Size   int // integers: octets written by the setter (1, 2, 4 or 5)

	Name   string // spec name
	Tag    uint16
	V34    string // SMPP v3.4 section, "" for v5.0 additions
	V50    string // SMPP v5.0 section
	Repeat bool   // repeatable (tlvs.md §1)
	Doc    string // value meaning, one or more sentences
}

var tags = []entry{
	{"TagDestAddrSubunit", "DestAddrSubunit", kInt, 1, "dest_addr_subunit", 0x0005, "5.3.2.1", "4.8.4.23", false,
		"The sub-component of the MS the message is for: 0 unknown (default), 1 MS display, 2 mobile equipment, 3 smart card 1 (SIM), 4 external unit 1."},
	{"TagDestNetworkType", "DestNetworkType", kInt, 1, "dest_network_type", 0x0006, "5.3.2.3", "4.8.4.26", false,
		"The network type of the destination: 0 unknown, 1 GSM, 2 ANSI-136/TDMA, 3 IS-95/CDMA, 4 PDC, 5 PHS, 6 iDEN, 7 AMPS, 8 paging network."},
	{"TagDestBearerType", "DestBearerType", kInt, 1, "dest_bearer_type", 0x0007, "5.3.2.5", "4.8.4.24", false,
		"The bearer requested for delivery: 0 unknown, 1 SMS, 2 CSD, 3 packet data, 4 USSD, 5 CDPD, 6 DataTAC, 7 FLEX/ReFLEX, 8 cell broadcast."},
	{"TagDestTelematicsID", "DestTelematicsID", kInt, 2, "dest_telematics_id", 0x0008, "5.3.2.7", "4.8.4.29", false,
		"The telematics interface of the destination; v5.0 (GSM): octet 1 is a protocol_id value, octet 2 reserved."},
	{"TagSourceAddrSubunit", "SourceAddrSubunit", kInt, 1, "source_addr_subunit", 0x000D, "5.3.2.2", "4.8.4.54", false,
		"The sub-component of the MS the message came from; values as dest_addr_subunit."},
	{"TagSourceNetworkType", "SourceNetworkType", kInt, 1, "source_network_type", 0x000E, "5.3.2.4", "4.8.4.57", false,
		"The network type of the originator; values as dest_network_type."},
	{"TagSourceBearerType", "SourceBearerType", kInt, 1, "source_bearer_type", 0x000F, "5.3.2.6", "4.8.4.55", false,
		"The bearer the message originated on; values as dest_bearer_type."},
	{"TagSourceTelematicsID", "SourceTelematicsID", kInt, 2, "source_telematics_id", 0x0010, "5.3.2.8", "4.8.4.61", false,
		"The telematics interface of the originator. The spec gives 1 octet, most implementations use 2 (tlvs.md §2); 2 are sent."},
	{"TagQOSTimeToLive", "QOSTimeToLive", kInt, 4, "qos_time_to_live", 0x0017, "5.3.2.9", "4.8.4.46", false,
		"The number of seconds the MC should keep an undelivered message (v5.0: overrides validity_period)."},
	{"TagPayloadType", "PayloadType", kInt, 1, "payload_type", 0x0019, "5.3.2.10", "4.8.4.44", false,
		"The higher-layer PDU type in the user data: 0 default (WDP for WAP), 1 WCMP."},
	{"TagAdditionalStatusInfoText", "AdditionalStatusInfoText", kCString, 0, "additional_status_info_text", 0x001D, "5.3.2.11", "4.8.4.1", false,
		"Free ASCII text describing the meaning of a response, at most 255 characters."},
	{"TagReceiptedMessageID", "ReceiptedMessageID", kCString, 0, "receipted_message_id", 0x001E, "5.3.2.12", "4.8.4.47", false,
		"The message_id of the original message in a delivery receipt or intermediate notification, at most 64 characters."},
	{"TagMSMsgWaitFacilities", "MSMsgWaitFacilities", kInt, 1, "ms_msg_wait_facilities", 0x0030, "5.3.2.13", "4.8.4.40", false,
		"The message-waiting indication, bitmask I00000TT: bit 7 set = indication active; bits 1-0 the type (0 voicemail, 1 fax, 2 e-mail, 3 other)."},
	{"TagPrivacyIndicator", "PrivacyIndicator", kInt, 1, "privacy_indicator", 0x0201, "5.3.2.14", "4.8.4.45", false,
		"The privacy level of the message: 0 not restricted (default), 1 restricted, 2 confidential, 3 secret."},
	{"TagSourceSubaddress", "SourceSubaddress", kOctets, 0, "source_subaddress", 0x0202, "5.3.2.15", "4.8.4.60", false,
		"The subaddress of the originator, 2-23 octets: octet 1 the type (0x80 NSAP even, 0x88 NSAP odd, 0xA0 user specified), then up to 22 octets of subaddress."},
	{"TagDestSubaddress", "DestSubaddress", kOctets, 0, "dest_subaddress", 0x0203, "5.3.2.16", "4.8.4.28", false,
		"The subaddress of the destination, encoded as source_subaddress."},
	{"TagUserMessageReference", "UserMessageReference", kInt, 2, "user_message_reference", 0x0204, "5.3.2.17", "4.8.4.62", false,
		"The reference the ESME assigned to the message; receipts and acknowledgements carry the original's."},
	{"TagUserResponseCode", "UserResponseCode", kInt, 1, "user_response_code", 0x0205, "5.3.2.18", "4.8.4.63", false,
		"The application-specific code of a user response (0-255 IS-95, 0-15 CMT-136)."},
	{"TagSourcePort", "SourcePort", kInt, 2, "source_port", 0x020A, "5.3.2.20", "4.8.4.59", false,
		"The application port of the originator (WAP)."},
	{"TagDestPort", "DestPort", kInt, 2, "dest_port", 0x020B, "5.3.2.21", "4.8.4.30", false,
		"The application port of the destination (WAP); destination_port in v3.4."},
	{"TagSARMsgRefNum", "SARMsgRefNum", kInt, 2, "sar_msg_ref_num", 0x020C, "5.3.2.22", "4.8.4.48", false,
		"The reference number of a concatenated message, the same in all its segments."},
	{"TagLanguageIndicator", "LanguageIndicator", kInt, 1, "language_indicator", 0x020D, "5.3.2.19", "4.8.4.35", false,
		"The language of the message: 0 unspecified (default), 1 English, 2 French, 3 Spanish, 4 German, 5 Portuguese."},
	{"TagSARTotalSegments", "SARTotalSegments", kInt, 1, "sar_total_segments", 0x020E, "5.3.2.23", "4.8.4.50", false,
		"The number of segments of a concatenated message, 1-255."},
	{"TagSARSegmentSeqnum", "SARSegmentSeqnum", kInt, 1, "sar_segment_seqnum", 0x020F, "5.3.2.24", "4.8.4.49", false,
		"The number of this segment of a concatenated message, 1-255, starting at 1."},
	{"TagSCInterfaceVersion", "SCInterfaceVersion", kInt, 1, "sc_interface_version", 0x0210, "5.3.2.25", "4.8.4.51", false,
		"The SMPP version the MC supports (0x34, 0x50; 0x33 or less = v3.3), sent in bind_*_resp only."},
	{"TagCallbackNumPresInd", "CallbackNumPresInd", kInt, 1, "callback_num_pres_ind", 0x0302, "5.3.2.37", "4.8.4.17", true,
		"The presentation and screening of a callback number, bitmask 0000ppss: pp 0 allowed, 1 restricted, 2 number not available; ss 0 user provided not screened, 1 verified and passed, 2 verified and failed, 3 network provided. Paired in order with callback_num."},
	{"TagCallbackNumAtag", "CallbackNumAtag", kOctets, 0, "callback_num_atag", 0x0303, "5.3.2.38", "4.8.4.16", true,
		"The alphanumeric display tag of a callback number: octet 1 the data_coding of the text, then the characters. Paired in order with callback_num."},
	{"TagNumberOfMessages", "NumberOfMessages", kInt, 1, "number_of_messages", 0x0304, "5.3.2.39", "4.8.4.43", false,
		"The number of messages in a mailbox, 0-99."},
	{"TagCallbackNum", "CallbackNum", kOctets, 0, "callback_num", 0x0381, "5.3.2.36", "4.8.4.15", true,
		"A callback number, 4-19 octets: octet 1 the digit mode (bit 0: 1 ASCII, 0 DTMF), octet 2 TON, octet 3 NPI, then the number as ASCII digits (see [CallbackNumber])."},
	{"TagDPFResult", "DPFResult", kInt, 1, "dpf_result", 0x0420, "5.3.2.28", "4.8.4.32", false,
		"Whether the delivery pending flag was set after a failed delivery: 0 not set, 1 set."},
	{"TagSetDPF", "SetDPF", kInt, 1, "set_dpf", 0x0421, "5.3.2.29", "4.8.4.52", false,
		"Whether the MC should set the delivery pending flag (and later send alert_notification) when delivery fails: 0 not requested, 1 requested (default)."},
	{"TagMSAvailabilityStatus", "MSAvailabilityStatus", kInt, 1, "ms_availability_status", 0x0422, "5.3.2.30", "4.8.4.39", false,
		"The availability of the MS in alert_notification: 0 available (default), 1 denied, 2 unavailable."},
	{"TagNetworkErrorCode", "NetworkErrorCode", kOctets, 0, "network_error_code", 0x0423, "5.3.2.31", "4.8.4.42", false,
		"The network error of a failed delivery, 3 octets: the network type, then the 2-octet error code (see [TLVs.NetworkError])."},
	{"TagMessagePayload", "MessagePayload", kOctets, 0, "message_payload", 0x0424, "5.3.2.32", "4.8.4.36", false,
		"The user data, instead of short_message, for messages of any length up to 65535 octets."},
	{"TagDeliveryFailureReason", "DeliveryFailureReason", kInt, 1, "delivery_failure_reason", 0x0425, "5.3.2.33", "4.8.4.19", false,
		"Why a transaction-mode delivery failed: 0 destination unavailable, 1 destination address invalid, 2 permanent network error, 3 temporary network error."},
	{"TagMoreMessagesToSend", "MoreMessagesToSend", kInt, 1, "more_messages_to_send", 0x0426, "5.3.2.34", "4.8.4.38", false,
		"Whether more messages for the same destination follow: 0 no, 1 yes (default)."},
	{"TagMessageState", "MessageState", kInt, 1, "message_state", 0x0427, "5.3.2.35", "4.8.4.37", false,
		"The state of the message a receipt reports: 0 SCHEDULED (v5.0), 1 ENROUTE, 2 DELIVERED, 3 EXPIRED, 4 DELETED, 5 UNDELIVERABLE, 6 ACCEPTED, 7 UNKNOWN, 8 REJECTED, 9 SKIPPED (v5.0)."},
	{"TagCongestionState", "CongestionState", kInt, 1, "congestion_state", 0x0428, "", "4.8.4.18", false,
		"The sender's congestion, allowed in any response: 0 idle, 1-29 low, 30-49 medium, 50-79 high, 80-89 optimum, 90-99 nearing congestion, 100 congested."},
	{"TagUSSDServiceOp", "USSDServiceOp", kInt, 1, "ussd_service_op", 0x0501, "5.3.2.44", "4.8.4.64", false,
		"The USSD operation: 0 PSSD indication, 1 PSSR indication, 2 USSR request, 3 USSN request, 16 PSSD response, 17 PSSR response, 18 USSR confirm, 19 USSN confirm; 32-255 vendor specific."},
	{"TagBroadcastChannelIndicator", "BroadcastChannelIndicator", kInt, 1, "broadcast_channel_indicator", 0x0600, "", "4.8.4.7", false,
		"The cell broadcast channel: 0 basic (default), 1 extended."},
	{"TagBroadcastContentType", "BroadcastContentType", kOctets, 0, "broadcast_content_type", 0x0601, "", "4.8.4.8", false,
		"The content type of a broadcast, 3 octets: the network tag (0 generic, 1 GSM, 2 TDMA, 3 CDMA), then the 2-octet content type (see [TLVs.BroadcastContent])."},
	{"TagBroadcastContentTypeInfo", "BroadcastContentTypeInfo", kOctets, 0, "broadcast_content_type_info", 0x0602, "", "4.8.4.6", false,
		"Free-format information about broadcast_content_type, 1-255 octets."},
	{"TagBroadcastMessageClass", "BroadcastMessageClass", kInt, 1, "broadcast_message_class", 0x0603, "", "4.8.4.12", false,
		"The class of a broadcast message: 0 no class (default), 1 class 1, 2 class 2 (user defined), 3 class 3 (terminal equipment)."},
	{"TagBroadcastRepNum", "BroadcastRepNum", kInt, 2, "broadcast_rep_num", 0x0604, "", "4.8.4.13", false,
		"The number of repeated broadcasts; 0 means repeat until validity_period ends (or indefinitely without one)."},
	{"TagBroadcastFrequencyInterval", "BroadcastFrequencyInterval", kOctets, 0, "broadcast_frequency_interval", 0x0605, "", "4.8.4.11", false,
		"The interval between repeated broadcasts, 3 octets: the unit (0x00 as often as possible, 0x08 seconds, 0x09 minutes, 0x0A hours, 0x0B days, 0x0C weeks, 0x0D months, 0x0E years), then the 2-octet count (see [TLVs.BroadcastFrequency])."},
	{"TagBroadcastAreaIdentifier", "BroadcastAreaIdentifier", kOctets, 0, "broadcast_area_identifier", 0x0606, "", "4.8.4.4", true,
		"A broadcast area (in broadcast_sm_resp: a failed_broadcast_area_identifier): octet 1 the format (0 alias/name, 1 ellipsoid arc, 2 polygon), then up to 100 octets of area details."},
	{"TagBroadcastErrorStatus", "BroadcastErrorStatus", kInt, 4, "broadcast_error_status", 0x0607, "", "4.8.4.10", true,
		"The command_status of a failed broadcast area, paired in order with failed_broadcast_area_identifier."},
	{"TagBroadcastAreaSuccess", "BroadcastAreaSuccess", kInt, 1, "broadcast_area_success", 0x0608, "", "4.8.4.5", true,
		"The percentage 0-100 of base stations of an area that accepted the broadcast, 255 if not available; one per area."},
	{"TagBroadcastEndTime", "BroadcastEndTime", kCString, 0, "broadcast_end_time", 0x0609, "", "4.8.4.9", false,
		"The absolute time YYMMDDhhmmsstnnp at which broadcasting ended (see [ParseTime])."},
	{"TagBroadcastServiceGroup", "BroadcastServiceGroup", kOctets, 0, "broadcast_service_group", 0x060A, "", "4.8.4.14", false,
		"The free-format target group of a broadcast, 1-255 octets."},
	{"TagBillingIdentification", "BillingIdentification", kOctets, 0, "billing_identification", 0x060B, "", "4.8.4.3", false,
		"Billing information, 1-1024 octets: octet 1 the format tag (high bit set = vendor specific), then the billing data."},
	{"TagSourceNetworkID", "SourceNetworkID", kCString, 0, "source_network_id", 0x060D, "", "4.8.4.56", false,
		"The network id of the originating node (GSM \"1\"+MCC+MNC, TDMA/CDMA \"2\"+MCC+SID, ESME operators \"3\"+MCC+address type+address); sent with source_node_id."},
	{"TagDestNetworkID", "DestNetworkID", kCString, 0, "dest_network_id", 0x060E, "", "4.8.4.25", false,
		"The network id of the destination node, formed as source_network_id; sent with dest_node_id."},
	{"TagSourceNodeID", "SourceNodeID", kOctets, 0, "source_node_id", 0x060F, "", "4.8.4.58", false,
		"Exactly 6 decimal digit characters (no NUL) identifying the originating node in its network."},
	{"TagDestNodeID", "DestNodeID", kOctets, 0, "dest_node_id", 0x0610, "", "4.8.4.27", false,
		"Exactly 6 decimal digit characters (no NUL) identifying the destination node in its network."},
	{"TagDestAddrNPResolution", "DestAddrNPResolution", kInt, 1, "dest_addr_np_resolution", 0x0611, "", "4.8.4.22", false,
		"The number portability query result: 0 not performed (default), 1 performed, number not ported, 2 performed, number ported."},
	{"TagDestAddrNPInformation", "DestAddrNPInformation", kOctets, 0, "dest_addr_np_information", 0x0612, "", "4.8.4.21", false,
		"Number portability data, 10 octets (in the US the 10-digit LRN)."},
	{"TagDestAddrNPCountry", "DestAddrNPCountry", kInt, 5, "dest_addr_np_country", 0x0613, "", "4.8.4.20", false,
		"The E.164 country code of the operator."},
	{"TagDisplayTime", "DisplayTime", kInt, 1, "display_time", 0x1201, "5.3.2.26", "4.8.4.31", false,
		"How the MS displays the message: 0 temporary, 1 default (default), 2 invoke."},
	{"TagSMSSignal", "SMSSignal", kInt, 2, "sms_signal", 0x1203, "5.3.2.40", "4.8.4.53", false,
		"TDMA alert-tone information, encoded as in CMT-136."},
	{"TagMSValidity", "MSValidity", kOctets, 0, "ms_validity", 0x1204, "5.3.2.27", "4.8.4.41", false,
		"How long the MS keeps the message: octet 1 0 store indefinitely (default), 1 power down, 2 until the registration area changes, 3 display only, 4 relative period; the 4-octet v5.0 form adds a unit and a 2-octet count (see [TLVs.MSValidityInfo])."},
	{"TagAlertOnMessageDelivery", "AlertOnMessageDelivery", kFlag, 0, "alert_on_message_delivery", 0x130C, "5.3.2.41", "4.8.4.2", false,
		"Its presence asks the MS to alert the user when the message arrives; the v5.0 value selects the alert: 0 mobile default, 1 low, 2 medium, 3 high priority."},
	{"TagITSReplyType", "ITSReplyType", kInt, 1, "its_reply_type", 0x1380, "5.3.2.42", "4.8.4.33", false,
		"The Korean CDMA ITS reply method: 0 digit, 1 number, 2 telephone no., 3 password, 4 character line, 5 menu, 6 date, 7 time, 8 continue."},
	{"TagITSSessionInfo", "ITSSessionInfo", kOctets, 0, "its_session_info", 0x1383, "5.3.2.43", "4.8.4.34", false,
		"Korean CDMA ITS session control, 2 octets: the session number, then the dialogue sequence number (bits 7-1) and the end-of-session flag (bit 0)."},
}

func main() {
	out := flag.String("o", "tlv_accessors.go", "output file")
	check := flag.Bool("check", false, "exit 1 if the output file is not up to date instead of writing it")
	tlv := flag.String("tlv", "tlv.go", "file declaring the Tag constants to check the table against (\"\" to skip)")
	flag.Parse()

	if err := validate(tags); err != nil {
		fatal(err)
	}
	if *tlv != "" {
		if err := crossCheck(*tlv, tags); err != nil {
			fatal(err)
		}
	}
	src, err := generate(tags)
	if err != nil {
		fatal(err)
	}
	if *check {
		old, err := os.ReadFile(*out)
		if err != nil {
			fatal(err)
		}
		if !bytes.Equal(old, src) {
			fatal(fmt.Errorf("%s is out of date: run go generate in the pdu directory", *out))
		}
		return
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gentlv:", err)
	os.Exit(1)
}

// validate checks the table for internal consistency.
func validate(es []entry) error {
	consts, methods := map[string]bool{}, map[string]bool{}
	for _, e := range es {
		if consts[e.Const] {
			return fmt.Errorf("%s listed twice", e.Const)
		}
		consts[e.Const] = true
		for _, m := range accessorNames(e) {
			if methods[m] {
				return fmt.Errorf("%s: method %s generated twice", e.Const, m)
			}
			methods[m] = true
		}
		switch e.Kind {
		case kInt:
			if e.Size != 1 && e.Size != 2 && e.Size != 4 && e.Size != 5 {
				return fmt.Errorf("%s: integer size %d not 1, 2, 4 or 5", e.Const, e.Size)
			}
			if e.Repeat && e.Size != 1 && e.Size != 4 {
				return fmt.Errorf("%s: repeatable integers must be 1 or 4 octets", e.Const)
			}
		case kCString, kFlag:
			if e.Repeat {
				return fmt.Errorf("%s: repeatable %v not supported", e.Const, e.Kind)
			}
		}
		if e.Name == "" || e.V50 == "" || !strings.HasSuffix(e.Doc, ".") {
			return fmt.Errorf("%s: name, v5.0 section and a doc sentence are required", e.Const)
		}
	}
	return nil
}

func accessorNames(e entry) []string {
	n := []string{e.Method, "Set" + e.Method}
	if e.Repeat {
		n = append(n, e.Method+"All", "Add"+e.Method)
	}
	return n
}

// crossCheck parses the Tag constants of path and requires the table to list
// exactly those, with the same values.
func crossCheck(path string, es []entry) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return err
	}
	declared := map[string]uint16{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			if id, ok := v.Type.(*ast.Ident); !ok || id.Name != "Tag" || len(v.Names) != 1 || len(v.Values) != 1 {
				continue
			}
			lit, ok := v.Values[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.INT {
				return fmt.Errorf("%s: %s is not an integer literal", path, v.Names[0].Name)
			}
			n, err := strconv.ParseUint(lit.Value, 0, 16)
			if err != nil {
				return fmt.Errorf("%s: %s: %v", path, v.Names[0].Name, err)
			}
			declared[v.Names[0].Name] = uint16(n)
		}
	}
	if len(declared) == 0 {
		return fmt.Errorf("%s declares no Tag constants", path)
	}
	listed := map[string]bool{}
	for _, e := range es {
		listed[e.Const] = true
		v, ok := declared[e.Const]
		switch {
		case !ok:
			return fmt.Errorf("%s is not declared in %s", e.Const, path)
		case v != e.Tag:
			return fmt.Errorf("%s is 0x%04X in %s, 0x%04X in the table", e.Const, v, path, e.Tag)
		}
	}
	for name := range declared {
		if !listed[name] {
			return fmt.Errorf("%s (declared in %s) has no table entry", name, path)
		}
	}
	return nil
}

func (k kind) String() string {
	return [...]string{"integer", "C-Octet String", "octet string", "flag"}[k]
}

func generate(es []entry) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by gentlv; DO NOT EDIT.\n\n")
	b.WriteString("package pdu\n\n")
	b.WriteString("// Named accessors for every TLV of SMPP v3.4 and v5.0 (tlvs.md §2),\n")
	b.WriteString("// generated from the table in internal/gentlv. Getters read the first\n")
	b.WriteString("// instance of a tag and decode it by its received length; setters replace\n")
	b.WriteString("// every instance. Structured values are in tlv_types.go.\n")
	for _, e := range es {
		emit(&b, e)
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting generated code: %v\n%s", err, b.Bytes())
	}
	return src, nil
}

func goType(e entry) string {
	switch e.Kind {
	case kInt:
		switch e.Size {
		case 1:
			return "uint8"
		case 2:
			return "uint16"
		}
		return "uint32"
	case kCString:
		return "string"
	case kOctets:
		return "[]byte"
	}
	return "uint8"
}

func ref(e entry) string {
	h := fmt.Sprintf("%s (0x%04X)", e.Name, e.Tag)
	if e.V34 != "" {
		return h + ", SMPP v3.4 §" + e.V34 + " and v5.0 §" + e.V50
	}
	return h + ", SMPP v5.0 §" + e.V50
}

func emit(b *bytes.Buffer, e entry) {
	typ, tag := goType(e), e.Const

	// Getter.
	var note, body string
	switch e.Kind {
	case kInt:
		switch e.Size {
		case 1:
			note = "ok is false when the TLV is absent or empty."
			body = fmt.Sprintf("return t.Uint8(%s)", tag)
		case 2:
			note = "A 1-octet value is accepted (decoding by received length, tlvs.md §1); ok is false when the TLV is absent or empty."
			body = fmt.Sprintf("return t.Uint16(%s)", tag)
		case 4:
			note = "Values of 1 to 4 octets are accepted; ok is false when the TLV is absent, empty or longer."
			body = fmt.Sprintf("return t.Uint32(%s)", tag)
		case 5:
			note = fmt.Sprintf("Values of 1 to %d octets are accepted; ok is false when the TLV is absent, empty, longer, or above 32 bits.", e.Size)
			body = fmt.Sprintf("return t.uint32N(%s, %d)", tag, e.Size)
		}
	case kCString:
		note = "The NUL terminator is removed (a missing one is tolerated); ok is false when the TLV is absent."
		body = fmt.Sprintf("return t.String(%s)", tag)
	case kOctets:
		note = "The value aliases the decoded frame and must not be modified; ok is false when the TLV is absent."
		body = fmt.Sprintf("return t.Get(%s)", tag)
	case kFlag:
		note = "present reports whether the TLV is there; level is its 1-octet v5.0 value, 0 when the value is empty (the v3.4 form)."
		body = fmt.Sprintf("v, ok := t.Get(%s)\nif !ok || len(v) == 0 {\nreturn 0, ok\n}\nreturn v[0], true", tag)
	}
	if e.Repeat {
		note += fmt.Sprintf(" The tag is repeatable: this is the first instance, [TLVs.%sAll] returns all.", e.Method)
	}
	results := "(v " + typ + ", ok bool)"
	if e.Kind == kFlag {
		results = "(level uint8, present bool)"
	}
	b.WriteString("\n")
	comment(b, fmt.Sprintf("%s returns %s. %s", e.Method, ref(e), e.Doc), note)
	fmt.Fprintf(b, "func (t TLVs) %s() %s {\n%s\n}\n", e.Method, results, body)

	// Setter.
	param := "v " + typ
	switch e.Kind {
	case kInt:
		switch e.Size {
		case 1:
			note, body = "as a 1-octet integer", fmt.Sprintf("t.SetUint8(%s, v)", tag)
		case 2:
			note, body = "as a 2-octet integer", fmt.Sprintf("t.SetUint16(%s, v)", tag)
		case 4:
			note, body = "as a 4-octet integer", fmt.Sprintf("t.SetUint32(%s, v)", tag)
		default:
			note, body = fmt.Sprintf("as a %d-octet integer", e.Size), fmt.Sprintf("t.setUint32N(%s, v, %d)", tag, e.Size)
		}
	case kCString:
		note, body = "as a C-Octet String (a NUL terminator is appended)", fmt.Sprintf("t.SetString(%s, v)", tag)
	case kOctets:
		note, body = "to v (not copied)", fmt.Sprintf("t.Set(%s, v)", tag)
	case kFlag:
		param = "level uint8"
		note = "with no value when level is 0 (the only form v3.4 accepts) and with the 1-octet v5.0 level otherwise"
		body = fmt.Sprintf("if level == 0 {\nt.Set(%s, nil)\nreturn\n}\nt.Set(%s, []byte{level})", tag, tag)
	}
	b.WriteString("\n")
	comment(b, fmt.Sprintf("Set%s sets %s, %s, replacing any existing instances. %s", e.Method, ref(e), note, e.Doc))
	fmt.Fprintf(b, "func (t *TLVs) Set%s(%s) {\n%s\n}\n", e.Method, param, body)

	if !e.Repeat {
		return
	}
	var all, add string
	switch {
	case e.Kind == kOctets:
		all, add = fmt.Sprintf("return t.All(%s)", tag), fmt.Sprintf("t.Add(%s, v)", tag)
	case e.Size == 1:
		all, add = fmt.Sprintf("return t.allUint8(%s)", tag), fmt.Sprintf("t.Add(%s, []byte{v})", tag)
	default:
		all, add = fmt.Sprintf("return t.allUint32(%s)", tag),
			fmt.Sprintf("t.Add(%s, []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})", tag)
	}
	allNote := "The values alias the decoded frame and must not be modified."
	if e.Kind == kInt {
		allNote = "An instance that cannot be decoded yields 0, so positions stay aligned with paired tags."
	}
	b.WriteString("\n")
	comment(b, fmt.Sprintf("%sAll returns every instance of %s, in wire order. %s", e.Method, ref(e), e.Doc), allNote)
	fmt.Fprintf(b, "func (t TLVs) %sAll() []%s {\n%s\n}\n", e.Method, typ, all)
	b.WriteString("\n")
	comment(b, fmt.Sprintf("Add%s appends an instance of %s, keeping the existing ones. %s", e.Method, ref(e), e.Doc))
	fmt.Fprintf(b, "func (t *TLVs) Add%s(v %s) {\n%s\n}\n", e.Method, typ, add)
}

// comment writes paragraphs as a // comment wrapped at 80 columns.
func comment(b *bytes.Buffer, paragraphs ...string) {
	for i, p := range paragraphs {
		if i > 0 {
			b.WriteString("//\n")
		}
		line := "//"
		for _, w := range strings.Fields(p) {
			if len(line) > 2 && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > 77 {
				b.WriteString(line + "\n")
				line = "//"
			}
			line += " " + w
		}
		b.WriteString(line + "\n")
	}
}
